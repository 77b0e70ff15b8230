"""Social fixtures: a migrated platform on a frozen clock, with no background work (the outbox stays put)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from casebook.migrations import upgrade
from casebook.platform.bootstrap import Platform, running_platform
from casebook.platform.clock import FrozenClock
from casebook.platform.settings import Settings
from tests.apps_under_test import TEST_APPS


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))


@pytest.fixture
async def platform(settings: Settings, clock: FrozenClock) -> AsyncIterator[Platform]:
    async with running_platform(settings, TEST_APPS, role="cli", clock=clock) as platform:
        await upgrade(platform.db)
        yield platform
