"""Timelines on the cache port (memory and Redis): missing vs empty, cap, paging under inserts, merge, fan-out."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from casebook.engines import social
from casebook.engines.social import limits, timelines
from casebook.platform.errors import Invalid
from tests.engines.social.factories import NETWORK, follow

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def at(ms: int) -> datetime:
    return T0 + timedelta(milliseconds=ms)


def entry(item_id: int, ms: int) -> social.TimelineEntry:
    return timelines.entry_of(item_id, at(ms))


async def read_all(cache, account_id: int, *, limit: int) -> list[int]:
    seen: list[int] = []
    cursor = None
    while True:
        page = await timelines.read(cache, network=NETWORK, account_id=account_id, before=cursor, limit=limit)
        seen.extend(item_id for item_id, _ in page.items)
        if page.next_cursor is None:
            return seen
        cursor = page.next_cursor


async def test_a_missing_timeline_reads_none_and_an_empty_one_reads_empty(platform) -> None:
    cache = platform.cache

    missing = await timelines.read(cache, network=NETWORK, account_id=1)
    await timelines.rebuild(cache, network=NETWORK, account_id=1, items=[])
    empty = await timelines.read(cache, network=NETWORK, account_id=1)
    await timelines.drop(cache, network=NETWORK, account_id=1)
    dropped = await timelines.read(cache, network=NETWORK, account_id=1)

    assert missing is None
    assert empty == timelines.TimelinePage(items=[], next_cursor=None)
    assert dropped is None


async def test_a_timeline_evicted_under_its_marker_reads_none(platform) -> None:
    cache = platform.cache
    await timelines.rebuild(cache, network=NETWORK, account_id=1, items=[entry(5, 1)])

    await cache.delete(timelines.timeline_key(NETWORK, 1))

    assert await timelines.read(cache, network=NETWORK, account_id=1) is None


async def test_rebuild_and_read_keep_the_timeline_for_its_ttl(platform) -> None:
    cache = platform.cache
    await timelines.rebuild(cache, network=NETWORK, account_id=1, items=[entry(5, 1)])
    key, marker = timelines.timeline_key(NETWORK, 1), timelines._marker_key(NETWORK, 1)
    await cache.expire(key, 60)

    await timelines.read(cache, network=NETWORK, account_id=1)
    assert await cache.ttl_s(key) <= 60  # touched moments ago by the rebuild: a read leaves the TTLs be

    # As if the last touch were longer ago than TOUCH_EVERY_S: the next read renews both TTLs.
    await cache.set(marker, str(int(time.time()) - limits.TOUCH_EVERY_S - 1).encode(), ttl_s=60)
    assert await timelines.read(cache, network=NETWORK, account_id=1) is not None

    for touched in (key, marker):
        ttl_s = await cache.ttl_s(touched)
        assert ttl_s is not None and ttl_s > 60  # back to about TIMELINE_TTL_S
        assert ttl_s <= limits.TIMELINE_TTL_S


async def test_push_reaches_only_active_timelines(platform) -> None:
    cache = platform.cache
    await timelines.rebuild(cache, network=NETWORK, account_id=1, items=[entry(5, 1)])

    pushed = await timelines.push(cache, network=NETWORK, account_ids=[1, 2], item_id=9, created_at=at(2))

    assert pushed == 1
    assert (await timelines.read(cache, network=NETWORK, account_id=1)).items == [entry(9, 2), entry(5, 1)]
    assert await timelines.is_active(cache, network=NETWORK, account_id=2) is False
    assert await timelines.read(cache, network=NETWORK, account_id=2) is None


async def test_the_timeline_keeps_only_the_newest_items(platform) -> None:
    cache = platform.cache
    await timelines.rebuild(cache, network=NETWORK, account_id=1, items=[entry(item_id, item_id) for item_id in
                                                                         range(1, 501)])

    for item_id in range(501, 1001):
        await timelines.push(cache, network=NETWORK, account_ids=[1], item_id=item_id, created_at=at(item_id))

    assert await cache.zcard(timelines.timeline_key(NETWORK, 1)) == limits.TIMELINE_ITEMS_MAX + 1  # + sentinel
    assert await read_all(cache, 1, limit=100) == list(range(1000, 200, -1))


async def test_rebuild_keeps_the_newest_of_too_many_items(platform) -> None:
    cache = platform.cache

    await timelines.rebuild(cache, network=NETWORK, account_id=1, items=[entry(item_id, item_id) for item_id in
                                                                         range(1, 1001)])

    assert await read_all(cache, 1, limit=100) == list(range(1000, 200, -1))


async def test_ties_within_a_millisecond_order_by_id_even_across_digit_counts(platform) -> None:
    cache = platform.cache
    big = 2**63 - 5  # snowflakes grow a digit over the years; order must stay numeric
    items = [entry(99, 7), entry(100, 7), entry(big, 7), entry(1_000, 6), entry(5, 8)]

    await timelines.rebuild(cache, network=NETWORK, account_id=1, items=items)

    assert await read_all(cache, 1, limit=2) == [5, big, 100, 99, 1_000]


async def test_paging_while_items_arrive_never_repeats_or_skips(platform) -> None:
    cache = platform.cache
    # 60 items over 20 milliseconds: three share each millisecond, so page edges fall inside ties
    original = [entry(1_000 + index, index // 3) for index in range(60)]
    await timelines.rebuild(cache, network=NETWORK, account_id=1, items=original)
    seen: list[int] = []
    cursor = None
    next_id, next_ms = 5_000, 1_000

    while True:
        page = await timelines.read(cache, network=NETWORK, account_id=1, before=cursor, limit=7)
        seen.extend(item_id for item_id, _ in page.items)
        for _ in range(3):  # newer items land on top between pages
            await timelines.push(cache, network=NETWORK, account_ids=[1], item_id=next_id, created_at=at(next_ms))
            next_id, next_ms = next_id + 1, next_ms + 1
        if page.next_cursor is None:
            break
        cursor = page.next_cursor

    assert seen == [item_id for item_id, _ in sorted(original, key=lambda e: (e[1], e[0]), reverse=True)]


async def test_remove_takes_an_item_out(platform) -> None:
    cache = platform.cache
    await timelines.rebuild(cache, network=NETWORK, account_id=1, items=[entry(5, 1), entry(6, 2)])

    await timelines.remove(cache, network=NETWORK, account_ids=[1, 2], item_id=6)

    assert (await timelines.read(cache, network=NETWORK, account_id=1)).items == [entry(5, 1)]
    assert await timelines.read(cache, network=NETWORK, account_id=2) is None


async def test_a_forged_cursor_or_limit_is_refused(platform) -> None:
    cache = platform.cache
    await timelines.rebuild(cache, network=NETWORK, account_id=1, items=[])

    with pytest.raises(Invalid) as forged:
        await timelines.read(cache, network=NETWORK, account_id=1, before="bm90IGEgY3Vyc29y")
    with pytest.raises(Invalid):
        await timelines.read(cache, network=NETWORK, account_id=1, limit=101)

    assert forged.value.code == "invalid_cursor"


def test_merge_interleaves_newest_first_without_duplicates() -> None:
    pushed = [entry(9, 9), entry(7, 7), entry(4, 4), entry(2, 2)]
    pulled = [entry(8, 8), entry(7, 7), entry(3, 3)]

    assert timelines.merge(pushed, pulled, 5) == [entry(9, 9), entry(8, 8), entry(7, 7), entry(4, 4), entry(3, 3)]
    assert timelines.merge([], pulled, 10) == pulled
    assert timelines.merge(pushed, [], 2) == pushed[:2]


def test_cursor_round_trips() -> None:
    assert timelines.decode_cursor(timelines.encode_cursor((2**63 - 1, 1_800_000_000_000))) == (
        2**63 - 1, 1_800_000_000_000)
    assert timelines.decode_cursor(None) is None


async def test_fan_out_pages_followers_and_pushes_to_active_ones(platform, monkeypatch) -> None:
    monkeypatch.setattr(limits, "FANOUT_PAGE_MAX", 3)  # 10 followers: four pages
    cache = platform.cache
    author = 1
    followers = list(range(10, 20))
    for follower_id in followers:
        await follow(platform, follower_id, author)
    active = [10, 12, 13, 15, 16, 18, 19]
    for account_id in [author, *active]:
        await timelines.rebuild(cache, network=NETWORK, account_id=account_id, items=[])

    async with platform.reader() as uow:
        result = await timelines.fan_out(uow, network=NETWORK, author_id=author, item_id=77, created_at=at(3))
        again = await timelines.fan_out(uow, network=NETWORK, author_id=author, item_id=77, created_at=at(3))

    assert result == social.FanOutResult(state="pushed", pushed_count=len(active) + 1)
    assert again == result  # a redelivered event pushes the same member again: nothing doubles
    for account_id in followers:
        page = await timelines.read(cache, network=NETWORK, account_id=account_id)
        assert (page.items if page else None) == ([entry(77, 3)] if account_id in active else None)

    async with platform.reader() as uow:
        await timelines.retract(uow, network=NETWORK, author_id=author, item_id=77)
    for account_id in [author, *active]:
        assert (await timelines.read(cache, network=NETWORK, account_id=account_id)).items == []


async def test_an_author_over_the_threshold_is_pulled(platform) -> None:
    cache = platform.cache
    author = 1
    for follower_id in range(10, 16):
        await follow(platform, follower_id, author)
        await timelines.rebuild(cache, network=NETWORK, account_id=follower_id, items=[])
    await timelines.rebuild(cache, network=NETWORK, account_id=author, items=[])

    async with platform.reader() as uow:
        at_threshold = await timelines.fan_out(uow, network=NETWORK, author_id=author, item_id=70, created_at=at(1),
                                               followers_max=6)
        over = await timelines.fan_out(uow, network=NETWORK, author_id=author, item_id=71, created_at=at(2),
                                       followers_max=5)

    assert at_threshold == social.FanOutResult(state="pushed", pushed_count=7)
    assert over == social.FanOutResult(state="pulled", pushed_count=1)  # the author's own timeline only
    assert (await timelines.read(cache, network=NETWORK, account_id=10)).items == [entry(70, 1)]
    assert (await timelines.read(cache, network=NETWORK, account_id=author)).items == [entry(71, 2), entry(70, 1)]
