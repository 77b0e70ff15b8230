"""The Redis cache: the same key space shared by every process, over one connection pool."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import redis.asyncio as redis
from redis.exceptions import RedisError, ResponseError

from casebook.platform.cache import ZADD_MANY_CHUNK, GetMany, Read
from casebook.platform.cache.redis_reads import PipelinedReads
from casebook.platform.cache.redis_reads import bound as _bound
from casebook.platform.errors import Unavailable

# 64 connections: a Granian worker rarely has more requests in flight that touch the cache at once;
# past that, callers wait for a free connection (up to the timeout) instead of opening more.
POOL_CONNECTIONS_MAX = 64
POOL_WAIT_TIMEOUT_S = 5.0


class RedisCache:
    """A `Cache` on Redis. Values stay bytes; sorted-set members are decoded as UTF-8."""

    def __init__(self, url: str) -> None:
        pool = redis.BlockingConnectionPool.from_url(
            url, max_connections=POOL_CONNECTIONS_MAX, timeout=POOL_WAIT_TIMEOUT_S)
        self._client = redis.Redis.from_pool(pool)  # owns the pool: aclose() closes it
        self._reads = PipelinedReads(url) if PipelinedReads.supports(url) else None

    async def get(self, key: str) -> bytes | None:
        return await _run(self._client.get(key), key)

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        if not keys:
            return []
        return await _run(self._client.mget(keys), keys[0])

    async def set(self, key: str, value: bytes, *, ttl_s: float | None = None) -> None:
        await _run(self._client.set(key, value, px=_ttl_ms(ttl_s)), key)

    async def set_if_absent(self, key: str, value: bytes, *, ttl_s: float | None = None) -> bool:
        return bool(await _run(self._client.set(key, value, px=_ttl_ms(ttl_s), nx=True), key))

    async def set_many(self, values: Mapping[str, bytes], *, ttl_s: float | None = None) -> None:
        if not values:
            return
        try:
            async with self._client.pipeline(transaction=False) as pipe:
                for key, value in values.items():
                    pipe.set(key, value, px=_ttl_ms(ttl_s))
                await pipe.execute()
        except RedisError as error:
            raise _translate(next(iter(values)), error) from error

    async def get_or_set_many(self, values: Mapping[str, bytes], *, ttl_s: float | None = None) -> list[bytes]:
        if not values:
            return []
        try:
            async with self._client.pipeline(transaction=False) as pipe:
                for key, value in values.items():
                    pipe.set(key, value, px=_ttl_ms(ttl_s), nx=True, get=True)  # SET NX GET: Redis >= 7.0
                previous = await pipe.execute()
        except RedisError as error:
            raise _translate(next(iter(values)), error) from error
        return [value if held is None else held for value, held in zip(values.values(), previous, strict=True)]

    async def delete(self, *keys: str) -> int:
        if not keys:
            return 0
        return await _run(self._client.delete(*keys), keys[0])

    async def expire(self, key: str, ttl_s: float) -> bool:
        # PEXPIRE with 0 deletes the key, as the memory adapter does for ttl_s <= 0
        ttl_ms = max(1, round(ttl_s * 1000)) if ttl_s > 0 else 0
        return bool(await _run(self._client.pexpire(key, ttl_ms), key))

    async def ttl_s(self, key: str) -> float | None:
        ttl_ms = await _run(self._client.pttl(key), key)
        return None if ttl_ms < 0 else ttl_ms / 1000  # -2: no key, -1: no expiry

    async def incr(self, key: str, by: int = 1, *, ttl_s: float | None = None) -> int:
        """Atomic add; `ttl_s` is set only when the key is created by this call."""
        try:
            if ttl_s is None:
                return await self._client.incrby(key, by)
            # SET NX creates the key with its TTL only if absent; INCRBY keeps an existing TTL.
            async with self._client.pipeline(transaction=True) as pipe:
                pipe.set(key, 0, px=_ttl_ms(ttl_s), nx=True)
                pipe.incrby(key, by)
                _, total = await pipe.execute()
            return total
        except RedisError as error:
            raise _translate(key, error) from error

    async def zadd(self, key: str, members: dict[str, float], *, keep_top: int | None = None) -> None:
        """Add or update; with `keep_top`, trim to the highest-scored `keep_top` members."""
        assert keep_top is None or keep_top >= 0
        mapping = {member: _check_score(score) for member, score in members.items()}
        try:
            if keep_top is None:
                if mapping:
                    await self._client.zadd(key, mapping)
                return
            async with self._client.pipeline(transaction=True) as pipe:
                if mapping:
                    pipe.zadd(key, mapping)
                pipe.zremrangebyrank(key, 0, -(keep_top + 1))  # ranks ascend: drop all but the top
                await pipe.execute()
        except RedisError as error:
            raise _translate(key, error) from error

    async def zadd_many(self, keys: Sequence[str], members: dict[str, float], *,
                        keep_top: int | None = None) -> None:
        """One pipeline (not a transaction: each key's add-and-trim stands alone) per ZADD_MANY_CHUNK keys."""
        assert keep_top is None or keep_top >= 0
        mapping = {member: _check_score(score) for member, score in members.items()}
        if not mapping:
            return
        for start in range(0, len(keys), ZADD_MANY_CHUNK):
            chunk = keys[start:start + ZADD_MANY_CHUNK]
            try:
                async with self._client.pipeline(transaction=False) as pipe:
                    for key in chunk:
                        pipe.zadd(key, mapping)
                        if keep_top is not None:
                            pipe.zremrangebyrank(key, 0, -(keep_top + 1))
                    await pipe.execute()
            except RedisError as error:
                raise _translate(chunk[0], error) from error

    async def zrem(self, key: str, *members: str) -> int:
        if not members:
            return 0
        return await _run(self._client.zrem(key, *members), key)

    async def zscore(self, key: str, member: str) -> float | None:
        return await _run(self._client.zscore(key, member), key)

    async def zincrby(self, key: str, member: str, by: float) -> float:
        return await _run(self._client.zincrby(key, _check_score(by), member), key)

    async def zcard(self, key: str) -> int:
        return await _run(self._client.zcard(key), key)

    async def zrevrange(self, key: str, start: int, stop: int) -> list[tuple[str, float]]:
        rows = await _run(self._client.zrevrange(key, start, stop, withscores=True), key)
        return [(member.decode(), score) for member, score in rows]

    async def zrevrangebyscore(self, key: str, max_score: float, min_score: float, *, limit: int,
                               exclusive_max: bool = False) -> list[tuple[str, float]]:
        if limit <= 0:
            return []
        high = f"({_bound(max_score)}" if exclusive_max else _bound(max_score)
        rows = await _run(self._client.zrevrangebyscore(
            key, high, _bound(min_score), start=0, num=limit, withscores=True), key)
        return [(member.decode(), score) for member, score in rows]


    async def read_many(self, reads: Sequence[Read]) -> list[Any]:
        if not reads:
            return []
        if self._reads is not None:
            return await self._reads.read_many(reads)
        try:
            async with self._client.pipeline(transaction=False) as pipe:
                for read in reads:
                    if isinstance(read, GetMany):
                        if read.keys:
                            pipe.mget(read.keys)
                        else:  # MGET needs a key: a no-op holds the reply's place
                            pipe.echo(b"")
                    else:  # a limit under 1 reads one member and answers none, as zrevrangebyscore does
                        high = f"({_bound(read.max_score)}" if read.exclusive_max else _bound(read.max_score)
                        pipe.zrevrangebyscore(read.key, high, _bound(read.min_score), start=0,
                                              num=max(read.limit, 1), withscores=True)
                replies = await pipe.execute()
        except RedisError as error:
            first = reads[0]
            raise _translate(first.keys[0] if isinstance(first, GetMany) and first.keys else
                             getattr(first, "key", "?"), error) from error
        found: list[Any] = []
        for read, reply in zip(reads, replies, strict=True):
            if isinstance(read, GetMany):
                found.append(list(reply) if read.keys else [])
            else:
                found.append([(member.decode(), score) for member, score in reply][:max(read.limit, 0)])
        return found

    async def ping(self) -> None:
        await self._client.ping()  # raw: the health report shows the driver's own error

    async def close(self) -> None:
        if self._reads is not None:
            await self._reads.close()
        await self._client.aclose()


def _ttl_ms(ttl_s: float | None) -> int | None:
    if ttl_s is None:
        return None
    if not ttl_s > 0:
        raise ValueError(f"ttl_s must be positive, got {ttl_s}")
    return max(1, round(ttl_s * 1000))


def _check_score(score: float) -> float:
    score = float(score)
    if math.isnan(score):
        raise ValueError("a sorted-set score must not be NaN")
    return score


async def _run(command, key: str):  # type: ignore[no-untyped-def]
    try:
        return await command
    except RedisError as error:
        raise _translate(key, error) from error


def _translate(key: str, error: RedisError) -> Exception:
    """Redis's type errors as the memory adapter raises them, so callers see one behaviour;
    an unreachable Redis as a 503."""
    if not isinstance(error, ResponseError):
        return Unavailable("the cache is unavailable")
    message = str(error)
    if "WRONGTYPE" in message:  # a pipeline wraps the reply: "Command # 1 (...) caused error: (WRONGTYPE ...)"
        return TypeError(f"cache key {key!r} holds a value of another type")
    if "not an integer" in message:
        return ValueError(f"cache key {key!r} does not hold an integer")
    return error
