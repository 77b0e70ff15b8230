"""Login throttling: failed attempts counted per account and per client address in the cache port."""

from __future__ import annotations

import math
from collections.abc import Sequence

from casebook.platform.cache import Cache
from casebook.platform.errors import LimitExceeded
from casebook.platform.settings import Settings

KEY_PREFIX = "identity:login-failures:"


def account_key(subject: str) -> str:
    """`subject`: the account id when the login names one, else the normalized login."""
    return f"{KEY_PREFIX}account:{subject}"


def address_key(client_address: str) -> str:
    return f"{KEY_PREFIX}address:{client_address}"


async def check_allowed(cache: Cache, settings: Settings, keys: Sequence[str]) -> None:
    """Raise LimitExceeded once any counter has reached `login_attempts_max` in its window."""
    counts = await cache.get_many(list(keys))
    for key, raw in zip(keys, counts):
        if raw is not None and int(raw) >= settings.login_attempts_max:
            remaining_s = await cache.ttl_s(key)
            retry_after_s = math.ceil(remaining_s) if remaining_s else settings.login_window_s
            raise LimitExceeded("Too many failed sign-in attempts; try again later.",
                                retry_after_s=max(retry_after_s, 1))


async def record_failure(cache: Cache, settings: Settings, keys: Sequence[str]) -> None:
    for key in keys:
        await cache.incr(key, ttl_s=settings.login_window_s)


async def reset(cache: Cache, key: str) -> None:
    await cache.delete(key)
