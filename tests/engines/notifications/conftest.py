"""Notifications fixtures: a migrated platform on a frozen clock, with the engine's purge job registered."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from casebook.engines import notifications
from casebook.migrations import upgrade
from casebook.platform.appmodule import AppModule
from casebook.platform.bootstrap import Platform, running_platform
from casebook.platform.clock import FrozenClock
from casebook.platform.settings import Settings


def engine_jobs_app() -> AppModule:
    return AppModule(slug="notifications-under-test", title="Notifications under test",
                     description="engine jobs only", jobs=[*notifications.jobs])


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))


@pytest.fixture
async def platform(settings: Settings, clock: FrozenClock) -> AsyncIterator[Platform]:
    """No background work: time moves and jobs run only when a test says so. No app is mounted: the
    engine knows no product, and its tests do not wait on any app's."""
    async with running_platform(settings, (engine_jobs_app(),), role="cli", clock=clock) as platform:
        await upgrade(platform.db)
        yield platform
