"""Running one event through one consumer: de-duplicated by event id, retried, dead-lettered."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import structlog
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from casebook.platform.bus.events import Consumer, Event
from casebook.platform.bus.models import DeadLetterRow, ProcessedRow

if TYPE_CHECKING:
    from casebook.platform.bootstrap import Platform

log = structlog.get_logger(__name__)

ERROR_TEXT_CHARS_MAX = 4000


async def is_processed(platform: Platform, consumer_name: str, event_id: int) -> bool:
    async with platform.db.read() as session:
        found = await session.scalar(
            select(ProcessedRow.event_id).where(
                ProcessedRow.consumer == consumer_name, ProcessedRow.event_id == event_id
            )
        )
    return found is not None


async def process_once(platform: Platform, consumer: Consumer, event: Event) -> bool:
    """Run the handler once, atomically with its processed-marker.

    True when it ran now, False when this consumer had already handled the event (here or in
    another worker). Any handler error propagates, with the transaction rolled back.
    """
    if await is_processed(platform, consumer.name, event.id):
        return False
    prepared = await consumer.prepare(platform, event) if consumer.prepare is not None else None
    try:
        async with platform.uow() as uow:
            # The marker goes in first: on PostgreSQL a concurrent worker's insert waits on this
            # row and then fails, so the handler itself never runs twice at once.
            uow.session.add(ProcessedRow(consumer=consumer.name, event_id=event.id, processed_at=uow.now()))
            await uow.session.flush()
            if consumer.prepare is not None:
                await consumer.handler(uow, event, prepared)  # type: ignore[call-arg]
            else:
                await consumer.handler(uow, event)
    except IntegrityError:
        if await is_processed(platform, consumer.name, event.id):
            return False
        raise  # a constraint of the handler's own writes
    return True


async def deliver_many(platform: Platform, consumer: Consumer, events: list[Event]) -> None:
    """Handle a run of already-queued events in ONE transaction (their markers included); if anything
    fails, roll it all back and deliver them one at a time with the usual retries.

    On SQLite every transaction takes the single writer, so a consumer that keeps up with a burst
    one event per transaction competes with the requests that produce the burst; batching keeps the
    writer free for them. Semantics are unchanged: each event's handler runs once, atomically with
    its marker, in outbox order.
    """
    if len(events) > 1 and consumer.prepare is None:  # slow prepared work goes one event at a time
        try:
            async with platform.uow() as uow:
                done = set((await uow.session.scalars(select(ProcessedRow.event_id).where(
                    ProcessedRow.consumer == consumer.name,
                    ProcessedRow.event_id.in_([event.id for event in events])))).all())
                fresh = list({event.id: event for event in events if event.id not in done}.values())
                uow.session.add_all([ProcessedRow(consumer=consumer.name, event_id=event.id, processed_at=uow.now())
                                     for event in fresh])
                await uow.session.flush()
                for event in fresh:
                    await consumer.handler(uow, event)
            return
        except Exception as error:  # one bad event must not hold up the others: fall back to one by one
            log.info("bus_batch_fell_back", consumer=consumer.name, events=len(events), error=describe(error))
    for event in events:
        await deliver(platform, consumer, event)


async def dead_letter(
    platform: Platform, consumer: Consumer, event: Event, *, attempts: int, error: str
) -> None:
    """Record that `consumer` gave up on `event`; once per (consumer, event)."""
    async with platform.uow() as uow:
        exists = await uow.session.scalar(
            select(DeadLetterRow.id)
            .where(DeadLetterRow.consumer == consumer.name, DeadLetterRow.event_id == event.id)
            .limit(1)
        )
        if exists is not None:
            return
        uow.session.add(
            DeadLetterRow(
                id=uow.new_id(),
                consumer=consumer.name,
                event_id=event.id,
                subject=event.subject,
                payload=event.payload,
                attempts=attempts,
                error=error[:ERROR_TEXT_CHARS_MAX],
                failed_at=uow.now(),
            )
        )
    log.error(
        "bus_dead_letter", consumer=consumer.name, event_id=event.id, subject=event.subject, attempts=attempts
    )


async def deliver(platform: Platform, consumer: Consumer, event: Event) -> None:
    """Process with retries and backoff; after `attempts_max` failures, dead-letter and return.

    Returns only once the event is handled or dead-lettered, so callers may mark it done.
    """
    attempt = 0
    while True:
        attempt += 1
        try:
            await process_once(platform, consumer, event)
            return
        except Exception as error:  # a handler may fail in any way; it is retried, then parked
            reason = describe(error)
            if attempt >= consumer.attempts_max:
                break
            log.warning(
                "bus_handler_failed", consumer=consumer.name, event_id=event.id, attempt=attempt, error=reason
            )
            await asyncio.sleep(consumer.backoff_s(attempt))
    while True:  # the dead letter itself must land, or the event would silently vanish
        try:
            await dead_letter(platform, consumer, event, attempts=attempt, error=reason)
            return
        except Exception:
            log.exception("bus_dead_letter_failed", consumer=consumer.name, event_id=event.id)
            await asyncio.sleep(consumer.backoff_max_s)


def describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"
