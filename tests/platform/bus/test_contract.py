"""The Bus contract: one suite for the embedded bus (SQLite) and NATS JetStream (PostgreSQL)."""

from __future__ import annotations

import asyncio
import collections

import pytest
from sqlalchemy import select

from casebook.platform.bus import Consumer, Event
from casebook.platform.bus.models import DeadLetterRow, OutboxRow, ProcessedRow
from casebook.platform.settings import Settings
from casebook.platform.uow import UnitOfWork
from tests.platform.bus.harness import count_rows, running

SUBJECT = "casebook.t.happened"
FAST_BACKOFF_S = 0.01


class Recorder:
    """A handler that records the ids it ran for, in order."""

    def __init__(self) -> None:
        self.ids: list[int] = []

    async def __call__(self, uow: UnitOfWork, event: Event) -> None:
        self.ids.append(event.id)


def consumer(name: str, handler, subjects: tuple[str, ...] = (SUBJECT,), **options) -> Consumer:
    return Consumer(name=name, subjects=subjects, handler=handler, backoff_base_s=FAST_BACKOFF_S, **options)


async def publish(platform, count: int = 1, subject: str = SUBJECT) -> list[int]:
    async with platform.uow() as uow:
        return [uow.publish(subject, {"n": n}).id for n in range(count)]


async def test_delivers_committed_events_once_in_outbox_order(settings: Settings) -> None:
    recorder = Recorder()
    async with running(settings, consumers=[consumer("t.record", recorder)]) as platform:
        first = await publish(platform, 3)
        second = await publish(platform, 2)
        await platform.bus.drain()
        assert recorder.ids == first + second
        assert await count_rows(platform, ProcessedRow, ProcessedRow.consumer == "t.record") == 5
        assert await count_rows(platform, OutboxRow, OutboxRow.published_at.is_(None)) == 0


async def test_never_delivers_events_of_a_rolled_back_transaction(settings: Settings) -> None:
    recorder = Recorder()
    async with running(settings, consumers=[consumer("t.record", recorder)]) as platform:
        with pytest.raises(RuntimeError):
            async with platform.uow() as uow:
                uow.publish(SUBJECT, {"n": 0})
                raise RuntimeError("refused")
        committed = await publish(platform)
        await platform.bus.drain()
        assert recorder.ids == committed
        assert await count_rows(platform, OutboxRow) == 1


async def test_retries_a_failing_handler_until_it_succeeds(settings: Settings) -> None:
    calls: list[int] = []

    async def flaky(uow: UnitOfWork, event: Event) -> None:
        calls.append(event.id)
        if len(calls) <= 2:
            raise RuntimeError("not yet")

    async with running(settings, consumers=[consumer("t.flaky", flaky, attempts_max=5)]) as platform:
        (event_id,) = await publish(platform)
        await platform.bus.drain()
        assert calls == [event_id] * 3
        assert await count_rows(platform, ProcessedRow, ProcessedRow.event_id == event_id) == 1
        assert await count_rows(platform, DeadLetterRow) == 0


async def test_dead_letters_an_event_after_attempts_max(settings: Settings) -> None:
    calls: list[int] = []

    async def broken(uow: UnitOfWork, event: Event) -> None:
        calls.append(event.id)
        raise ValueError("always")

    async with running(settings, consumers=[consumer("t.broken", broken, attempts_max=3)]) as platform:
        (event_id,) = await publish(platform)
        await platform.bus.drain()
        assert calls == [event_id] * 3
        async with platform.db.read() as session:
            letters = (await session.scalars(select(DeadLetterRow))).all()
        assert [(row.consumer, row.event_id, row.attempts, row.error) for row in letters] == [
            ("t.broken", event_id, 3, "ValueError: always")
        ]
        assert await count_rows(platform, ProcessedRow) == 0


async def test_runs_the_handler_once_for_a_duplicated_event(settings: Settings) -> None:
    recorder = Recorder()
    async with running(settings, consumers=[consumer("t.record", recorder)]) as platform:
        (event_id,) = await publish(platform)
        await platform.bus.drain()
        async with platform.db.read() as session:
            row = await session.get(OutboxRow, event_id)
        event = Event(id=row.id, subject=row.subject, payload=row.payload, occurred_at=row.occurred_at)
        await platform.bus.publish([event, event])
        await platform.bus.drain()
        assert recorder.ids == [event_id]


async def test_delivers_to_every_consumer_of_a_subject(settings: Settings) -> None:
    exact, wildcard, other = Recorder(), Recorder(), Recorder()
    consumers = [
        consumer("t.exact", exact),
        consumer("t.wildcard", wildcard, subjects=("casebook.t.*",)),
        consumer("t.other", other, subjects=("casebook.other.>",)),
    ]
    async with running(settings, consumers=consumers) as platform:
        ids = await publish(platform, 2)
        await platform.bus.drain()
        assert exact.ids == ids
        assert wildcard.ids == ids
        assert other.ids == []


async def test_consumer_of_several_subjects_gets_each(settings: Settings) -> None:
    recorder = Recorder()
    subjects = ("casebook.t.created", "casebook.t.deleted")
    async with running(settings, consumers=[consumer("t.both", recorder, subjects=subjects)]) as platform:
        created = await publish(platform, subject="casebook.t.created")
        deleted = await publish(platform, subject="casebook.t.deleted")
        await publish(platform, subject="casebook.t.ignored")
        await platform.bus.drain()
        assert sorted(recorder.ids) == sorted(created + deleted)


async def test_handler_effects_commit_with_its_marker_and_are_delivered_in_turn(settings: Settings) -> None:
    echoes = Recorder()

    async def echo(uow: UnitOfWork, event: Event) -> None:
        uow.publish("casebook.t.echoed", {"of": event.id})

    consumers = [consumer("t.echo", echo), consumer("t.echoes", echoes, subjects=("casebook.t.echoed",))]
    async with running(settings, consumers=consumers) as platform:
        await publish(platform, 3)
        await platform.bus.drain()
        assert len(echoes.ids) == 3
        assert await count_rows(platform, OutboxRow) == 6


async def test_delivers_more_events_than_a_consumer_queue_holds(settings: Settings) -> None:
    recorder = Recorder()
    async with running(settings, consumers=[consumer("t.record", recorder)]) as platform:
        ids = await publish(platform, 1200)
        await platform.bus.drain(timeout_s=60)
        assert recorder.ids == ids


async def test_delivers_after_a_restart_what_a_stopped_process_had_taken(settings: Settings) -> None:
    entered = asyncio.Event()

    async def stuck(uow: UnitOfWork, event: Event) -> None:
        entered.set()
        await asyncio.Event().wait()  # the process dies here, mid-event

    async with running(settings, consumers=[consumer("t.record", stuck)]) as platform:
        ids = await publish(platform, 5)
        await asyncio.wait_for(entered.wait(), timeout=10)
    recorder = Recorder()
    async with running(settings, consumers=[consumer("t.record", recorder)]) as platform:
        await platform.bus.drain()
        assert recorder.ids == ids


async def test_two_workers_share_a_consumer_and_handle_each_event_once(settings: Settings) -> None:
    handled: list[int] = []

    async def record(uow: UnitOfWork, event: Event) -> None:
        handled.append(event.id)

    async with (
        running(settings, consumers=[consumer("t.shared", record)]) as first,
        running(settings, consumers=[consumer("t.shared", record)]) as second,
    ):
        ids = [event_id for _ in range(20) for event_id in await publish(first, 10)]
        await asyncio.gather(first.bus.drain(timeout_s=60), second.bus.drain(timeout_s=60))
        assert collections.Counter(handled) == collections.Counter(ids)
        assert len(ids) == 200
        assert await count_rows(first, ProcessedRow, ProcessedRow.consumer == "t.shared") == 200
