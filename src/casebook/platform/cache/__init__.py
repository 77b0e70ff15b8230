"""The cache port: keys with TTL, atomic counters and sorted sets; rebuildable, never the truth."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any, Protocol


@dataclasses.dataclass(frozen=True, slots=True)
class GetMany:
    """A read for `Cache.read_many`: as `get_many(keys)`."""

    keys: Sequence[str]


@dataclasses.dataclass(frozen=True, slots=True)
class RevRangeByScore:
    """A read for `Cache.read_many`: as `zrevrangebyscore(key, max_score, min_score, limit=..., exclusive_max=...)`."""

    key: str
    max_score: float
    min_score: float
    limit: int
    exclusive_max: bool = False


Read = GetMany | RevRangeByScore


class Cache(Protocol):
    async def get(self, key: str) -> bytes | None: ...
    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]: ...
    async def set(self, key: str, value: bytes, *, ttl_s: float | None = None) -> None: ...
    async def set_if_absent(self, key: str, value: bytes, *, ttl_s: float | None = None) -> bool: ...
    async def set_many(self, values: Mapping[str, bytes], *, ttl_s: float | None = None) -> None:
        """`set` of every key, in one round trip."""
    async def get_or_set_many(self, values: Mapping[str, bytes], *, ttl_s: float | None = None) -> list[bytes]:
        """Each key's value, in order; a key that is absent is set to the given value first (with `ttl_s`),
        atomically per key, in one round trip."""
    async def delete(self, *keys: str) -> int: ...
    async def expire(self, key: str, ttl_s: float) -> bool: ...
    async def ttl_s(self, key: str) -> float | None: ...  # None: no key or no expiry
    async def incr(self, key: str, by: int = 1, *, ttl_s: float | None = None) -> int:
        """Atomic add; `ttl_s` is set only when the key is created by this call."""
    # Sorted sets: members are str, scores float. Ranges are by rank, inclusive, like Redis.
    async def zadd(self, key: str, members: dict[str, float], *, keep_top: int | None = None) -> None:
        """Add or update; with `keep_top`, trim to the highest-scored `keep_top` members."""
    async def zadd_many(self, keys: Sequence[str], members: dict[str, float], *,
                        keep_top: int | None = None) -> None:
        """`zadd` of the same members into every key, in one round trip per ZADD_MANY_CHUNK keys (fan-out)."""
    async def zrem(self, key: str, *members: str) -> int: ...
    async def zscore(self, key: str, member: str) -> float | None: ...
    async def zincrby(self, key: str, member: str, by: float) -> float: ...
    async def zcard(self, key: str) -> int: ...
    async def zrevrange(self, key: str, start: int, stop: int) -> list[tuple[str, float]]: ...
    async def zrevrangebyscore(self, key: str, max_score: float, min_score: float, *, limit: int,
                               exclusive_max: bool = False) -> list[tuple[str, float]]: ...
    async def read_many(self, reads: Sequence[Read]) -> list[Any]:
        """Several reads in one round trip, each answered as its own method answers; not a snapshot (a write may
        land between two of them), so callers check what they read as they would separate reads."""
    async def ping(self) -> None: ...
    async def close(self) -> None: ...


ZADD_MANY_CHUNK = 1_000  # keys per pipeline: large enough to amortize the round trip, small enough to interleave


def open_cache(url: str, *, items_max: int = 100_000) -> Cache:
    """`memory://` (in-process, LRU-bounded) or `redis://host:port/db`."""
    if url.startswith("memory://"):
        from casebook.platform.cache.memory import MemoryCache

        return MemoryCache(items_max=items_max)
    if url.startswith(("redis://", "rediss://", "unix://")):
        from casebook.platform.cache.redis import RedisCache

        return RedisCache(url)
    raise ValueError(f"unsupported cache URL: {url}")
