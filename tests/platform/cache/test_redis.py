"""What only the Redis adapter adds: an unreachable server is a 503, never a driver error."""

from __future__ import annotations

import pytest

from casebook.platform.cache.redis import RedisCache
from casebook.platform.errors import Unavailable

UNREACHABLE_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1


async def test_an_unreachable_redis_is_unavailable() -> None:
    cache = RedisCache(UNREACHABLE_URL)
    try:
        with pytest.raises(Unavailable):
            await cache.get("k")
        with pytest.raises(Unavailable):
            await cache.incr("k", ttl_s=10)
        with pytest.raises(Unavailable):
            await cache.zadd("board", {"a": 1}, keep_top=10)
    finally:
        await cache.close()
