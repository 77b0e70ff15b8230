"""Home timelines: capped sorted sets in the cache, filled by hybrid fan-out and rebuilt from the database.

A timeline is `timeline:{network}:{account_id}`: member = the item id zero-padded to 20 digits, score =
the item's creation time in unix milliseconds. Why not score = the id: snowflakes reach 2^63 and a float
is exact only up to 2^53, so neighbouring ids would share a rounded score. Milliseconds (~1.8e12) are
exact, and ties within one millisecond are broken by the member, which both adapters order by code point
(Redis's rule); zero-padding makes that order the numeric order of the ids. So the timeline's order is
exactly (created_at ms, item id), newest first, and a cursor is that pair.

Missing vs empty: `rebuild` writes a sentinel member scored +inf into the set and a `:built` marker key,
both with TIMELINE_TTL_S. `read` answers None unless both are there (never built, evicted, expired), and
the app rebuilds from the database. Fan-out pushes only to timelines whose marker exists, so inactive
accounts cost nothing until they return. The marker holds the time both TTLs were last set; a read renews
them when that is over TOUCH_EVERY_S ago, so a warm read is two cache round trips, not four.
"""

from __future__ import annotations

import base64
import binascii
import heapq
import math
import time
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import msgspec

from casebook.engines.social import limits, repository
from casebook.engines.social.errors import InvalidSocialRequest
from casebook.engines.social.model import FanOutResult
from casebook.platform.cache import Cache, GetMany, Read, RevRangeByScore
from casebook.platform.uow import UnitOfWork

TimelineEntry = tuple[int, int]  # (item id, sort key: creation time in unix ms)
_SENTINEL = "built"  # sorts above every item: its score is +inf
_ID_DIGITS = 20  # 2^64 has 20 digits


class TimelinePage(msgspec.Struct, frozen=True, kw_only=True):
    """Entries newest first; `next_cursor` is None when the timeline has nothing older."""

    items: list[TimelineEntry]
    next_cursor: str | None = None


def timeline_key(network: str, account_id: int) -> str:
    return f"timeline:{network}:{account_id}"


def _marker_key(network: str, account_id: int) -> str:
    return f"timeline:{network}:{account_id}:built"


def _member(item_id: int) -> str:
    return f"{item_id:0{_ID_DIGITS}d}"


def sort_key_of(created_at: datetime) -> int:
    """The sort key of an item created at `created_at`: unix milliseconds (exact as a float score)."""
    assert created_at.tzinfo is not None, "created_at must be timezone-aware"
    return math.floor(created_at.timestamp() * 1000)


def entry_of(item_id: int, created_at: datetime) -> TimelineEntry:
    return (item_id, sort_key_of(created_at))


def encode_cursor(entry: TimelineEntry) -> str:
    """A cursor meaning "strictly older than `entry`"."""
    item_id, sort_key = entry
    return base64.urlsafe_b64encode(f"{sort_key}:{item_id}".encode()).rstrip(b"=").decode()


def decode_cursor(cursor: str | None) -> TimelineEntry | None:
    """The entry a cursor points after; None for the first page. Apps apply the same bound to pulled items:
    (sort_key, item_id) < the cursor's."""
    if cursor is None or cursor == "":
        return None
    try:
        if len(cursor) > 64:
            raise ValueError("too long")
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        sort_key, item_id = (int(part) for part in text.split(":"))
        if sort_key < 0 or item_id < 0:
            raise ValueError("negative")
    except (ValueError, UnicodeDecodeError, binascii.Error) as error:
        raise InvalidSocialRequest("The cursor is not valid; start again without it.", field="cursor",
                                   code="invalid_cursor") from error
    return (item_id, sort_key)


def _is_older(entry: TimelineEntry, than: TimelineEntry) -> bool:
    return (entry[1], entry[0]) < (than[1], than[0])


# -- writes --------------------------------------------------------------------------------------

async def push(cache: Cache, *, network: str, account_ids: Sequence[int], item_id: int,
               created_at: datetime) -> int:
    """Add the item to the timelines of those accounts that have one (active accounts); how many got it.
    Per FANOUT_PAGE_MAX accounts: one marker read, then one pipelined capped add into the active timelines."""
    member = {_member(item_id): float(sort_key_of(created_at))}
    keep_top = limits.TIMELINE_ITEMS_MAX + 1  # + the sentinel
    pushed = 0
    for start in range(0, len(account_ids), limits.FANOUT_PAGE_MAX):
        batch = account_ids[start:start + limits.FANOUT_PAGE_MAX]
        markers = await cache.get_many([_marker_key(network, account_id) for account_id in batch])
        active = [timeline_key(network, account_id) for account_id, marker in zip(batch, markers) if marker is not None]
        await cache.zadd_many(active, member, keep_top=keep_top)
        pushed += len(active)
    return pushed


async def remove(cache: Cache, *, network: str, account_ids: Iterable[int], item_id: int) -> None:
    """Take a deleted or hidden item out of these timelines (absent ones are left alone)."""
    member = _member(item_id)
    for account_id in account_ids:
        await cache.zrem(timeline_key(network, account_id), member)


async def drop(cache: Cache, *, network: str, account_id: int) -> None:
    """Forget the timeline, so the next read answers None and the app rebuilds it (after an unfollow, a block)."""
    await cache.delete(_marker_key(network, account_id), timeline_key(network, account_id))


async def rebuild(cache: Cache, *, network: str, account_id: int, items: Iterable[TimelineEntry]) -> None:
    """Replace the timeline with `items` (the newest TIMELINE_ITEMS_MAX are kept) and mark it built, even
    when empty. The marker is written last, so fan-out and readers see it missing until the set is whole;
    an item fanned out between the app's database read and this write is therefore missed until the next
    rebuild (a window of one request; read the items just before calling this)."""
    key, marker = timeline_key(network, account_id), _marker_key(network, account_id)
    await cache.delete(marker, key)
    members = {_SENTINEL: math.inf}
    members.update({_member(item_id): float(sort_key) for item_id, sort_key in items})
    await cache.zadd(key, members, keep_top=limits.TIMELINE_ITEMS_MAX + 1)
    await _touch(cache, key, marker)


async def _touch(cache: Cache, key: str, marker: str) -> None:
    """Both TTLs back to TIMELINE_TTL_S, and the moment of it in the marker."""
    await cache.expire(key, limits.TIMELINE_TTL_S)
    await cache.set(marker, str(int(time.time())).encode(), ttl_s=limits.TIMELINE_TTL_S)


def _touched_long_ago(marker_value: bytes) -> bool:
    try:
        touched_at_s = int(marker_value)
    except ValueError:  # a marker from before the marker held a time
        return True
    return time.time() - touched_at_s > limits.TOUCH_EVERY_S


# -- reads ---------------------------------------------------------------------------------------

async def is_active(cache: Cache, *, network: str, account_id: int) -> bool:
    return await cache.get(_marker_key(network, account_id)) is not None


async def read(cache: Cache, *, network: str, account_id: int, before: str | None = None,
               limit: int = 20) -> TimelinePage | None:
    """A page of the timeline strictly older than the cursor `before`; None when the timeline is missing.
    Reading keeps the timeline alive for another TIMELINE_TTL_S."""
    if not 1 <= limit <= limits.TIMELINE_PAGE_MAX:
        raise InvalidSocialRequest(f"limit must be between 1 and {limits.TIMELINE_PAGE_MAX}.", field="limit")
    position = decode_cursor(before)
    if position is None:
        reads = first_page_reads(network=network, account_id=account_id, limit=limit)
        return await first_page_of(cache, network=network, account_id=account_id, limit=limit,
                                   found=await cache.read_many(reads))
    key, marker = timeline_key(network, account_id), _marker_key(network, account_id)
    marker_value = await cache.get(marker)
    if marker_value is None:
        return None
    # First the rest of the cursor's millisecond (ties, rare and at most the cap), then older ones.
    _, sort_key = position
    ties = await cache.zrevrangebyscore(key, sort_key, sort_key, limit=limits.TIMELINE_ITEMS_MAX + 1)
    items = [entry for entry in ((int(member), int(score)) for member, score in ties)
             if _is_older(entry, position)][:limit]
    if len(items) < limit:
        older = await cache.zrevrangebyscore(key, sort_key, -math.inf, limit=limit - len(items),
                                             exclusive_max=True)
        items.extend((int(member), int(score)) for member, score in older)
    if _touched_long_ago(marker_value):
        await _touch(cache, key, marker)
    next_cursor = encode_cursor(items[-1]) if len(items) == limit else None
    return TimelinePage(items=items, next_cursor=next_cursor)


def first_page_reads(*, network: str, account_id: int, limit: int) -> list[Read]:
    """The cache reads of a timeline's first page, for `Cache.read_many` (callers may add their own reads
    after them, to pay one round trip for all); `first_page_of` makes the page of their answers."""
    return [GetMany([_marker_key(network, account_id)]),
            RevRangeByScore(timeline_key(network, account_id), math.inf, -math.inf, limit=limit + 1)]


async def first_page_of(cache: Cache, *, network: str, account_id: int, limit: int,
                        found: Sequence[Any]) -> TimelinePage | None:
    """The first page from the answers to `first_page_reads` (None: rebuild); may renew the TTLs."""
    [marker_value], rows = found[0], found[1]
    if marker_value is None or not rows or rows[0][0] != _SENTINEL:  # never built, or evicted or expired
        return None
    items = [(int(member), int(score)) for member, score in rows[1:]]
    if _touched_long_ago(marker_value):
        await _touch(cache, timeline_key(network, account_id), _marker_key(network, account_id))
    return TimelinePage(items=items, next_cursor=encode_cursor(items[-1]) if len(items) == limit else None)


def merge(pushed: Iterable[TimelineEntry], pulled: Iterable[TimelineEntry], limit: int) -> list[TimelineEntry]:
    """Merge two newest-first entry lists into one of at most `limit`, each item once. `pulled` holds the
    items of followed accounts too big to fan out, read from the database at read time."""
    merged: list[TimelineEntry] = []
    seen: set[int] = set()
    ordered = heapq.merge(pushed, pulled, key=lambda entry: (entry[1], entry[0]), reverse=True)
    for entry in ordered:
        if len(merged) == limit:
            break
        if entry[0] not in seen:
            seen.add(entry[0])
            merged.append(entry)
    return merged


# -- fan-out -------------------------------------------------------------------------------------

async def fan_out(uow: UnitOfWork, *, network: str, author_id: int, item_id: int, created_at: datetime,
                  followers_max: int = limits.FANOUT_FOLLOWERS_MAX, include_author: bool = True) -> FanOutResult:
    """Push a new item to its author's followers' active timelines, FANOUT_PAGE_MAX follower ids at a time;
    an author with more than `followers_max` followers is "pulled" instead (readers merge their items in).
    Idempotent: pushing the same item again changes nothing, so a bus consumer may run it twice."""
    cache = uow.cache
    pushed = 0
    if include_author:
        pushed += await push(cache, network=network, account_ids=[author_id], item_id=item_id, created_at=created_at)
    found = await repository.counts_of(uow.session, network=network, account_ids=[author_id])
    if found.get(author_id, (0, 0))[0] > followers_max:
        return FanOutResult(state="pulled", pushed_count=pushed)
    after_id = None
    while True:
        page = await repository.follower_ids(uow.session, network=network, account_id=author_id, after_id=after_id,
                                             limit=limits.FANOUT_PAGE_MAX)
        pushed += await push(cache, network=network, account_ids=page, item_id=item_id, created_at=created_at)
        if len(page) < limits.FANOUT_PAGE_MAX:
            return FanOutResult(state="pushed", pushed_count=pushed)
        after_id = page[-1]


async def retract(uow: UnitOfWork, *, network: str, author_id: int, item_id: int) -> None:
    """Take a deleted item out of its author's and followers' timelines (pulled authors' items were never pushed,
    removing them is a no-op per timeline)."""
    await remove(uow.cache, network=network, account_ids=[author_id], item_id=item_id)
    after_id = None
    while True:
        page = await repository.follower_ids(uow.session, network=network, account_id=author_id, after_id=after_id,
                                             limit=limits.FANOUT_PAGE_MAX)
        await remove(uow.cache, network=network, account_ids=page, item_id=item_id)
        if len(page) < limits.FANOUT_PAGE_MAX:
            return
        after_id = page[-1]
