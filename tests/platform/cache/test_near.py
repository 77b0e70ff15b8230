"""The near cache: local copies that every process forgets when any process invalidates."""

import asyncio

from casebook.platform.cache import open_cache
from casebook.platform.cache.near import NearCache
from casebook.platform.realtime import open_realtime


async def open_process(settings, shared=None):
    """One 'process': its own cache client, realtime client and near cache (embedded: shared memory)."""
    cache = shared or open_cache(settings.cache_url)
    realtime = open_realtime(settings.realtime_url)
    near = NearCache(cache, realtime, is_local=settings.cache_url.startswith("memory://"), ttl_s=60)
    await near.start()
    return near, cache, realtime


async def close(near, cache, realtime) -> None:
    await near.stop()
    await realtime.close()
    await cache.close()


async def eventually(read, expected, timeout_s: float = 5.0):
    async with asyncio.timeout(timeout_s):
        while (value := await read()) != expected:
            await asyncio.sleep(0.01)
    return value


async def test_an_invalidation_anywhere_reaches_every_process(settings) -> None:
    first = await open_process(settings)
    second = await open_process(settings, shared=first[1] if first[0].is_local else None)
    near_a, near_b = first[0], second[0]
    try:
        await near_a.set("doc:1", b"v1", ttl_s=300)
        assert await near_a.get("doc:1") == b"v1"
        assert await near_b.get("doc:1") == b"v1"  # both now hold a copy (distributed)

        # another process changes the truth and invalidates
        await near_b.invalidate("doc:1")
        await near_b.set("doc:1", b"v2", ttl_s=300)

        assert await near_b.get("doc:1") == b"v2"
        assert await eventually(lambda: near_a.get("doc:1"), b"v2") == b"v2"
    finally:
        await close(*second) if not near_b.is_local else await second[0].stop()
        await close(*first)


class SlowReads:
    """Wraps a real cache; `get` waits for `release` after reading, like a slow network hop."""

    def __init__(self, cache) -> None:
        self.cache = cache
        self.read_done = asyncio.Event()
        self.release = asyncio.Event()

    async def get(self, key):
        value = await self.cache.get(key)
        self.read_done.set()
        await self.release.wait()
        return value

    def __getattr__(self, name):
        return getattr(self.cache, name)


async def test_a_read_overlapping_an_invalidation_does_not_keep_the_old_value(settings) -> None:
    cache = open_cache(settings.cache_url)
    realtime = open_realtime(settings.realtime_url)
    slow = SlowReads(cache)
    near = NearCache(slow, realtime, is_local=False, ttl_s=60)  # force the local layer on both backends
    try:
        await cache.set("doc:2", b"old")
        in_flight = asyncio.create_task(near.get("doc:2"))
        await slow.read_done.wait()  # the read has the old value in hand

        await near.invalidate("doc:2")  # ...when the document changes
        await cache.set("doc:2", b"new")
        slow.release.set()

        assert await in_flight == b"old"  # that read answered with what it saw
        assert await near.get("doc:2") == b"new"  # but did not keep it
    finally:
        await realtime.close()
        await cache.close()


async def test_local_copies_are_bounded(settings) -> None:
    near, cache, realtime = await open_process(settings)
    near.items_max = 3
    try:
        for number in range(10):
            await cache.set(f"doc:{number}", b"x")
            assert await near.get(f"doc:{number}") == b"x"

        assert len(near._items) <= 3
    finally:
        await close(near, cache, realtime)
