"""The scheduler on SQLite and PostgreSQL: one leader, once per slot, delayed jobs once, retries."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta
from typing import Any, AsyncIterator, Sequence

import pytest
from sqlalchemy import select

from casebook.platform.bootstrap import Platform
from casebook.platform.clock import Clock, FrozenClock
from casebook.platform.scheduler import Job, schedule
from casebook.platform.scheduler.models import DelayedJobRow, SlotRunRow
from casebook.platform.settings import Settings
from casebook.platform.uow import UnitOfWork
from tests.platform.bus.harness import count_rows, running

EVERY_MINUTE_S = 60.0


class Calls:
    """A job handler that records the payloads it ran with; `ran` is set once a run has committed."""

    def __init__(self, *, failures: int = 0) -> None:
        self.payloads: list[dict[str, Any]] = []
        self.failures = failures
        self.ran = asyncio.Event()

    async def __call__(self, uow: UnitOfWork, payload: dict[str, Any]) -> None:
        self.payloads.append(payload)
        if len(self.payloads) <= self.failures:
            raise RuntimeError(f"failure {len(self.payloads)}")
        uow.after_commit(self._committed)

    async def _committed(self) -> None:
        self.ran.set()


@contextlib.asynccontextmanager
async def scheduled(settings: Settings, jobs: Sequence[Job], clock: Clock) -> AsyncIterator[Platform]:
    """A platform whose scheduler the test ticks by hand."""
    async with running(settings, jobs=jobs, clock=clock, is_started=False) as platform:
        yield platform


async def job_row(platform: Platform, job_id: int) -> DelayedJobRow:
    async with platform.db.read() as session:
        row = await session.get(DelayedJobRow, job_id)
        assert row is not None
        return row


async def test_periodic_job_runs_once_per_slot_across_a_restart(settings: Settings) -> None:
    clock, calls = FrozenClock(), Calls()
    job = Job(name="t.tally", handler=calls, every_s=EVERY_MINUTE_S)
    async with scheduled(settings, [job], clock) as platform:
        await platform.scheduler.tick()
        await platform.scheduler.tick()
    async with scheduled(settings, [job], clock) as platform:  # the same database, a new process
        await platform.scheduler.tick()
        slot = int(clock.now().timestamp() // EVERY_MINUTE_S)
        assert calls.payloads == [{"slot": slot}]
        clock.advance(seconds=EVERY_MINUTE_S)
        await platform.scheduler.tick()
        assert calls.payloads == [{"slot": slot}, {"slot": slot + 1}]
        assert await count_rows(platform, SlotRunRow, SlotRunRow.job == "t.tally") == 2


async def test_slots_missed_while_nobody_ran_run_once_not_one_by_one(settings: Settings) -> None:
    clock, calls = FrozenClock(), Calls()
    async with scheduled(
        settings, [Job(name="t.tally", handler=calls, every_s=EVERY_MINUTE_S)], clock
    ) as platform:
        await platform.scheduler.tick()
        clock.advance(minutes=30)
        await platform.scheduler.tick()
        assert len(calls.payloads) == 2


async def test_a_failing_periodic_job_is_retried_within_its_slot_and_its_slot_kept_only_on_success(
    settings: Settings,
) -> None:
    clock, calls = FrozenClock(), Calls(failures=1)
    async with scheduled(
        settings, [Job(name="t.tally", handler=calls, every_s=EVERY_MINUTE_S)], clock
    ) as platform:
        await platform.scheduler.tick()
        assert await count_rows(platform, SlotRunRow, SlotRunRow.job == "t.tally") == 0
        await platform.scheduler.tick()
        await platform.scheduler.tick()
        assert len(calls.payloads) == 2
        assert await count_rows(platform, SlotRunRow, SlotRunRow.job == "t.tally") == 1


async def test_only_the_lease_holder_runs_jobs_and_another_takes_over_when_it_lapses(
    settings: Settings,
) -> None:
    clock, first_calls, second_calls = FrozenClock(), Calls(), Calls()
    async with (
        scheduled(
            settings, [Job(name="t.tally", handler=first_calls, every_s=EVERY_MINUTE_S)], clock
        ) as first,
        scheduled(
            settings, [Job(name="t.tally", handler=second_calls, every_s=EVERY_MINUTE_S)], clock
        ) as second,
    ):
        await first.scheduler.tick()
        await second.scheduler.tick()
        assert (first.scheduler.is_leader, second.scheduler.is_leader) == (True, False)
        clock.advance(seconds=EVERY_MINUTE_S)
        await first.scheduler.tick()  # renews its lease and runs the new slot
        await second.scheduler.tick()
        assert (len(first_calls.payloads), len(second_calls.payloads)) == (2, 0)

        clock.advance(seconds=16)  # the first has died without a word: its 15 s lease lapses
        await second.scheduler.tick()
        assert second.scheduler.is_leader
        assert len(second_calls.payloads) == 0  # this slot ran already, under the first
        clock.advance(seconds=44)
        await second.scheduler.tick()
        await first.scheduler.tick()
        assert (first.scheduler.is_leader, second.scheduler.is_leader) == (False, True)
        assert (len(first_calls.payloads), len(second_calls.payloads)) == (2, 1)


async def test_a_stopping_leader_hands_the_lease_over_at_once(settings: Settings) -> None:
    clock = FrozenClock()
    jobs = [Job(name="t.tally", handler=Calls(), every_s=EVERY_MINUTE_S)]
    async with scheduled(settings, jobs, clock) as first, scheduled(settings, jobs, clock) as second:
        await first.scheduler.tick()
        await second.scheduler.tick()
        await first.scheduler.stop()
        clock.advance(seconds=5)  # one renewal interval, well inside the first's 15 s lease
        await second.scheduler.tick()
        assert (first.scheduler.is_leader, second.scheduler.is_leader) == (False, True)


async def test_delayed_job_runs_once_at_run_at(settings: Settings) -> None:
    clock, calls = FrozenClock(), Calls()
    async with scheduled(settings, [Job(name="t.remind", handler=calls)], clock) as platform:
        async with platform.uow() as uow:
            job_id = await schedule(
                uow, "t.remind", run_at=clock.now() + timedelta(seconds=30), payload={"to": 7}
            )
        await platform.scheduler.tick()
        clock.advance(seconds=29)
        await platform.scheduler.tick()
        assert calls.payloads == []
        clock.advance(seconds=1)
        await platform.scheduler.tick()
        await platform.scheduler.tick()
        assert calls.payloads == [{"to": 7}]
        row = await job_row(platform, job_id)
        assert (row.status, row.attempts, row.last_error) == ("done", 1, None)


async def test_scheduling_the_same_key_twice_runs_once(settings: Settings) -> None:
    clock, calls = FrozenClock(), Calls()
    async with scheduled(settings, [Job(name="t.remind", handler=calls)], clock) as platform:
        async with platform.uow() as uow:
            first = await schedule(uow, "t.remind", run_at=clock.now(), payload={"n": 1}, key="order-1")
            again = await schedule(uow, "t.remind", run_at=clock.now(), payload={"n": 2}, key="order-1")
        async with platform.uow() as uow:
            later = await schedule(uow, "t.remind", run_at=clock.now(), payload={"n": 3}, key="order-1")
        await platform.scheduler.tick()
        await platform.scheduler.tick()
        assert first == again == later
        assert calls.payloads == [{"n": 1}]
        assert await count_rows(platform, DelayedJobRow) == 1


async def test_scheduling_rolls_back_with_the_callers_transaction(settings: Settings) -> None:
    clock = FrozenClock()
    async with scheduled(settings, [Job(name="t.remind", handler=Calls())], clock) as platform:
        with pytest.raises(RuntimeError):
            async with platform.uow() as uow:
                await schedule(uow, "t.remind", run_at=clock.now(), payload={}, key="k")
                raise RuntimeError("refused")
        assert await count_rows(platform, DelayedJobRow) == 0


async def test_scheduling_an_unknown_job_is_refused(settings: Settings) -> None:
    async with scheduled(settings, [Job(name="t.remind", handler=Calls())], FrozenClock()) as platform:
        with pytest.raises(ValueError, match="unknown scheduler job: t.nope"):
            async with platform.uow() as uow:
                await schedule(uow, "t.nope", run_at=uow.now(), payload={})


async def test_failing_delayed_job_is_retried_with_backoff_then_marked_dead(settings: Settings) -> None:
    clock, calls = FrozenClock(), Calls(failures=99)
    async with scheduled(settings, [Job(name="t.remind", handler=calls, attempts_max=3)], clock) as platform:
        async with platform.uow() as uow:
            job_id = await schedule(uow, "t.remind", run_at=clock.now(), payload={"n": 1})
        await platform.scheduler.tick()
        row = await job_row(platform, job_id)
        assert (row.status, row.attempts, row.run_at) == ("pending", 1, clock.now() + timedelta(seconds=1))
        await platform.scheduler.tick()  # not due again yet
        clock.advance(seconds=1)
        await platform.scheduler.tick()
        clock.advance(seconds=2)
        await platform.scheduler.tick()
        clock.advance(minutes=10)
        await platform.scheduler.tick()
        row = await job_row(platform, job_id)
        assert (row.status, row.attempts, row.last_error) == ("dead", 3, "RuntimeError: failure 3")
        assert len(calls.payloads) == 3


async def test_a_delayed_job_that_fails_once_then_succeeds_ends_done(settings: Settings) -> None:
    clock, calls = FrozenClock(), Calls(failures=1)
    async with scheduled(settings, [Job(name="t.remind", handler=calls)], clock) as platform:
        async with platform.uow() as uow:
            job_id = await schedule(uow, "t.remind", run_at=clock.now(), payload={})
        await platform.scheduler.tick()
        clock.advance(seconds=1)
        await platform.scheduler.tick()
        row = await job_row(platform, job_id)
        assert (row.status, row.attempts, row.last_error) == ("done", 2, "RuntimeError: failure 1")


async def test_the_running_loop_runs_due_jobs_by_itself(settings: Settings) -> None:
    periodic, delayed = Calls(), Calls()
    jobs = [Job(name="t.tally", handler=periodic, every_s=3600.0), Job(name="t.remind", handler=delayed)]
    async with scheduled(settings, jobs, Clock()) as platform:
        platform.scheduler.tick_s = 0.01
        async with platform.uow() as uow:
            await schedule(uow, "t.remind", run_at=uow.now(), payload={"n": 1})
        await platform.start("worker")
        await asyncio.wait_for(asyncio.gather(periodic.ran.wait(), delayed.ran.wait()), timeout=10)
        assert delayed.payloads == [{"n": 1}]
        assert len(periodic.payloads) == 1
        async with platform.db.read() as session:
            assert (await session.scalars(select(DelayedJobRow.status))).all() == ["done"]
