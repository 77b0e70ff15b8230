"""In-process realtime fan-out: bounded inboxes per subscriber; a subscriber that falls behind is dropped."""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import AsyncIterator, Iterable
from typing import Any

# 256 undelivered messages: minutes of a busy account's notifications; a client that far behind
# is better dropped (it reconnects and refetches) than allowed to hold memory or slow publishers.
INBOX_MESSAGES_MAX = 256


class Inbox:
    """One subscription: an async iterator over its messages that ends when it is closed or dropped."""

    __slots__ = ("_is_open", "_messages", "_messages_max", "_waiter", "is_dropped")

    def __init__(self, messages_max: int = INBOX_MESSAGES_MAX) -> None:
        self._messages: deque[dict[str, Any]] = deque()
        self._waiter: asyncio.Future[None] | None = None
        self._is_open = True
        self._messages_max = messages_max
        self.is_dropped = False  # closed because it fell `messages_max` behind

    def offer(self, message: dict[str, Any]) -> bool:
        """Queue a message without waiting; False when full or closed (the caller lets it go)."""
        if not self._is_open or len(self._messages) >= self._messages_max:
            return False
        self._messages.append(message)
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)
        return True

    def close(self, *, is_dropped: bool = False) -> None:
        """End the iteration now; messages not yet taken are discarded."""
        self._is_open = False
        self.is_dropped = self.is_dropped or is_dropped
        self._messages.clear()
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def __aiter__(self) -> Inbox:
        return self

    async def __anext__(self) -> dict[str, Any]:
        while True:
            if not self._is_open:
                raise StopAsyncIteration
            if self._messages:
                return self._messages.popleft()
            waiter = self._waiter = asyncio.get_running_loop().create_future()
            try:
                await waiter
            finally:
                self._waiter = None


class Hub:
    """Topic -> local inboxes. Synchronous, so publishing never waits on a subscriber."""

    __slots__ = ("_inboxes",)

    def __init__(self) -> None:
        self._inboxes: dict[str, set[Inbox]] = {}

    def has_subscribers(self, topic: str) -> bool:
        return topic in self._inboxes

    def attach(self, inbox: Inbox, topics: Iterable[str]) -> None:
        for topic in topics:
            self._inboxes.setdefault(topic, set()).add(inbox)

    def detach(self, inbox: Inbox, topics: Iterable[str]) -> None:
        for topic in topics:
            inboxes = self._inboxes.get(topic)
            if inboxes is not None:
                inboxes.discard(inbox)
                if not inboxes:
                    del self._inboxes[topic]

    def deliver(self, topic: str, message: dict[str, Any]) -> None:
        inboxes = self._inboxes.get(topic)
        if not inboxes:
            return
        overflowed = [inbox for inbox in inboxes if not inbox.offer(message)]
        for inbox in overflowed:
            inbox.close(is_dropped=True)
            inboxes.discard(inbox)  # its other topics let it go on their next delivery
        if not inboxes:
            del self._inboxes[topic]

    def close(self) -> None:
        for inboxes in self._inboxes.values():
            for inbox in inboxes:
                inbox.close()
        self._inboxes.clear()


class MemoryRealtime:
    """A `Realtime` within one process. `publish` hands the same dict to every subscriber: read it,
    never mutate it."""

    def __init__(self, *, inbox_messages_max: int = INBOX_MESSAGES_MAX) -> None:
        self._hub = Hub()
        self._inbox_messages_max = inbox_messages_max

    async def publish(self, topic: str, message: dict[str, Any]) -> None:
        self._hub.deliver(topic, message)

    @contextlib.asynccontextmanager
    async def subscribe(self, *topics: str) -> AsyncIterator[Inbox]:
        """`async with rt.subscribe("account:1") as sub: async for message in sub: ...`"""
        assert topics, "subscribe to at least one topic"
        inbox = Inbox(self._inbox_messages_max)
        self._hub.attach(inbox, topics)
        try:
            yield inbox
        finally:
            self._hub.detach(inbox, topics)
            inbox.close()

    async def ping(self) -> None:
        return None

    async def close(self) -> None:
        self._hub.close()
