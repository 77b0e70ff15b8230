"""The distributed bus: the relay publishes the outbox to NATS JetStream; durable pull consumers
shared by every worker process run the handlers, with JetStream redelivery for retries."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hashlib
import re
from typing import TYPE_CHECKING, Sequence
from urllib.parse import parse_qs, urlsplit

import msgspec
import nats
import nats.errors
import nats.js.errors
import structlog
from nats.js import api

from casebook.platform.bus import DRAIN_TIMEOUT_S, consuming
from casebook.platform.bus import relay as outbox_relay
from casebook.platform.bus.events import SUBJECT_PREFIX, Consumer, Event

if TYPE_CHECKING:
    from nats.aio.client import Client
    from nats.aio.msg import Msg
    from nats.js import JetStreamContext

    from casebook.platform.bootstrap import Platform

log = structlog.get_logger(__name__)

STREAM_DEFAULT = "CASEBOOK"
DUPLICATE_WINDOW_S = 120.0  # JetStream drops a repeated Nats-Msg-Id within this window
STREAM_MAX_AGE_S = 7 * 24 * 3600.0
ACK_WAIT_S = 30.0  # a worker that dies mid-event loses it to another after this long
FETCH_BATCH_MESSAGES = 64
FETCH_WAIT_S = 1.0
PUBLISH_TIMEOUT_S = 10.0
CONNECT_TIMEOUT_S = 5.0
PING_TIMEOUT_S = 2.0
RETRY_PAUSE_S = 1.0
DRAIN_POLL_INTERVAL_S = 0.02
DURABLE_NAME_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


@dataclasses.dataclass(frozen=True)
class NatsTarget:
    """`nats://host:port?stream=NAME&subject_prefix=P` taken apart."""

    server: str
    stream: str
    subject_prefix: str

    @classmethod
    def parse(cls, url: str) -> NatsTarget:
        parts = urlsplit(url)
        query = parse_qs(parts.query)
        stream = query.get("stream", [STREAM_DEFAULT])[0]
        prefix = query.get("subject_prefix", [""])[0].strip(".")
        return cls(server=f"{parts.scheme}://{parts.netloc}", stream=stream, subject_prefix=prefix)

    def wire_subject(self, subject: str) -> str:
        return f"{self.subject_prefix}.{subject}" if self.subject_prefix else subject

    @property
    def stream_subject(self) -> str:
        return self.wire_subject(SUBJECT_PREFIX + ">")


@dataclasses.dataclass(frozen=True)
class Durable:
    """One JetStream durable pull consumer serving (part of) a Consumer."""

    name: str
    filter_subject: str


def durables_of(consumer: Consumer, target: NatsTarget) -> list[Durable]:
    """One durable per subject pattern: NATS before 2.10 filters a consumer on one subject only."""
    base = DURABLE_NAME_UNSAFE.sub("_", consumer.name)
    if len(consumer.subjects) == 1:
        return [Durable(base, target.wire_subject(consumer.subjects[0]))]
    return [
        Durable(f"{base}-{hashlib.sha1(pattern.encode()).hexdigest()[:8]}", target.wire_subject(pattern))
        for pattern in consumer.subjects
    ]


class NatsBus:
    def __init__(self, url: str, platform: Platform) -> None:
        self.platform = platform
        self.target = NatsTarget.parse(url)
        self._wake = asyncio.Event()
        self._connect_lock = asyncio.Lock()
        self._client: Client | None = None
        self._jetstream: JetStreamContext | None = None
        self._durables: list[Durable] = []
        self._tasks: list[asyncio.Task[None]] = []

    def wake(self) -> None:
        self._wake.set()

    async def start(self, *, relay: bool, consumers: Sequence[Consumer]) -> None:
        assert not self._tasks, "bus already started"
        jetstream = await self._connect()
        for consumer in consumers:
            for durable in durables_of(consumer, self.target):
                await jetstream.add_consumer(
                    self.target.stream,
                    api.ConsumerConfig(
                        durable_name=durable.name,
                        filter_subject=durable.filter_subject,
                        ack_policy=api.AckPolicy.EXPLICIT,
                        deliver_policy=api.DeliverPolicy.ALL,
                        ack_wait=ACK_WAIT_S,
                        # One delivery beyond our attempts: if a worker dies during the last attempt,
                        # the next one still runs it and dead-letters it instead of losing it.
                        max_deliver=consumer.attempts_max + 1,
                    ),
                )
                subscription = await jetstream.pull_subscribe_bind(
                    durable=durable.name, stream=self.target.stream
                )
                self._durables.append(durable)
                self._tasks.append(
                    asyncio.create_task(self._consume(consumer, subscription), name=f"bus:{durable.name}")
                )
        if relay:
            self._tasks.append(
                asyncio.create_task(
                    outbox_relay.run_relay(self.platform, self._relay_step, self._wake), name="bus:relay"
                )
            )

    async def stop(self) -> None:
        tasks, self._tasks = self._tasks, []
        await outbox_relay.stop_tasks(tasks)
        self._durables.clear()
        client, self._client, self._jetstream = self._client, None, None
        if client is not None:
            with contextlib.suppress(Exception):
                await client.flush(timeout=PING_TIMEOUT_S)  # the last acks and naks
            with contextlib.suppress(Exception):
                await client.close()

    async def drain(self, timeout_s: float = DRAIN_TIMEOUT_S) -> None:
        async with asyncio.timeout(timeout_s):
            while True:
                self.wake()
                if await outbox_relay.count_unpublished(self.platform) == 0 and await self._consumers_idle():
                    return
                await asyncio.sleep(DRAIN_POLL_INTERVAL_S)

    async def ping(self) -> None:
        await self._connect()
        assert self._client is not None
        await self._client.flush(timeout=PING_TIMEOUT_S)

    async def publish(self, events: Sequence[Event]) -> None:
        """Publish to the stream, each with its id as Nats-Msg-Id; returns once all are stored."""
        jetstream = await self._connect()
        acks = []
        for event in events:
            if not event.subject.startswith(SUBJECT_PREFIX):  # outside the stream: it would block the outbox
                log.error("bus_subject_outside_stream", subject=event.subject, event_id=event.id)
                continue
            acks.append(
                await jetstream.publish_async(
                    self.target.wire_subject(event.subject),
                    event.encode(),
                    headers={"Nats-Msg-Id": str(event.id)},
                )
            )
        async with asyncio.timeout(PUBLISH_TIMEOUT_S):
            await asyncio.gather(*acks)

    async def _relay_step(self) -> int:
        return await outbox_relay.publish_batch(self.platform, self.publish)

    async def _connect(self) -> JetStreamContext:
        async with self._connect_lock:
            if self._jetstream is None:
                # Reconnect forever once connected, but bound the first connect: nats-py would
                # otherwise retry an unreachable server forever (and `ping` would never answer).
                async with asyncio.timeout(CONNECT_TIMEOUT_S):
                    client = await nats.connect(
                        servers=[self.target.server],
                        name="casebook",
                        max_reconnect_attempts=-1,
                        error_cb=_log_nats_error,
                    )
                try:
                    jetstream = client.jetstream()
                    await self._ensure_stream(jetstream)
                except BaseException:
                    await client.close()
                    raise
                self._client, self._jetstream = client, jetstream
            return self._jetstream

    async def _ensure_stream(self, jetstream: JetStreamContext) -> None:
        config = api.StreamConfig(
            name=self.target.stream,
            subjects=[self.target.stream_subject],
            retention=api.RetentionPolicy.LIMITS,
            storage=api.StorageType.FILE,
            max_age=STREAM_MAX_AGE_S,
            duplicate_window=DUPLICATE_WINDOW_S,
        )
        try:
            await jetstream.add_stream(config)
        except nats.js.errors.BadRequestError:  # exists with other limits set by an operator: keep them
            await jetstream.stream_info(self.target.stream)

    async def _consumers_idle(self) -> bool:
        """Every durable consumer has nothing pending; asked of all at once (an app runs a dozen), and a
        request the server answers too late on a loaded machine only means "ask again"."""
        assert self._jetstream is not None
        jetstream = self._jetstream
        try:
            infos = await asyncio.gather(*(jetstream.consumer_info(self.target.stream, durable.name)
                                           for durable in self._durables))
        except nats.errors.TimeoutError:
            return False
        return not any(info.num_pending or info.num_ack_pending for info in infos)

    async def _consume(self, consumer: Consumer, subscription: JetStreamContext.PullSubscription) -> None:
        while True:
            try:
                messages = await subscription.fetch(batch=FETCH_BATCH_MESSAGES, timeout=FETCH_WAIT_S)
            except (nats.errors.TimeoutError, asyncio.TimeoutError):  # nothing arrived (nats-py raises either)
                continue
            except Exception:  # disconnected: nats-py reconnects by itself, we only wait
                log.exception("bus_fetch_failed", consumer=consumer.name)
                await asyncio.sleep(RETRY_PAUSE_S)
                continue
            for index, message in enumerate(messages):
                try:
                    await self._handle(consumer, message)
                except asyncio.CancelledError:  # stopping: hand what we hold to other workers now
                    for unfinished in messages[index:]:
                        with contextlib.suppress(Exception):
                            await unfinished.nak()
                    raise
                except Exception:  # an ack or dead letter failed: JetStream redelivers after ack_wait
                    log.exception("bus_message_failed", consumer=consumer.name)

    async def _handle(self, consumer: Consumer, message: Msg) -> None:
        try:
            event = Event.decode(message.data)
        except msgspec.DecodeError:
            log.error("bus_message_undecodable", consumer=consumer.name, subject=message.subject)
            await message.term()
            return
        attempt = message.metadata.num_delivered
        try:
            await consuming.process_once(self.platform, consumer, event)
        except Exception as error:  # the handler failed: redeliver later, or give up
            if attempt < consumer.attempts_max:
                log.warning(
                    "bus_handler_failed",
                    consumer=consumer.name,
                    event_id=event.id,
                    attempt=attempt,
                    error=consuming.describe(error),
                )
                await message.nak(delay=consumer.backoff_s(attempt))
                return
            await consuming.dead_letter(
                self.platform, consumer, event, attempts=attempt, error=consuming.describe(error)
            )
            await message.term()
            return
        await message.ack()


async def _log_nats_error(error: Exception) -> None:
    log.warning("bus_nats_error", error=repr(error))
