"""Dependency tokens: how a value computed from many records learns, in one cache read, that none changed.

Each record a kept value depends on has a token in the shared cache: random bytes, replaced by a new random
value after every commit that changes the record (`bump`). A reader reads the tokens (creating the absent
ones) BEFORE it reads the records (`current`) and keeps its value with them; the value is good while every
token still reads the same (`unchanged`). Reading first is what makes races harmless: a change that commits
while the value is being computed bumps a token the reader had already read, so the kept value fails its
next check instead of outliving the change.

Tokens are random, not counters, and a reader creates the missing ones before recording them: a token that
expires or is evicted reads as missing, which never equals what a value recorded, so losing a token can
only cost a recomputation, never serve a stale value.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence

from casebook.platform.cache import Cache

TOKEN_TTL_S = 3600.0  # a token nobody bumps or reads for an hour is dropped (and recreated when needed)
TOKEN_BYTES = 8


def _new_token() -> bytes:
    return os.urandom(TOKEN_BYTES)


async def bump(cache: Cache, keys: Iterable[str]) -> None:
    """Give each key a new token (call after the commit that changed the records they stand for)."""
    fresh = {key: _new_token() for key in keys}
    if fresh:
        await cache.set_many(fresh, ttl_s=TOKEN_TTL_S)


async def current(cache: Cache, keys: Sequence[str]) -> dict[str, bytes]:
    """The tokens of `keys` now, created where absent (call before reading the records)."""
    if not keys:
        return {}
    wanted = {key: _new_token() for key in keys}
    return dict(zip(wanted, await cache.get_or_set_many(wanted, ttl_s=TOKEN_TTL_S), strict=True))


async def unchanged(cache: Cache, recorded: Mapping[str, bytes]) -> bool:
    """True when every token still reads as `recorded` (one cache read)."""
    return not recorded or matches(recorded, await cache.get_many(list(recorded)))


def matches(recorded: Mapping[str, bytes], found: Sequence[bytes | None]) -> bool:
    """True when `found` (the tokens of `recorded`'s keys, read in its order, e.g. by a batched
    `GetMany(list(recorded))`) are the recorded ones."""
    return all(held == token for held, token in zip(found, recorded.values(), strict=True))
