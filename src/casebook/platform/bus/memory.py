"""The embedded bus: the relay hands outbox events to in-process consumer tasks, one per consumer.

An outbox row is marked published only once every matching consumer has handled or
dead-lettered it, so a process killed with events still queued delivers them after restart.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, Sequence

import structlog

from casebook.platform.bus import DRAIN_TIMEOUT_S, consuming
from casebook.platform.bus import relay as outbox_relay
from casebook.platform.bus.events import Consumer, Event

if TYPE_CHECKING:
    from casebook.platform.bootstrap import Platform

log = structlog.get_logger(__name__)

CONSUMER_BATCH_EVENTS_MAX = 100  # events one consumer handles in one transaction when they queue up
CONSUMER_QUEUE_EVENTS_MAX = 256  # per consumer; a full queue makes the relay wait, never drop
IN_FLIGHT_EVENTS_MAX = 2000  # handed over but not yet finished by all their consumers
DRAIN_POLL_INTERVAL_S = 0.01


class MemoryBus:
    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self._wake = asyncio.Event()
        self._consumers: tuple[Consumer, ...] = ()
        self._queues: dict[str, asyncio.Queue[Event]] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self._unfinished: dict[int, int] = {}  # event id -> consumers still working on it
        self._finished: list[int] = []  # every consumer is done; published_at not yet written

    def wake(self) -> None:
        self._wake.set()

    async def start(self, *, relay: bool, consumers: Sequence[Consumer]) -> None:
        assert not self._tasks, "bus already started"
        self._consumers = tuple(consumers)
        for consumer in self._consumers:
            assert consumer.name not in self._queues, f"duplicate consumer name {consumer.name}"
            queue: asyncio.Queue[Event] = asyncio.Queue(maxsize=CONSUMER_QUEUE_EVENTS_MAX)
            self._queues[consumer.name] = queue
            self._tasks.append(
                asyncio.create_task(self._consume(consumer, queue), name=f"bus:{consumer.name}")
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
        with contextlib.suppress(Exception):  # best effort: unmarked rows are redelivered, then skipped
            await self._mark_finished()
        self._queues.clear()
        self._unfinished.clear()

    async def drain(self, timeout_s: float = DRAIN_TIMEOUT_S) -> None:
        async with asyncio.timeout(timeout_s):
            while True:
                self.wake()
                if not self._unfinished and await outbox_relay.count_unpublished(self.platform) == 0:
                    return
                await asyncio.sleep(DRAIN_POLL_INTERVAL_S)

    async def ping(self) -> None:
        return None

    async def publish(self, events: Sequence[Event]) -> None:
        """Hand events to every matching consumer's queue, waiting while a queue is full."""
        for event in events:
            targets = [consumer for consumer in self._consumers if consumer.matches(event.subject)]
            if not targets:
                self._finished.append(event.id)
                continue
            self._unfinished[event.id] = self._unfinished.get(event.id, 0) + len(targets)
            for consumer in targets:
                await self._queues[consumer.name].put(event)

    async def _relay_step(self) -> int:
        await self._mark_finished()
        capacity = IN_FLIGHT_EVENTS_MAX - len(self._unfinished)
        if capacity <= 0:
            return 0  # consumers wake the relay as they finish
        # Rows in flight are still unpublished; read past them (ids commit out of order, so no cursor).
        rows_max = len(self._unfinished) + outbox_relay.RELAY_BATCH_ROWS
        ids = await outbox_relay.unpublished_ids(self.platform, rows_max=rows_max)
        fresh = [event_id for event_id in ids if event_id not in self._unfinished][:capacity]
        events = await outbox_relay.load_events(self.platform, fresh)
        await self.publish(events)
        await self._mark_finished()
        return len(events)

    async def _mark_finished(self) -> None:
        if not self._finished:
            return
        ids, self._finished = self._finished, []
        try:
            await outbox_relay.mark_published(self.platform, ids)
        except BaseException:
            self._finished.extend(ids)
            raise
        for event_id in ids:
            self._unfinished.pop(event_id, None)

    async def _consume(self, consumer: Consumer, queue: asyncio.Queue[Event]) -> None:
        while True:
            batch = [await queue.get()]
            while len(batch) < CONSUMER_BATCH_EVENTS_MAX and not queue.empty():
                batch.append(queue.get_nowait())
            await consuming.deliver_many(self.platform, consumer, batch)
            for event in batch:
                left = self._unfinished.get(event.id, 1) - 1
                if left > 0:
                    self._unfinished[event.id] = left
                else:
                    self._unfinished[event.id] = 0  # stays in flight until published_at is written
                    self._finished.append(event.id)
            self._wake.set()
