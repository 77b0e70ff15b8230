"""The Redis geo index: one GEO sorted set per layer, shared by every process."""

from __future__ import annotations

import redis.asyncio as redis
from redis.exceptions import RedisError

from casebook.platform.errors import Unavailable
from casebook.platform.geo import Nearby
from casebook.platform.geo.memory import check_point, check_query

POOL_CONNECTIONS_MAX = 32
POOL_WAIT_TIMEOUT_S = 5.0


def _key(layer: str) -> str:
    return f"geo:{layer}"


class RedisGeo:
    """A `Geo` on Redis: GEOADD to put or move, GEOSEARCH for the nearest."""

    def __init__(self, url: str) -> None:
        pool = redis.BlockingConnectionPool.from_url(
            url, max_connections=POOL_CONNECTIONS_MAX, timeout=POOL_WAIT_TIMEOUT_S)
        self._client = redis.Redis.from_pool(pool)  # owns the pool: aclose() closes it

    async def put(self, layer: str, member: str, *, lat: float, lon: float) -> None:
        """Add or move a point (raises Invalid outside ±85.05112878 lat / ±180 lon)."""
        check_point(lat, lon)
        await _run(self._client.geoadd(_key(layer), (lon, lat, member)))

    async def remove(self, layer: str, member: str) -> bool:
        return bool(await _run(self._client.zrem(_key(layer), member)))

    async def position(self, layer: str, member: str) -> tuple[float, float] | None:
        (point,) = await _run(self._client.geopos(_key(layer), member))
        return None if point is None else (point[1], point[0])

    async def nearest(self, layer: str, *, lat: float, lon: float, radius_m: float, limit: int) -> list[Nearby]:
        """Up to `limit` points within `radius_m`, nearest first."""
        check_query(lat, lon, radius_m, limit)
        if lon == 180.0:  # the same meridian; from exactly +180 Redis 7.0 misses points west of it
            lon = -180.0
        rows = await _run(self._client.geosearch(
            _key(layer), longitude=lon, latitude=lat, radius=radius_m, unit="m",
            sort="ASC", count=limit, withdist=True, withcoord=True))
        return [Nearby(member.decode(), distance_m, point[1], point[0]) for member, distance_m, point in rows]

    async def ping(self) -> None:
        await self._client.ping()

    async def close(self) -> None:
        await self._client.aclose()


async def _run(command):  # type: ignore[no-untyped-def]
    try:
        return await command
    except RedisError as error:
        raise Unavailable("the geo index is unavailable") from error
