"""The scheduler loop: holds the lease, runs each periodic job once per slot and delayed jobs when due."""

from __future__ import annotations

import asyncio
import hashlib
import os
import socket
import uuid
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Sequence

import structlog
from sqlalchemy import delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from casebook.platform.bus import relay as outbox_relay
from casebook.platform.scheduler.models import (
    JOB_DEAD,
    JOB_DONE,
    JOB_PENDING,
    DelayedJobRow,
    LeaseRow,
    SlotRunRow,
)

if TYPE_CHECKING:
    from casebook.platform.bootstrap import Platform
    from casebook.platform.scheduler import Job
    from casebook.platform.uow import UnitOfWork

log = structlog.get_logger(__name__)

LEASE_NAME = "scheduler"
LEASE_TTL_S = 15.0
LEASE_RENEW_S = 5.0  # three renewals per TTL: one slow or failed renewal does not lose the lease
LEASE_RELEASED_AT = datetime(1970, 1, 1, tzinfo=UTC)
LEASE_RELEASE_TIMEOUT_S = 2.0  # SQLite's one writer may be held by a slow consumer at shutdown
TICK_S = 0.5
DUE_JOBS_BATCH_MAX = 100
JOB_BACKOFF_BASE_S = 1.0
JOB_BACKOFF_MAX_S = 300.0
SLOTS_KEPT = 16  # older slot rows of a job are deleted as new ones are written
FINISHED_JOBS_RETENTION_S = 30 * 24 * 3600  # a key stays unique this long after its job finished
PRUNE_INTERVAL_S = 3600.0
ERROR_TEXT_CHARS_MAX = 4000


def _insert(dialect: str, table: Any) -> Any:
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


async def schedule(
    uow: UnitOfWork, name: str, *, run_at: datetime, payload: dict[str, Any], key: str | None = None
) -> int:
    """Insert a delayed job in the caller's transaction and return its id.

    With `key`, scheduling the same (name, key) again returns the first job's id and adds nothing.
    """
    assert not uow.is_read_only, "schedule on a read-only unit of work"
    if name not in uow.platform.scheduler.job_names:
        raise ValueError(f"unknown scheduler job: {name}")
    values = {
        "id": uow.new_id(),
        "name": name,
        "key": key,
        "run_at": run_at,
        "payload": payload,
        "attempts": 0,
        "status": JOB_PENDING,
    }
    table = DelayedJobRow.__table__
    if key is None:
        await uow.session.execute(table.insert().values(**values))
        return values["id"]
    statement = (
        _insert(uow.platform.db.dialect, table)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["name", "key"])
        .returning(table.c.id)
    )
    job_id = await uow.session.scalar(statement)
    if job_id is None:
        job_id = await uow.session.scalar(
            select(DelayedJobRow.id).where(DelayedJobRow.name == name, DelayedJobRow.key == key)
        )
    assert job_id is not None
    return job_id


class Scheduler:
    """Runs `jobs` in this process while it holds the lease; every process may compete for it."""

    def __init__(
        self,
        platform: Platform,
        jobs: Sequence[Job],
        *,
        tick_s: float = TICK_S,
        lease_ttl_s: float = LEASE_TTL_S,
        lease_renew_s: float = LEASE_RENEW_S,
        holder: str | None = None,
    ) -> None:
        self.platform = platform
        self.jobs = {job.name: job for job in jobs}
        assert len(self.jobs) == len(jobs), "duplicate scheduler job names"
        self.tick_s = tick_s
        self.lease_ttl_s = lease_ttl_s
        self.lease_renew_s = lease_renew_s
        self.holder = holder or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        # One lease per set of jobs: processes serving the same apps elect one leader among them, while
        # a process serving other apps (`--apps`) leads its own set instead of starving it. Jobs two
        # sets share stay single-run: slots are unique rows and delayed jobs are claimed with locks.
        digest = hashlib.sha256("\n".join(sorted(self.jobs)).encode()).hexdigest()[:12]
        self.lease_name = f"{LEASE_NAME}:{digest}"
        self._lease_expires_at: datetime | None = None
        self._lease_check_at = LEASE_RELEASED_AT
        self._prune_at = LEASE_RELEASED_AT
        self._slots_seen: dict[str, int] = {}  # job -> last slot known to be run (or given up)
        self._slot_failures: dict[str, tuple[int, int]] = {}  # job -> (slot, failed attempts)
        self._task: asyncio.Task[None] | None = None

    @property
    def job_names(self) -> frozenset[str]:
        return frozenset(self.jobs)

    @property
    def is_leader(self) -> bool:
        return self._lease_expires_at is not None and self.platform.clock.now() < self._lease_expires_at

    async def start(self) -> None:
        if self.jobs and self._task is None:  # without jobs, do not take the lease from a process with some
            self._task = asyncio.create_task(self._loop(), name="scheduler")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            await outbox_relay.stop_tasks([task])
        if self._lease_expires_at is not None:
            self._lease_expires_at = None
            try:  # hand over at once instead of after the TTL; bounded, as the TTL hands over anyway
                async with (
                    asyncio.timeout(LEASE_RELEASE_TIMEOUT_S),
                    self.platform.db.transaction() as session,
                ):
                    await session.execute(
                        update(LeaseRow)
                        .where(LeaseRow.name == self.lease_name, LeaseRow.holder == self.holder)
                        .values(expires_at=LEASE_RELEASED_AT)
                    )
            except Exception as error:  # the lease lapses by itself after its TTL
                log.warning("scheduler_release_failed", error=repr(error))

    async def tick(self) -> None:
        """One round: keep or take the lease; as leader, run what is due."""
        if not await self._hold_lease():
            return
        await self._run_periodic()
        if self.is_leader:
            await self._run_delayed()
        if self.is_leader and self.platform.clock.now() >= self._prune_at:
            await self._prune()

    async def _loop(self) -> None:
        while True:
            try:
                await self.tick()
            except Exception:  # the database is away: keep ticking, the lease lapses by itself
                log.exception("scheduler_tick_failed")
            await asyncio.sleep(self.tick_s)

    async def _hold_lease(self) -> bool:
        now = self.platform.clock.now()
        if now < self._lease_check_at:
            return self.is_leader
        expires_at = now + timedelta(seconds=self.lease_ttl_s)
        lease = LeaseRow.__table__
        async with self.platform.db.transaction() as session:
            # Compare-and-set: take it when it lapsed, renew it when it is ours.
            claimed = await session.execute(
                update(lease)
                .where(
                    lease.c.name == self.lease_name,
                    or_(lease.c.expires_at < now, lease.c.holder == self.holder),
                )
                .values(holder=self.holder, expires_at=expires_at)
            )
            is_held = claimed.rowcount == 1
            if not is_held:
                inserted = await session.scalar(
                    _insert(self.platform.db.dialect, lease)
                    .values(name=self.lease_name, holder=self.holder, expires_at=expires_at)
                    .on_conflict_do_nothing(index_elements=["name"])
                    .returning(lease.c.name)
                )
                is_held = inserted is not None
        was_leader = self.is_leader
        self._lease_expires_at = expires_at if is_held else None
        self._lease_check_at = now + timedelta(seconds=self.lease_renew_s)
        if is_held != was_leader:
            log.info("scheduler_lease_taken" if is_held else "scheduler_lease_lost", holder=self.holder)
        return is_held

    async def _run_periodic(self) -> None:
        now = self.platform.clock.now()
        for job in self.jobs.values():
            if job.every_s is None or not self.is_leader:
                continue
            slot = int(now.timestamp() // job.every_s)
            if self._slots_seen.get(job.name) == slot:
                continue
            try:
                await self._run_slot(job, slot)
            except Exception as error:  # retried on the next tick, up to the job's attempts
                failed_slot, failures = self._slot_failures.get(job.name, (slot, 0))
                failures = failures + 1 if failed_slot == slot else 1
                log.warning(
                    "scheduler_job_failed", job=job.name, slot=slot, attempt=failures, error=repr(error)
                )
                if failures < job.attempts_max:
                    self._slot_failures[job.name] = (slot, failures)
                    continue
                log.error("scheduler_slot_abandoned", job=job.name, slot=slot)
            self._slots_seen[job.name] = slot
            self._slot_failures.pop(job.name, None)

    async def _run_slot(self, job: Job, slot: int) -> None:
        """Run the job for `slot` unless it already ran; the slot row commits with its effects."""
        try:
            async with self.platform.uow() as uow:
                if await uow.session.get(SlotRunRow, (job.name, slot)) is not None:
                    return
                uow.session.add(SlotRunRow(job=job.name, slot=slot, ran_at=uow.now()))
                await uow.session.flush()  # on PostgreSQL a rival's insert now waits on this row
                await uow.session.execute(
                    delete(SlotRunRow).where(SlotRunRow.job == job.name, SlotRunRow.slot < slot - SLOTS_KEPT)
                )
                await job.handler(uow, {"slot": slot})
        except IntegrityError:
            async with self.platform.db.read() as session:
                if await session.get(SlotRunRow, (job.name, slot)) is None:
                    raise  # a constraint of the handler's own writes

    async def _run_delayed(self) -> None:
        names = [job.name for job in self.jobs.values() if job.every_s is None]
        if not names:
            return
        now = self.platform.clock.now()
        async with self.platform.db.read() as session:
            due = list(
                await session.scalars(
                    select(DelayedJobRow.id)
                    .where(
                        DelayedJobRow.status == JOB_PENDING,
                        DelayedJobRow.run_at <= now,
                        DelayedJobRow.name.in_(names),
                    )
                    .order_by(DelayedJobRow.run_at, DelayedJobRow.id)
                    .limit(DUE_JOBS_BATCH_MAX)
                )
            )
        for job_id in due:
            if not self.is_leader:
                return
            try:
                await self._run_delayed_job(job_id, now)
            except Exception as error:
                await self._record_failure(job_id, error)

    async def _run_delayed_job(self, job_id: int, now: datetime) -> None:
        async with self.platform.uow() as uow:
            query = select(DelayedJobRow).where(
                DelayedJobRow.id == job_id, DelayedJobRow.status == JOB_PENDING, DelayedJobRow.run_at <= now
            )
            if self.platform.db.dialect == "postgresql":
                query = query.with_for_update(skip_locked=True)
            row = await uow.session.scalar(query)
            if row is None:  # done meanwhile by another runner
                return
            row.attempts += 1
            row.status = JOB_DONE
            await self.jobs[row.name].handler(uow, dict(row.payload))

    async def _record_failure(self, job_id: int, error: Exception) -> None:
        async with self.platform.uow() as uow:
            row = await uow.session.get(DelayedJobRow, job_id)
            if row is None or row.status != JOB_PENDING:
                return
            row.attempts += 1
            row.last_error = f"{type(error).__name__}: {error}"[:ERROR_TEXT_CHARS_MAX]
            if row.attempts >= self.jobs[row.name].attempts_max:
                row.status = JOB_DEAD
                log.error("scheduler_job_dead", job=row.name, job_id=job_id, attempts=row.attempts)
            else:
                delay_s = min(JOB_BACKOFF_MAX_S, JOB_BACKOFF_BASE_S * 2 ** (row.attempts - 1))
                row.run_at = uow.now() + timedelta(seconds=delay_s)
                log.warning(
                    "scheduler_job_failed",
                    job=row.name,
                    job_id=job_id,
                    attempt=row.attempts,
                    error=row.last_error,
                )

    async def _prune(self) -> None:
        now = self.platform.clock.now()
        self._prune_at = now + timedelta(seconds=PRUNE_INTERVAL_S)
        async with self.platform.db.transaction() as session:
            await session.execute(
                delete(DelayedJobRow).where(
                    DelayedJobRow.status != JOB_PENDING,
                    DelayedJobRow.run_at < now - timedelta(seconds=FINISHED_JOBS_RETENTION_S),
                )
            )
