"""One event through one consumer: de-duplication by event id, also between racing workers."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from casebook.platform.bus import Consumer, Event, consuming
from casebook.platform.bus.models import DeadLetterRow, ProcessedRow
from casebook.platform.settings import Settings
from casebook.platform.uow import UnitOfWork
from tests.platform.bus.harness import count_rows, running

EVENT = Event(
    id=42, subject="casebook.t.happened", payload={"n": 1}, occurred_at=datetime(2026, 1, 1, tzinfo=UTC)
)


async def test_process_once_runs_the_handler_for_the_first_delivery_only(settings: Settings) -> None:
    calls: list[int] = []

    async def record(uow: UnitOfWork, event: Event) -> None:
        calls.append(event.id)

    consumer = Consumer(name="t.record", subjects=(EVENT.subject,), handler=record)
    async with running(settings) as platform:
        assert await consuming.process_once(platform, consumer, EVENT) is True
        assert await consuming.process_once(platform, consumer, EVENT) is False
        assert calls == [EVENT.id]
        assert await count_rows(platform, ProcessedRow) == 1


async def test_racing_workers_run_the_handler_once(settings: Settings) -> None:
    calls: list[str] = []
    entered, release = asyncio.Event(), asyncio.Event()

    def handler_for(worker: str):
        async def handle(uow: UnitOfWork, event: Event) -> None:
            calls.append(worker)
            entered.set()
            await release.wait()

        return handle

    async with running(settings) as first, running(settings) as second:
        one = asyncio.create_task(
            consuming.process_once(
                first,
                Consumer(name="t.shared", subjects=(EVENT.subject,), handler=handler_for("first")),
                EVENT,
            )
        )
        await entered.wait()  # the first holds its uncommitted marker
        two = asyncio.create_task(
            consuming.process_once(
                second,
                Consumer(name="t.shared", subjects=(EVENT.subject,), handler=handler_for("second")),
                EVENT,
            )
        )
        # Let the second reach its marker insert, which waits on the first's; had it not got there
        # yet, it takes the already-processed path instead, and the outcome is the same.
        await asyncio.sleep(0.1)
        release.set()
        assert await asyncio.gather(one, two) == [True, False]
        assert calls == ["first"]
        assert await count_rows(first, ProcessedRow) == 1


async def test_a_handler_error_rolls_back_its_writes_and_its_marker(settings: Settings) -> None:
    async def half_done(uow: UnitOfWork, event: Event) -> None:
        uow.publish("casebook.t.side_effect", {})
        raise RuntimeError("halfway")

    consumer = Consumer(name="t.half", subjects=(EVENT.subject,), handler=half_done)
    async with running(settings) as platform:
        try:
            await consuming.process_once(platform, consumer, EVENT)
        except RuntimeError as error:
            assert str(error) == "halfway"
        else:
            raise AssertionError("the handler error must propagate")
        assert await count_rows(platform, ProcessedRow) == 0
        assert await consuming.is_processed(platform, "t.half", EVENT.id) is False


async def test_dead_letter_is_written_once_per_consumer_and_event(settings: Settings) -> None:
    consumer = Consumer(name="t.broken", subjects=(EVENT.subject,), handler=None)  # type: ignore[arg-type]
    async with running(settings) as platform:
        await consuming.dead_letter(platform, consumer, EVENT, attempts=3, error="ValueError: no")
        await consuming.dead_letter(platform, consumer, EVENT, attempts=3, error="ValueError: no")
        assert await count_rows(platform, DeadLetterRow) == 1


def numbered(count: int) -> list[Event]:
    return [Event(id=1000 + n, subject="casebook.t.happened", payload={"n": n},
                  occurred_at=datetime(2026, 1, 1, tzinfo=UTC)) for n in range(count)]


async def test_a_batch_runs_each_handler_once_in_order_including_duplicates(settings: Settings) -> None:
    calls: list[int] = []

    async def record(uow: UnitOfWork, event: Event) -> None:
        calls.append(event.payload["n"])

    consumer = Consumer(name="t.batch", subjects=("casebook.t.happened",), handler=record)
    events = numbered(5)
    async with running(settings) as platform:
        await consuming.process_once(platform, consumer, events[1])  # already handled before the batch

        await consuming.deliver_many(platform, consumer, [*events, events[3]])

        assert calls == [1, 0, 2, 3, 4]
        assert await count_rows(platform, ProcessedRow) == 5


async def test_one_failing_event_does_not_hold_up_or_duplicate_the_rest_of_its_batch(settings: Settings) -> None:
    calls: list[int] = []

    async def fragile(uow: UnitOfWork, event: Event) -> None:
        calls.append(event.payload["n"])
        if event.payload["n"] == 2:
            raise RuntimeError("poison")

    consumer = Consumer(name="t.fragile", subjects=("casebook.t.happened",), handler=fragile,
                        attempts_max=2, backoff_base_s=0.01)
    async with running(settings) as platform:
        await consuming.deliver_many(platform, consumer, numbered(4))

        assert await count_rows(platform, ProcessedRow) == 3  # 0, 1 and 3, once each
        assert await count_rows(platform, DeadLetterRow) == 1  # 2, after its attempts
    # the batch ran 0, 1, 2 and rolled back; then one by one: 0, 1, 3 once, and 2 twice (attempts_max)
    assert calls == [0, 1, 2, 0, 1, 2, 2, 3]
