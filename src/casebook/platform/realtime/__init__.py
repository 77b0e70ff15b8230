"""The realtime port: publish a message to a topic; every subscriber, in any process, receives it."""

from __future__ import annotations

from typing import Any, AsyncContextManager, AsyncIterator, Protocol

import structlog

from casebook.platform.errors import Unavailable

log = structlog.get_logger(__name__)


class Subscription(Protocol):
    def __aiter__(self) -> AsyncIterator[dict[str, Any]]: ...


class Realtime(Protocol):
    async def publish(self, topic: str, message: dict[str, Any]) -> None: ...
    def subscribe(self, *topics: str) -> AsyncContextManager[Subscription]:
        """`async with rt.subscribe("account:1") as sub: async for message in sub: ...`"""
    async def ping(self) -> None: ...
    async def close(self) -> None: ...


def open_realtime(url: str) -> Realtime:
    """`memory://` (in-process) or `redis://` (pub/sub across processes)."""
    if url.startswith("memory://"):
        from casebook.platform.realtime.memory import MemoryRealtime

        return MemoryRealtime()
    if url.startswith(("redis://", "rediss://", "unix://")):
        from casebook.platform.realtime.redis import RedisRealtime

        return RedisRealtime(url)
    raise ValueError(f"unsupported realtime URL: {url}")


def account_topic(account_id: int) -> str:
    return f"account:{account_id}"


async def push(realtime: Realtime, account_id: int, message: dict[str, Any]) -> None:
    """Deliver `message` to the account's open streams. Call it after commit: best effort, at most
    once, so a realtime outage never fails a write that already happened."""
    try:
        await realtime.publish(account_topic(account_id), message)
    except Unavailable as error:
        log.warning("realtime.push_failed", account_id=account_id, error=error.detail)
