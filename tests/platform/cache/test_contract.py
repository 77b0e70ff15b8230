"""The Cache contract: one suite for the in-process adapter and for Redis."""

from __future__ import annotations

import asyncio
import math

import pytest

from casebook.platform.cache import Cache

# Long enough that a slow machine never sees it lapse mid-test, short enough to wait out.
SHORT_TTL_S = 0.05


async def test_ping_answers(cache: Cache) -> None:
    assert await cache.ping() is None


async def test_get_returns_what_set_stored(cache: Cache) -> None:
    await cache.set("greeting", b"hello")
    assert await cache.get("greeting") == b"hello"
    assert await cache.get("missing") is None


async def test_get_many_keeps_order_and_reports_missing(cache: Cache) -> None:
    await cache.set("a", b"1")
    await cache.set("c", b"3")
    assert await cache.get_many(["c", "b", "a"]) == [b"3", None, b"1"]
    assert await cache.get_many([]) == []


async def test_set_overwrites_and_clears_the_ttl(cache: Cache) -> None:
    await cache.set("k", b"old", ttl_s=100)
    await cache.set("k", b"new")
    assert await cache.get("k") == b"new"
    assert await cache.ttl_s("k") is None


async def test_set_if_absent_writes_only_once(cache: Cache) -> None:
    assert await cache.set_if_absent("lock", b"first", ttl_s=100) is True
    assert await cache.set_if_absent("lock", b"second") is False
    assert await cache.get("lock") == b"first"
    assert 99 < await cache.ttl_s("lock") <= 100


async def test_set_if_absent_succeeds_after_expiry(cache: Cache) -> None:
    await cache.set("lock", b"first", ttl_s=SHORT_TTL_S)
    await asyncio.sleep(SHORT_TTL_S * 4)
    assert await cache.set_if_absent("lock", b"second") is True
    assert await cache.get("lock") == b"second"


async def test_set_many_sets_every_key_with_the_ttl(cache: Cache) -> None:
    await cache.set("b", b"old")
    await cache.set_many({"a": b"1", "b": b"2"}, ttl_s=100)
    assert await cache.get_many(["a", "b"]) == [b"1", b"2"]
    assert 99 < await cache.ttl_s("b") <= 100
    await cache.set_many({})


async def test_get_or_set_many_keeps_what_is_there_and_fills_the_rest(cache: Cache) -> None:
    await cache.set("held", b"first")
    await cache.incr("counter", 7)
    found = await cache.get_or_set_many({"held": b"second", "absent": b"new", "counter": b"0"}, ttl_s=100)
    assert found == [b"first", b"new", b"7"]
    assert await cache.get_many(["held", "absent"]) == [b"first", b"new"]
    assert await cache.ttl_s("held") is None  # an existing key keeps its own expiry
    assert 99 < await cache.ttl_s("absent") <= 100
    assert await cache.get_or_set_many({}) == []


async def test_get_or_set_many_racing_callers_agree_on_one_value(cache: Cache) -> None:
    answers = await asyncio.gather(*(cache.get_or_set_many({"token": b"%d" % number}) for number in range(8)))
    assert len({tuple(answer) for answer in answers}) == 1
    assert [await cache.get("token")] == answers[0]


async def test_delete_counts_only_existing_keys(cache: Cache) -> None:
    await cache.set("a", b"1")
    await cache.set("b", b"2")
    assert await cache.delete("a", "b", "missing") == 2
    assert await cache.get_many(["a", "b"]) == [None, None]
    assert await cache.delete() == 0


async def test_ttl_reports_remaining_time_or_none(cache: Cache) -> None:
    await cache.set("with", b"x", ttl_s=30)
    await cache.set("without", b"x")
    assert 29 < await cache.ttl_s("with") <= 30
    assert await cache.ttl_s("without") is None
    assert await cache.ttl_s("missing") is None


async def test_expired_keys_read_as_missing(cache: Cache) -> None:
    await cache.set("short", b"x", ttl_s=SHORT_TTL_S)
    await cache.set("long", b"y", ttl_s=100)
    await asyncio.sleep(SHORT_TTL_S * 4)
    assert await cache.get("short") is None
    assert await cache.get_many(["short", "long"]) == [None, b"y"]
    assert await cache.ttl_s("short") is None


async def test_expire_sets_a_ttl_on_existing_keys_only(cache: Cache) -> None:
    await cache.set("k", b"x")
    assert await cache.expire("k", 50) is True
    assert 49 < await cache.ttl_s("k") <= 50
    assert await cache.expire("missing", 50) is False
    assert await cache.get("missing") is None


async def test_expire_with_zero_deletes(cache: Cache) -> None:
    await cache.set("k", b"x")
    assert await cache.expire("k", 0) is True
    assert await cache.get("k") is None


async def test_incr_creates_adds_and_reads_back_as_bytes(cache: Cache) -> None:
    assert await cache.incr("hits") == 1
    assert await cache.incr("hits", 5) == 6
    assert await cache.incr("hits", -2) == 4
    assert await cache.get("hits") == b"4"
    assert await cache.get_many(["hits"]) == [b"4"]


async def test_incr_adds_to_an_integer_string(cache: Cache) -> None:
    await cache.set("n", b"41")
    assert await cache.incr("n") == 42


async def test_incr_sets_the_ttl_only_when_it_creates_the_key(cache: Cache) -> None:
    assert await cache.incr("window", ttl_s=100) == 1
    assert await cache.incr("window", ttl_s=5) == 2
    assert 99 < await cache.ttl_s("window") <= 100
    assert await cache.incr("forever") == 1
    assert await cache.incr("forever", ttl_s=5) == 2
    assert await cache.ttl_s("forever") is None


async def test_incr_restarts_after_the_window_expires(cache: Cache) -> None:
    assert await cache.incr("window", ttl_s=SHORT_TTL_S) == 1
    await asyncio.sleep(SHORT_TTL_S * 4)
    assert await cache.incr("window", ttl_s=100) == 1
    assert 99 < await cache.ttl_s("window") <= 100


async def test_incr_refuses_a_non_integer_value(cache: Cache) -> None:
    await cache.set("text", b"hello")
    with pytest.raises(ValueError):
        await cache.incr("text")
    assert await cache.get("text") == b"hello"


async def test_string_reads_of_a_sorted_set_are_type_errors(cache: Cache) -> None:
    await cache.zadd("board", {"a": 1})
    with pytest.raises(TypeError):
        await cache.get("board")
    with pytest.raises(TypeError):
        await cache.incr("board")
    await cache.set("text", b"x")
    with pytest.raises(TypeError):
        await cache.zadd("text", {"a": 1})
    assert await cache.zcard("board") == 1


async def test_zadd_adds_updates_and_zscore_reads(cache: Cache) -> None:
    await cache.zadd("board", {"ann": 10, "bob": 20})
    await cache.zadd("board", {"ann": 30})
    assert await cache.zscore("board", "ann") == 30.0
    assert await cache.zscore("board", "bob") == 20.0
    assert await cache.zscore("board", "cat") is None
    assert await cache.zscore("missing", "ann") is None
    assert await cache.zcard("board") == 2
    assert await cache.zcard("missing") == 0


async def test_zadd_many_adds_the_members_to_every_key_and_trims_each(cache: Cache, monkeypatch) -> None:
    from casebook.platform.cache import redis as redis_cache

    monkeypatch.setattr(redis_cache, "ZADD_MANY_CHUNK", 400)  # three pipelines on Redis
    keys = [f"timeline:{number}" for number in range(990)]  # under the memory fixture's 1,000-item bound
    await cache.zadd("timeline:7", {"old": 1, "older": 0.5})
    await cache.zadd_many(keys, {"new": 9}, keep_top=2)
    await cache.zadd_many(keys, {}, keep_top=2)  # nothing to add: nothing changes
    assert await cache.zrevrange("timeline:7", 0, -1) == [("new", 9.0), ("old", 1.0)]
    assert await cache.zrevrange(keys[-1], 0, -1) == [("new", 9.0)]
    assert sum([await cache.zcard(key) for key in keys]) == len(keys) + 1


async def test_zrem_removes_and_counts(cache: Cache) -> None:
    await cache.zadd("board", {"ann": 1, "bob": 2, "cat": 3})
    assert await cache.zrem("board", "ann", "zed") == 1
    assert await cache.zrevrange("board", 0, -1) == [("cat", 3.0), ("bob", 2.0)]
    assert await cache.zrem("board", "bob", "cat") == 2
    assert await cache.zcard("board") == 0
    assert await cache.zrem("missing", "ann") == 0


async def test_zincrby_creates_and_accumulates(cache: Cache) -> None:
    assert await cache.zincrby("board", "ann", 2.5) == 2.5
    assert await cache.zincrby("board", "ann", -1) == 1.5
    assert await cache.zscore("board", "ann") == 1.5


async def test_zrevrange_is_by_rank_inclusive_with_negative_indices(cache: Cache) -> None:
    await cache.zadd("board", {"a": 1, "b": 2, "c": 3, "d": 4, "e": 5})
    assert await cache.zrevrange("board", 0, 1) == [("e", 5.0), ("d", 4.0)]
    assert await cache.zrevrange("board", 1, 3) == [("d", 4.0), ("c", 3.0), ("b", 2.0)]
    assert await cache.zrevrange("board", -2, -1) == [("b", 2.0), ("a", 1.0)]
    assert await cache.zrevrange("board", 3, 100) == [("b", 2.0), ("a", 1.0)]
    assert await cache.zrevrange("board", -100, 0) == [("e", 5.0)]
    assert await cache.zrevrange("board", 5, 9) == []
    assert await cache.zrevrange("board", 2, 1) == []
    assert await cache.zrevrange("missing", 0, -1) == []


async def test_equal_scores_order_by_member_like_redis(cache: Cache) -> None:
    await cache.zadd("board", {"bob": 1, "ann": 1, "dan": 2, "cat": 1, "Zed": 1})
    expected = [("dan", 2.0), ("cat", 1.0), ("bob", 1.0), ("ann", 1.0), ("Zed", 1.0)]
    assert await cache.zrevrange("board", 0, -1) == expected
    assert await cache.zrevrangebyscore("board", 1, 1, limit=10) == expected[1:]


async def test_zadd_keep_top_trims_the_lowest_ranks(cache: Cache) -> None:
    await cache.zadd("board", {"a": 1, "b": 1, "c": 1, "d": 5})
    await cache.zadd("board", {"e": 3}, keep_top=3)
    assert await cache.zrevrange("board", 0, -1) == [("d", 5.0), ("e", 3.0), ("c", 1.0)]
    await cache.zadd("board", {"f": 0}, keep_top=3)
    assert await cache.zrevrange("board", 0, -1) == [("d", 5.0), ("e", 3.0), ("c", 1.0)]
    await cache.zadd("board", {}, keep_top=1)
    assert await cache.zrevrange("board", 0, -1) == [("d", 5.0)]


async def test_zrevrangebyscore_bounds_and_limit(cache: Cache) -> None:
    await cache.zadd("feed", {f"p{n}": float(n) for n in range(1, 11)})
    assert await cache.zrevrangebyscore("feed", 7, 4, limit=10) == [
        ("p7", 7.0), ("p6", 6.0), ("p5", 5.0), ("p4", 4.0)]
    assert await cache.zrevrangebyscore("feed", 7, 4, limit=2) == [("p7", 7.0), ("p6", 6.0)]
    assert await cache.zrevrangebyscore("feed", 7, 4, limit=2, exclusive_max=True) == [
        ("p6", 6.0), ("p5", 5.0)]
    assert await cache.zrevrangebyscore("feed", float("inf"), float("-inf"), limit=3) == [
        ("p10", 10.0), ("p9", 9.0), ("p8", 8.0)]
    assert await cache.zrevrangebyscore("feed", 3, 7, limit=10) == []
    assert await cache.zrevrangebyscore("feed", 10, 1, limit=0) == []
    assert await cache.zrevrangebyscore("missing", 10, 1, limit=5) == []


async def test_exclusive_max_pages_through_a_timeline(cache: Cache) -> None:
    await cache.zadd("feed", {f"post{n:02d}": float(n) for n in range(25)})
    seen: list[str] = []
    cursor, exclusive = float("inf"), False
    while page := await cache.zrevrangebyscore("feed", cursor, float("-inf"), limit=10,
                                               exclusive_max=exclusive):
        seen.extend(member for member, _ in page)
        cursor, exclusive = page[-1][1], True
    assert seen == [f"post{n:02d}" for n in reversed(range(25))]


async def test_sorted_sets_expire_like_other_keys(cache: Cache) -> None:
    await cache.zadd("board", {"a": 1})
    assert await cache.expire("board", SHORT_TTL_S) is True
    await asyncio.sleep(SHORT_TTL_S * 4)
    assert await cache.zcard("board") == 0
    assert await cache.zrevrange("board", 0, -1) == []


async def test_concurrent_increments_are_not_lost(cache: Cache) -> None:
    await asyncio.gather(*(cache.incr("likes", ttl_s=100) for _ in range(200)))
    assert await cache.get("likes") == b"200"


async def test_ttl_must_be_positive(cache: Cache) -> None:
    with pytest.raises(ValueError):
        await cache.set("k", b"x", ttl_s=0)
    assert await cache.get("k") is None


async def test_read_many_answers_each_read_as_its_own_method_does(cache: Cache) -> None:
    from casebook.platform.cache import GetMany, RevRangeByScore

    await cache.set("a", b"1")
    await cache.zadd("timeline", {"x": 1.0, "y": 2.0, "z": 3.0})
    found = await cache.read_many([
        GetMany(["a", "missing"]), RevRangeByScore("timeline", math.inf, -math.inf, limit=2),
        RevRangeByScore("timeline", 3.0, 1.0, limit=5, exclusive_max=True), GetMany([]),
        RevRangeByScore("timeline", 3.0, 1.0, limit=0), RevRangeByScore("absent", math.inf, -math.inf, limit=3)])
    assert found == [[b"1", None], [("z", 3.0), ("y", 2.0)], [("y", 2.0), ("x", 1.0)], [], [], []]
    assert await cache.read_many([]) == []
    with pytest.raises(TypeError):
        await cache.read_many([RevRangeByScore("a", math.inf, -math.inf, limit=1)])
