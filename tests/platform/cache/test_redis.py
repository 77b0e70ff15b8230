"""What only the Redis adapter adds: an unreachable server is a 503, never a driver error; batched reads
(their own connections) recover from connections the server dropped and from callers cancelled mid-read."""

from __future__ import annotations

import asyncio
import contextlib
import math

import pytest
import redis.asyncio as redis

from casebook.platform.cache import GetMany, RevRangeByScore
from casebook.platform.cache.redis import RedisCache
from casebook.platform.cache.redis_reads import CLIENT_NAME
from casebook.platform.errors import Unavailable
from tests.backends import DISTRIBUTED, REDIS_DB, REDIS_HOST

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


async def test_batched_reads_of_an_unreachable_redis_are_unavailable() -> None:
    cache = RedisCache(UNREACHABLE_URL)
    try:
        with pytest.raises(Unavailable):
            await cache.read_many([GetMany(["k"])])
    finally:
        await cache.close()


@pytest.mark.skipif(not DISTRIBUTED, reason="needs the real Redis (CASEBOOK_TEST_BACKENDS=all)")
async def test_batched_reads_survive_connections_killed_by_the_server_and_cancelled_callers() -> None:
    cache = RedisCache(f"{REDIS_HOST}/{REDIS_DB}")
    admin = redis.Redis.from_url(f"{REDIS_HOST}/{REDIS_DB}")
    try:
        await cache.set("k", b"v")
        assert await cache.read_many([GetMany(["k"])]) == [[b"v"]]
        ours = [client for client in await admin.client_list()  # this db's only: other tests share the Redis
                if client["name"] == CLIENT_NAME and int(client["db"]) == REDIS_DB]
        assert len(ours) == 1
        await admin.client_kill_filter(_id=ours[0]["id"])  # the idle read connection dies
        assert await cache.read_many([GetMany(["k"])]) == [[b"v"]]  # asked again on a fresh connection

        await cache.zadd("big", {str(number): float(number) for number in range(20_000)})
        slow = asyncio.create_task(cache.read_many([RevRangeByScore("big", math.inf, -math.inf, limit=20_000)]))
        await asyncio.sleep(0)
        slow.cancel()  # cancelled mid-exchange: its late replies must not answer the next caller
        with contextlib.suppress(asyncio.CancelledError):
            await slow
        assert await cache.read_many([GetMany(["k"])]) == [[b"v"]]
    finally:
        await admin.aclose()
        await cache.close()
