"""What only the in-process cache promises: its LRU bound, its sweep, and Redis's sorted-set order."""

from __future__ import annotations

import asyncio

from hypothesis import given
from hypothesis import strategies as st

from casebook.platform.cache.memory import MemoryCache, SortedSet


async def test_evicts_the_least_recently_used_key_past_items_max() -> None:
    cache = MemoryCache(items_max=3)
    await cache.set("a", b"1")
    await cache.set("b", b"2")
    await cache.zadd("c", {"m1": 1, "m2": 2, "m3": 3})  # a whole sorted set is one item
    await cache.get("a")
    await cache.incr("d")
    assert await cache.get_many(["a", "b", "d"]) == [b"1", None, b"1"]
    assert await cache.zcard("c") == 3


async def test_writes_sweep_expired_keys_nobody_reads() -> None:
    cache = MemoryCache(items_max=1000)
    for n in range(10):
        await cache.set(f"stale{n}", b"x", ttl_s=0.01)
    await asyncio.sleep(0.05)
    await cache.set("fresh", b"y")
    assert list(cache._values) == ["fresh"]  # reclaimed without a read of any stale key


async def test_close_forgets_everything() -> None:
    cache = MemoryCache()
    await cache.set("a", b"1", ttl_s=10)
    await cache.close()
    assert await cache.get("a") is None


members = st.text(alphabet="abcXYZ_é", min_size=0, max_size=3)
scores = st.sampled_from([-1.5, 0.0, 1.0, 2.0, 1e300, float("inf"), float("-inf")])
operations = st.lists(st.tuples(st.booleans(), members, scores), max_size=60)


def _redis_order(model: dict[str, float]) -> list[tuple[str, float]]:
    """Redis's ZREVRANGE order: score descending, then member descending (byte order)."""
    ranked = sorted(model.items(), key=lambda item: (item[1], item[0].encode()), reverse=True)
    return [(member, score) for member, score in ranked]


@given(operations, st.integers(-8, 8), st.integers(-8, 8))
def test_sorted_set_matches_a_naive_model(ops: list[tuple[bool, str, float]], start: int, stop: int) -> None:
    zset, model = SortedSet(), {}
    for is_add, member, score in ops:
        if is_add:
            zset.add(member, score)
            model[member] = score
        else:
            assert zset.remove(member) is (model.pop(member, None) is not None)
    ranked = _redis_order(model)
    assert zset.rev_range(0, -1) == ranked
    size = len(ranked)
    low, high = (start + size if start < 0 else start), (stop + size if stop < 0 else stop)
    assert zset.rev_range(start, stop) == (ranked[max(low, 0): high + 1] if high >= 0 else [])


@given(operations, scores, scores, st.integers(0, 10), st.booleans())
def test_range_by_score_matches_a_naive_model(ops: list[tuple[bool, str, float]], high: float, low: float,
                                              limit: int, exclusive_max: bool) -> None:
    zset, model = SortedSet(), {}
    for _, member, score in ops:
        zset.add(member, score)
        model[member] = score
    expected = [(member, score) for member, score in _redis_order(model)
                if low <= score and (score < high if exclusive_max else score <= high)][:limit]
    assert zset.rev_range_by_score(high, low, limit, exclusive_max) == expected


@given(operations, st.integers(0, 10))
def test_keep_top_keeps_the_highest_ranks(ops: list[tuple[bool, str, float]], count: int) -> None:
    zset, model = SortedSet(), {}
    for _, member, score in ops:
        zset.add(member, score)
        model[member] = score
    zset.keep_top(count)
    assert zset.rev_range(0, -1) == _redis_order(model)[:count]
    assert len(zset.scores) == len(zset.order) == min(count, len(model))
