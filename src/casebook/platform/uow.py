"""The unit of work: one database transaction, the events it stages and what runs after commit."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING, Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from casebook.platform.bus.events import SUBJECT_PREFIX, Event
from casebook.platform.bus.models import OutboxRow
from casebook.platform.db.bulk import BulkWrite

if TYPE_CHECKING:
    from datetime import datetime

    from casebook.platform.bootstrap import Platform
    from casebook.platform.cache import Cache
    from casebook.platform.clock import Clock
    from casebook.platform.ids import IdGenerator

log = structlog.get_logger(__name__)

AfterCommit = Callable[[], Awaitable[None]]
_INSERT_OUTBOX = BulkWrite(OutboxRow.__table__, ("id", "subject", "payload", "occurred_at", "published_at"))


class UnitOfWork:
    """Services take this first and never commit; whoever opened it commits once.

    `publish` stages an event that is written to the outbox in this transaction (in one
    statement, just before commit), so a state change and the event describing it commit
    together or not at all. `after_commit` callbacks run only once the
    commit has succeeded (realtime pushes, cache invalidation), and their failures are logged,
    never raised: the write they follow has already happened.
    """

    def __init__(self, platform: Platform, session: AsyncSession, *, is_read_only: bool = False) -> None:
        self.platform = platform
        self.session = session
        self.is_read_only = is_read_only
        self.events: list[Event] = []
        self._flushed_events = 0
        self._after_commit: list[AfterCommit] = []
        self._after_rollback: list[AfterCommit] = []

    @property
    def ids(self) -> IdGenerator:
        return self.platform.ids

    @property
    def clock(self) -> Clock:
        return self.platform.clock

    @property
    def cache(self) -> Cache:
        return self.platform.cache

    def new_id(self) -> int:
        return self.platform.ids.next_id()

    def now(self) -> datetime:
        return self.platform.clock.now()

    def publish(self, subject: str, payload: dict[str, Any]) -> Event:
        """Stage an event in the outbox of this transaction."""
        assert not self.is_read_only, "publish on a read-only unit of work"
        assert subject.startswith(SUBJECT_PREFIX), f"bus subjects are casebook.<owner>.<event>: {subject!r}"
        event = Event(id=self.new_id(), subject=subject, payload=payload, occurred_at=self.now())
        self.events.append(event)
        return event

    async def flush_events(self) -> None:
        """Write the staged events to the outbox in one statement (called just before commit).

        One statement of driver SQL for all of them (platform/db/bulk.py): a batch of ledger transfers stages
        hundreds of events, and SQLAlchemy's per-row parameter work cost more than the SQL."""
        staged, self._flushed_events = self.events[self._flushed_events:], len(self.events)
        await _INSERT_OUTBOX.run(self.session, [(event.id, event.subject, event.payload, event.occurred_at, None)
                                                for event in staged])

    def after_commit(self, callback: AfterCommit) -> None:
        self._after_commit.append(callback)

    def after_rollback(self, callback: AfterCommit) -> None:
        """Undo, when the transaction fails, what was done outside it (a blob written before its row)."""
        self._after_rollback.append(callback)

    async def run_after_rollback(self) -> None:
        callbacks, self._after_rollback = self._after_rollback, []
        for callback in callbacks:
            try:
                await callback()
            except Exception:  # the rollback stands; what is left behind is logged
                log.exception("after_rollback_failed", callback=getattr(callback, "__qualname__", repr(callback)))

    async def run_after_commit(self) -> None:
        if self.events:
            self.platform.bus.wake()
            for listener in self.platform.commit_listeners:
                try:
                    await listener(self.platform, self.events)
                except Exception:  # the commit stands; the listener's own bound (a TTL) limits the damage
                    log.exception("commit_listener_failed", listener=getattr(listener, "__qualname__", repr(listener)))
        callbacks, self._after_commit = self._after_commit, []
        for callback in callbacks:
            try:
                await callback()
            except Exception:  # the commit stands; a missed push or invalidation is logged
                log.exception("after_commit_failed", callback=getattr(callback, "__qualname__", repr(callback)))


@contextlib.asynccontextmanager
async def open_unit_of_work(platform: Platform, *, is_read_only: bool = False) -> AsyncIterator[UnitOfWork]:
    """Commit on success, roll back on error; then the after-commit or the after-rollback callbacks."""
    database = platform.db
    if is_read_only:
        async with database.read_session() as session:  # closing rolls the read back
            yield UnitOfWork(platform, session, is_read_only=True)
        return
    async with database.write_session() as session:
        uow = UnitOfWork(platform, session)
        try:
            async with session.begin():
                yield uow
                await uow.flush_events()
        except Exception:
            await uow.run_after_rollback()
            raise
    await uow.run_after_commit()
