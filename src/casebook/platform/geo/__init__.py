"""The geo port: points in named layers, moved often, queried for the k nearest within a radius."""

from __future__ import annotations

from typing import NamedTuple, Protocol


class Nearby(NamedTuple):
    member: str
    distance_m: float
    lat: float
    lon: float


class Geo(Protocol):
    async def put(self, layer: str, member: str, *, lat: float, lon: float) -> None:
        """Add or move a point (validates -90..90 / -180..180, raises platform.errors.Invalid)."""
    async def remove(self, layer: str, member: str) -> bool: ...
    async def position(self, layer: str, member: str) -> tuple[float, float] | None: ...
    async def nearest(self, layer: str, *, lat: float, lon: float, radius_m: float, limit: int) -> list[Nearby]:
        """Up to `limit` points within `radius_m`, nearest first."""
    async def ping(self) -> None: ...
    async def close(self) -> None: ...


def open_geo(url: str) -> Geo:
    """`memory://` (in-process H3 index) or `redis://` (GEOADD/GEOSEARCH)."""
    if url.startswith("memory://"):
        from casebook.platform.geo.memory import MemoryGeo

        return MemoryGeo()
    if url.startswith(("redis://", "rediss://", "unix://")):
        from casebook.platform.geo.redis import RedisGeo

        return RedisGeo(url)
    raise ValueError(f"unsupported geo URL: {url}")
