"""Realtime over Redis pub/sub: one shared subscriber connection per process, fanned out locally."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterable
from typing import Any

import msgspec
import redis.asyncio as redis
import structlog
from redis.exceptions import RedisError

from casebook.platform.errors import Unavailable
from casebook.platform.realtime.memory import INBOX_MESSAGES_MAX, Hub, Inbox

log = structlog.get_logger(__name__)

POOL_CONNECTIONS_MAX = 32
POOL_WAIT_TIMEOUT_S = 5.0
SUBSCRIBE_TIMEOUT_S = 5.0
READ_RETRY_DELAY_S = 0.5


class RedisRealtime:
    """A `Realtime` across processes. Every local subscriber shares one Redis PubSub connection,
    read by one task that decodes each message once and hands it to the local inboxes."""

    def __init__(self, url: str, *, inbox_messages_max: int = INBOX_MESSAGES_MAX) -> None:
        pool = redis.BlockingConnectionPool.from_url(
            url, max_connections=POOL_CONNECTIONS_MAX, timeout=POOL_WAIT_TIMEOUT_S)
        self._client = redis.Redis.from_pool(pool)  # owns the pool: aclose() closes it
        # Pub/sub ignores the db number; the prefix keeps deployments sharing a server apart.
        self._prefix = f"casebook:{pool.connection_kwargs.get('db', 0)}:rt:"
        self._prefix_bytes = self._prefix.encode()
        self._inbox_messages_max = inbox_messages_max
        self._hub = Hub()
        self._encoder = msgspec.json.Encoder()
        self._decoder = msgspec.json.Decoder(dict[str, Any])
        self._pubsub: Any = None  # redis.asyncio.client.PubSub, opened on the first subscribe
        self._reader: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()  # orders (UN)SUBSCRIBE commands with the state they reflect
        self._ready: dict[str, asyncio.Future[None]] = {}  # topic -> its SUBSCRIBE confirmed
        self._confirmations_pending: dict[str, int] = {}
        self._background: set[asyncio.Task[None]] = set()

    async def publish(self, topic: str, message: dict[str, Any]) -> None:
        try:
            await self._client.publish(self._prefix + topic, self._encoder.encode(message))
        except RedisError as error:
            raise Unavailable("realtime delivery is unavailable") from error

    @contextlib.asynccontextmanager
    async def subscribe(self, *topics: str) -> AsyncIterator[Inbox]:
        """`async with rt.subscribe("account:1") as sub: async for message in sub: ...`"""
        assert topics, "subscribe to at least one topic"
        inbox = Inbox(self._inbox_messages_max)
        self._hub.attach(inbox, topics)
        try:
            await self._sync(topics)
            await self._until_ready(topics)
            yield inbox
        finally:
            self._hub.detach(inbox, topics)
            inbox.close()
            if any(topic in self._ready and not self._hub.has_subscribers(topic) for topic in topics):
                # A task of its own: the caller may be cancelled, and its next await with it.
                task = asyncio.get_running_loop().create_task(self._sync(topics, is_leaving=True))
                self._background.add(task)
                task.add_done_callback(self._background.discard)

    async def _sync(self, topics: Iterable[str], *, is_leaving: bool = False) -> None:
        """Make the Redis subscriptions of `topics` match whether anyone here still listens."""
        try:
            async with self._lock:
                hub, ready = self._hub, self._ready
                joining = [topic for topic in topics if hub.has_subscribers(topic) and topic not in ready]
                leaving = [topic for topic in topics if not hub.has_subscribers(topic) and topic in ready]
                if not joining and not leaving:
                    return
                pubsub = self._open_pubsub()
                if leaving:
                    for topic in leaving:
                        del ready[topic]
                    await pubsub.unsubscribe(*(self._prefix + topic for topic in leaving))
                if joining:
                    await self._join(pubsub, joining)
        except RedisError as error:
            if is_leaving:
                log.warning("realtime.unsubscribe_failed", error=str(error))
                return
            raise Unavailable("realtime delivery is unavailable") from error

    async def _join(self, pubsub: Any, topics: list[str]) -> None:
        loop = asyncio.get_running_loop()
        for topic in topics:
            self._ready[topic] = loop.create_future()
            self._confirmations_pending[topic] = self._confirmations_pending.get(topic, 0) + 1
        try:
            await pubsub.subscribe(*(self._prefix + topic for topic in topics))
        except BaseException:
            for topic in topics:
                self._ready.pop(topic).cancel()
                self._confirmations_pending.pop(topic, None)
            raise
        if self._reader is None:
            self._reader = loop.create_task(self._read(pubsub))

    async def _until_ready(self, topics: Iterable[str]) -> None:
        # Messages published before Redis confirms a SUBSCRIBE would be missed: wait for it.
        waiting = {self._ready[topic] for topic in topics if not self._ready[topic].done()}
        if not waiting:
            return
        done, _ = await asyncio.wait(waiting, timeout=SUBSCRIBE_TIMEOUT_S)
        if len(done) < len(waiting) or any(future.cancelled() for future in done):
            raise Unavailable("realtime subscription was not confirmed")

    def _open_pubsub(self) -> Any:
        if self._pubsub is None:
            self._pubsub = self._client.pubsub()
        return self._pubsub

    async def _read(self, pubsub: Any) -> None:
        """The one reader: redis-py reconnects and resubscribes; this loop outlives Redis outages."""
        prefix_length = len(self._prefix_bytes)
        while True:
            try:
                message = await pubsub.get_message(timeout=None)
            except Exception as error:
                log.warning("realtime.read_failed", error=f"{type(error).__name__}: {error}")
                await asyncio.sleep(READ_RETRY_DELAY_S)
                continue
            if message is None:
                continue
            kind, channel = message["type"], message["channel"]
            if not channel.startswith(self._prefix_bytes):
                continue
            topic = channel[prefix_length:].decode()
            if kind == "message":
                try:
                    decoded = self._decoder.decode(message["data"])
                except msgspec.DecodeError:
                    log.warning("realtime.undecodable_message", topic=topic)
                    continue
                self._hub.deliver(topic, decoded)
            elif kind == "subscribe":
                self._confirm(topic)

    def _confirm(self, topic: str) -> None:
        pending = self._confirmations_pending.get(topic, 0)
        if pending == 0:  # a resubscription after a reconnect
            return
        if pending > 1:  # an earlier SUBSCRIBE's answer; the latest one is still on its way
            self._confirmations_pending[topic] = pending - 1
            return
        del self._confirmations_pending[topic]
        ready = self._ready.get(topic)
        if ready is not None and not ready.done():
            ready.set_result(None)

    async def ping(self) -> None:
        await self._client.ping()

    async def close(self) -> None:
        tasks = [*self._background, *([self._reader] if self._reader is not None else [])]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._reader = None
        self._hub.close()
        self._ready.clear()
        if self._pubsub is not None:
            await self._pubsub.aclose()
            self._pubsub = None
        await self._client.aclose()
