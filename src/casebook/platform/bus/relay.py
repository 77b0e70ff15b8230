"""The outbox relay: reads committed events in id order, hands them to a transport, prunes the table."""

from __future__ import annotations

import asyncio
import contextlib
import time
from datetime import timedelta
from typing import TYPE_CHECKING, Awaitable, Callable, Sequence

import structlog
from sqlalchemy import delete, func, select, update

from casebook.platform.bus.events import Event
from casebook.platform.bus.models import OutboxRow, ProcessedRow

if TYPE_CHECKING:
    from casebook.platform.bootstrap import Platform

log = structlog.get_logger(__name__)

RELAY_BATCH_ROWS = 500
RELAY_POLL_INTERVAL_S = 1.0  # another process may have committed without waking us
RELAY_ERROR_PAUSE_S = 1.0
OUTBOX_RETENTION_S = 3600  # published rows kept an hour for inspection, then deleted
PROCESSED_RETENTION_S = 7 * 24 * 3600  # de-duplication outlives any redelivery by far
PRUNE_INTERVAL_S = 60.0
STOP_RECANCEL_INTERVAL_S = 0.5

Publish = Callable[[Sequence[Event]], Awaitable[None]]
Step = Callable[[], Awaitable[int]]


def to_event(row: OutboxRow) -> Event:
    return Event(id=row.id, subject=row.subject, payload=row.payload, occurred_at=row.occurred_at)


async def publish_batch(platform: Platform, publish: Publish, *, rows_max: int = RELAY_BATCH_ROWS) -> int:
    """Publish the oldest unpublished rows and mark them published; returns how many.

    On PostgreSQL several relays claim disjoint batches with FOR UPDATE SKIP LOCKED and hold
    the claim while publishing. SQLite has one writer, so the rows are read outside the write
    lock and marked afterwards; a crash in between republishes them (at-least-once).
    """
    db = platform.db
    unpublished = (
        select(OutboxRow).where(OutboxRow.published_at.is_(None)).order_by(OutboxRow.id).limit(rows_max)
    )
    if db.dialect == "postgresql":
        async with db.transaction() as session:
            rows = (await session.scalars(unpublished.with_for_update(skip_locked=True))).all()
            if rows:
                await publish([to_event(row) for row in rows])
                await session.execute(
                    update(OutboxRow)
                    .where(OutboxRow.id.in_([row.id for row in rows]))
                    .values(published_at=platform.clock.now())
                )
        return len(rows)
    async with db.read() as session:
        rows = (await session.scalars(unpublished)).all()
    if rows:
        await publish([to_event(row) for row in rows])
        await mark_published(platform, [row.id for row in rows])
    return len(rows)


async def unpublished_ids(platform: Platform, *, rows_max: int) -> list[int]:
    async with platform.db.read() as session:
        result = await session.scalars(
            select(OutboxRow.id)
            .where(OutboxRow.published_at.is_(None))
            .order_by(OutboxRow.id)
            .limit(rows_max)
        )
        return list(result)


async def load_events(platform: Platform, ids: Sequence[int]) -> list[Event]:
    if not ids:
        return []
    async with platform.db.read() as session:
        rows = await session.scalars(select(OutboxRow).where(OutboxRow.id.in_(ids)).order_by(OutboxRow.id))
        return [to_event(row) for row in rows]


async def mark_published(platform: Platform, ids: Sequence[int]) -> None:
    if not ids:
        return
    async with platform.db.transaction() as session:
        await session.execute(
            update(OutboxRow).where(OutboxRow.id.in_(ids)).values(published_at=platform.clock.now())
        )


async def count_unpublished(platform: Platform) -> int:
    async with platform.db.read() as session:
        return (
            await session.scalar(
                select(func.count()).select_from(OutboxRow).where(OutboxRow.published_at.is_(None))
            )
            or 0
        )


async def prune(platform: Platform) -> None:
    """Delete published rows past retention, and de-duplication records past theirs."""
    now = platform.clock.now()
    async with platform.db.transaction() as session:
        await session.execute(
            delete(OutboxRow).where(OutboxRow.published_at < now - timedelta(seconds=OUTBOX_RETENTION_S))
        )
        await session.execute(
            delete(ProcessedRow).where(
                ProcessedRow.processed_at < now - timedelta(seconds=PROCESSED_RETENTION_S)
            )
        )


async def run_relay(
    platform: Platform, step: Step, wake: asyncio.Event, *, rows_max: int = RELAY_BATCH_ROWS
) -> None:
    """Call `step` when woken or every poll interval, at once again while it moves full batches."""
    pruned_at = float("-inf")
    while True:
        wake.clear()  # before the step: a commit during it wakes the next round
        try:
            moved = await step()
            if time.monotonic() - pruned_at >= PRUNE_INTERVAL_S:
                pruned_at = time.monotonic()
                await prune(platform)
        except Exception:  # the database or the transport is down: the outbox keeps the events
            log.exception("bus_relay_failed")
            await asyncio.sleep(RELAY_ERROR_PAUSE_S)
            continue
        if moved >= rows_max:
            continue
        # asyncio.timeout, not wait_for: on 3.11 wait_for swallows a cancel that lands as the wake does.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(RELAY_POLL_INTERVAL_S):
                await wake.wait()


async def stop_tasks(tasks: Sequence[asyncio.Task[None]]) -> None:
    """Cancel background tasks and wait for them, cancelling again any that swallowed it.

    On Python 3.11, asyncio.wait_for inside a driver can swallow a cancel that lands just as
    what it waits for completes; one cancel would then leave the task running forever.
    """
    pending = set(tasks)
    while pending:
        for task in pending:
            task.cancel()
        _, pending = await asyncio.wait(pending, timeout=STOP_RECANCEL_INTERVAL_S)
    for task in tasks:
        if not task.cancelled() and task.exception() is not None:
            log.error("background_task_failed", task=task.get_name(), error=repr(task.exception()))
