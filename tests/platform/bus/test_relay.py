"""The relay keeps the outbox small: published rows go after an hour, de-duplication records after a week."""

from __future__ import annotations

from casebook.platform.bus import Event
from casebook.platform.bus import relay as outbox_relay
from casebook.platform.bus.models import OutboxRow, ProcessedRow
from casebook.platform.clock import FrozenClock
from casebook.platform.settings import Settings
from casebook.platform.uow import UnitOfWork
from tests.platform.bus.harness import count_rows, running
from tests.platform.bus.test_contract import consumer, publish


async def ignore(uow: UnitOfWork, event: Event) -> None:
    return None


async def test_prunes_published_rows_past_retention_and_keeps_the_rest(settings: Settings) -> None:
    clock = FrozenClock()
    async with running(settings, consumers=[consumer("t.ignore", ignore)], clock=clock) as platform:
        await publish(platform, 2)
        await platform.bus.drain()
        clock.advance(seconds=outbox_relay.OUTBOX_RETENTION_S - 1)
        (recent_id,) = await publish(platform)
        await platform.bus.drain()
        await outbox_relay.prune(platform)
        assert await count_rows(platform, OutboxRow) == 3

        clock.advance(seconds=2)
        await outbox_relay.prune(platform)
        async with platform.db.read() as session:
            assert await session.get(OutboxRow, recent_id) is not None
        assert await count_rows(platform, OutboxRow) == 1
        assert await count_rows(platform, ProcessedRow) == 3

        clock.advance(seconds=outbox_relay.PROCESSED_RETENTION_S)
        await outbox_relay.prune(platform)
        assert await count_rows(platform, ProcessedRow) == 0
        assert await count_rows(platform, OutboxRow) == 0
