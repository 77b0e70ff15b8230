"""The in-process cache: an LRU-bounded key space with lazy TTLs, counters and sorted sets."""

from __future__ import annotations

import bisect
import heapq
import math
import time
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from operator import itemgetter
from typing import Any

from casebook.platform.cache import GetMany, Read

# Expired keys are also dropped by a bounded sweep on writes, so memory held by keys nobody reads
# again is reclaimed; 64 keeps one write's extra work small.
SWEEP_KEYS_MAX = 64
# The deadline heap keeps stale entries (keys re-set or deleted); past this many per live deadline
# it is rebuilt, so it stays O(keys with a TTL).
DEADLINE_HEAP_SLACK = 2

_score = itemgetter(0)


class SortedSet:
    """Members with float scores, kept in Redis order: by score, ties by member (code point order)."""

    __slots__ = ("order", "scores")

    def __init__(self) -> None:
        self.scores: dict[str, float] = {}
        self.order: list[tuple[float, str]] = []  # ascending (score, member)

    def __len__(self) -> int:
        return len(self.scores)

    def add(self, member: str, score: float) -> None:
        old = self.scores.get(member)
        if old is not None:
            if old == score:
                return
            del self.order[bisect.bisect_left(self.order, (old, member))]
        self.scores[member] = score
        bisect.insort(self.order, (score, member))

    def remove(self, member: str) -> bool:
        score = self.scores.pop(member, None)
        if score is None:
            return False
        del self.order[bisect.bisect_left(self.order, (score, member))]
        return True

    def keep_top(self, count: int) -> None:
        surplus = len(self.order) - count
        if surplus > 0:
            scores = self.scores
            for _, member in self.order[:surplus]:
                del scores[member]
            del self.order[:surplus]

    def rev_range(self, start: int, stop: int) -> list[tuple[str, float]]:
        """Ranks `start..stop` inclusive, highest score first; negative ranks count from the end."""
        size = len(self.order)
        if start < 0:
            start = max(size + start, 0)
        if stop < 0:
            stop += size
        stop = min(stop, size - 1)
        if start > stop:
            return []
        window = self.order[size - 1 - stop: size - start]
        return [(member, score) for score, member in reversed(window)]

    def rev_range_by_score(self, max_score: float, min_score: float, limit: int,
                           exclusive_max: bool) -> list[tuple[str, float]]:
        order = self.order
        if exclusive_max:
            high = bisect.bisect_left(order, max_score, key=_score)
        else:
            high = bisect.bisect_right(order, max_score, key=_score)
        low = bisect.bisect_left(order, min_score, key=_score, hi=high)
        window = order[max(low, high - limit): high]
        return [(member, score) for score, member in reversed(window)]


class MemoryCache:
    """One process's cache. Every method runs without awaiting, so each is atomic under asyncio.

    Bounded by `items_max` keys (a sorted set counts as one; bound its size with `keep_top`),
    evicting the least recently used. Values are bytes, ints (counters) or sorted sets.
    """

    def __init__(self, *, items_max: int = 100_000) -> None:
        assert items_max > 0
        self._items_max = items_max
        self._values: OrderedDict[str, bytes | int | SortedSet] = OrderedDict()
        self._deadlines: dict[str, float] = {}  # monotonic seconds, only for keys with a TTL
        self._deadline_heap: list[tuple[float, str]] = []

    # -- key space ---------------------------------------------------------------------------

    def _live(self, key: str) -> bytes | int | SortedSet | None:
        """The key's value if present and unexpired, marked as recently used."""
        value = self._values.get(key)
        if value is None:
            return None
        deadline = self._deadlines.get(key)
        if deadline is not None and deadline <= time.monotonic():
            self._drop(key)
            return None
        self._values.move_to_end(key)
        return value

    def _drop(self, key: str) -> None:
        del self._values[key]
        self._deadlines.pop(key, None)

    def _store(self, key: str, value: bytes | int | SortedSet, ttl_s: float | None) -> None:
        values = self._values
        values[key] = value
        values.move_to_end(key)
        if ttl_s is None:
            self._deadlines.pop(key, None)
        else:
            self._set_deadline(key, ttl_s)
        self._sweep()
        while len(values) > self._items_max:
            evicted, _ = values.popitem(last=False)
            self._deadlines.pop(evicted, None)

    def _set_deadline(self, key: str, ttl_s: float) -> None:
        deadline = time.monotonic() + ttl_s
        self._deadlines[key] = deadline
        heap = self._deadline_heap
        heapq.heappush(heap, (deadline, key))
        if len(heap) > DEADLINE_HEAP_SLACK * len(self._deadlines) + 1024:
            self._deadline_heap = [(when, name) for name, when in self._deadlines.items()]
            heapq.heapify(self._deadline_heap)

    def _sweep(self) -> None:
        heap = self._deadline_heap
        if not heap or heap[0][0] > (now := time.monotonic()):
            return
        for _ in range(SWEEP_KEYS_MAX):
            if not heap or heap[0][0] > now:
                return
            deadline, key = heapq.heappop(heap)
            if self._deadlines.get(key) == deadline:  # else a stale entry: re-set or deleted since
                self._drop(key)

    # -- strings and counters ----------------------------------------------------------------

    async def get(self, key: str) -> bytes | None:
        value = self._live(key)
        if value is None or type(value) is bytes:
            return value
        if type(value) is int:
            return b"%d" % value
        raise TypeError(f"cache key {key!r} holds a sorted set")

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        found: list[bytes | None] = []
        for key in keys:
            value = self._live(key)
            if type(value) is int:
                value = b"%d" % value
            elif type(value) is SortedSet:  # as MGET: a key of another type reads as missing
                value = None
            found.append(value)  # type: ignore[arg-type]
        return found

    async def set(self, key: str, value: bytes, *, ttl_s: float | None = None) -> None:
        _check_ttl(ttl_s)
        self._store(key, bytes(value), ttl_s)

    async def set_if_absent(self, key: str, value: bytes, *, ttl_s: float | None = None) -> bool:
        _check_ttl(ttl_s)
        if self._live(key) is not None:
            return False
        self._store(key, bytes(value), ttl_s)
        return True

    async def set_many(self, values: Mapping[str, bytes], *, ttl_s: float | None = None) -> None:
        _check_ttl(ttl_s)
        for key, value in values.items():
            self._store(key, bytes(value), ttl_s)

    async def get_or_set_many(self, values: Mapping[str, bytes], *, ttl_s: float | None = None) -> list[bytes]:
        _check_ttl(ttl_s)
        found: list[bytes] = []
        for key, value in values.items():
            held = self._live(key)
            if held is None:
                held = bytes(value)
                self._store(key, held, ttl_s)
            elif type(held) is int:
                held = b"%d" % held
            elif type(held) is SortedSet:
                raise TypeError(f"cache key {key!r} holds a sorted set")
            found.append(held)  # type: ignore[arg-type]
        return found

    async def delete(self, *keys: str) -> int:
        deleted = 0
        for key in keys:
            if self._live(key) is not None:
                self._drop(key)
                deleted += 1
        return deleted

    async def expire(self, key: str, ttl_s: float) -> bool:
        if self._live(key) is None:
            return False
        if ttl_s <= 0:  # as Redis: a deadline in the past deletes the key
            self._drop(key)
        else:
            self._set_deadline(key, ttl_s)
        return True

    async def ttl_s(self, key: str) -> float | None:
        if self._live(key) is None:
            return None
        deadline = self._deadlines.get(key)
        return None if deadline is None else max(deadline - time.monotonic(), 0.0)

    async def incr(self, key: str, by: int = 1, *, ttl_s: float | None = None) -> int:
        """Atomic add; `ttl_s` is set only when the key is created by this call."""
        _check_ttl(ttl_s)
        value = self._live(key)
        if value is None:
            self._store(key, by, ttl_s)
            return by
        if type(value) is bytes:
            value = _parse_int(key, value)
        elif type(value) is SortedSet:
            raise TypeError(f"cache key {key!r} holds a sorted set")
        total = value + by  # type: ignore[operator]
        self._values[key] = total
        return total

    # -- sorted sets -------------------------------------------------------------------------

    def _sorted_set(self, key: str) -> SortedSet | None:
        value = self._live(key)
        if value is None or type(value) is SortedSet:
            return value  # type: ignore[return-value]
        raise TypeError(f"cache key {key!r} does not hold a sorted set")

    async def zadd(self, key: str, members: dict[str, float], *, keep_top: int | None = None) -> None:
        """Add or update; with `keep_top`, trim to the highest-scored `keep_top` members."""
        assert keep_top is None or keep_top >= 0
        zset = self._sorted_set(key)
        if zset is None:
            if not members:
                return
            zset = SortedSet()
            self._store(key, zset, None)
        for member, score in members.items():
            zset.add(member, _check_score(score))
        if keep_top is not None:
            zset.keep_top(keep_top)
        if not zset:
            self._drop(key)

    async def zadd_many(self, keys: Sequence[str], members: dict[str, float], *,
                        keep_top: int | None = None) -> None:
        for key in keys:
            await self.zadd(key, members, keep_top=keep_top)

    async def zrem(self, key: str, *members: str) -> int:
        zset = self._sorted_set(key)
        if zset is None:
            return 0
        removed = sum(zset.remove(member) for member in members)
        if not zset:
            self._drop(key)
        return removed

    async def zscore(self, key: str, member: str) -> float | None:
        zset = self._sorted_set(key)
        return None if zset is None else zset.scores.get(member)

    async def zincrby(self, key: str, member: str, by: float) -> float:
        zset = self._sorted_set(key)
        if zset is None:
            zset = SortedSet()
            self._store(key, zset, None)
        score = _check_score(zset.scores.get(member, 0.0) + by)
        zset.add(member, score)
        return score

    async def zcard(self, key: str) -> int:
        zset = self._sorted_set(key)
        return 0 if zset is None else len(zset)

    async def zrevrange(self, key: str, start: int, stop: int) -> list[tuple[str, float]]:
        zset = self._sorted_set(key)
        return [] if zset is None else zset.rev_range(start, stop)

    async def zrevrangebyscore(self, key: str, max_score: float, min_score: float, *, limit: int,
                               exclusive_max: bool = False) -> list[tuple[str, float]]:
        zset = self._sorted_set(key)
        if zset is None or limit <= 0:
            return []
        return zset.rev_range_by_score(max_score, min_score, limit, exclusive_max)

    async def read_many(self, reads: Sequence[Read]) -> list[Any]:
        found: list[Any] = []
        for read in reads:
            if type(read) is GetMany:
                found.append(await self.get_many(read.keys))
            else:
                found.append(await self.zrevrangebyscore(read.key, read.max_score, read.min_score,  # type: ignore[union-attr]
                                                         limit=read.limit, exclusive_max=read.exclusive_max))  # type: ignore[union-attr]
        return found

    # -- lifecycle ---------------------------------------------------------------------------

    async def ping(self) -> None:
        return None

    async def close(self) -> None:
        self._values.clear()
        self._deadlines.clear()
        self._deadline_heap.clear()


def _check_ttl(ttl_s: float | None) -> None:
    if ttl_s is not None and not ttl_s > 0:
        raise ValueError(f"ttl_s must be positive, got {ttl_s}")


def _check_score(score: float) -> float:
    score = float(score)
    if math.isnan(score):
        raise ValueError("a sorted-set score must not be NaN")
    return score


def _parse_int(key: str, value: bytes) -> int:
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"cache key {key!r} does not hold an integer") from None
