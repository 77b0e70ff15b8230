"""What only the Redis adapter adds: an unreachable server is a 503, never a driver error."""

from __future__ import annotations

import pytest

from casebook.platform.errors import Unavailable
from casebook.platform.geo.redis import RedisGeo

UNREACHABLE_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1


async def test_an_unreachable_redis_is_unavailable() -> None:
    geo = RedisGeo(UNREACHABLE_URL)
    try:
        with pytest.raises(Unavailable):
            await geo.put("couriers", "c1", lat=52.5, lon=13.4)
        with pytest.raises(Unavailable):
            await geo.nearest("couriers", lat=52.5, lon=13.4, radius_m=100, limit=5)
    finally:
        await geo.close()
