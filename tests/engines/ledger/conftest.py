"""Ledger fixtures: every test that moves money ends with verify() finding zero violations."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from casebook.engines import ledger
from casebook.migrations import upgrade
from casebook.platform.bootstrap import Platform, running_platform
from casebook.platform.clock import FrozenClock
from casebook.platform.settings import Settings
from tests.apps_under_test import TEST_APPS


async def assert_verified(platform: Platform) -> None:
    await ledger.stop_writers(platform)
    report = await ledger.verify(platform)
    assert report.violations == []


@pytest.fixture
async def verified_platform(platform: Platform) -> AsyncIterator[Platform]:
    """The running platform; at teardown the ledger's invariants must all hold."""
    yield platform
    await assert_verified(platform)


@contextlib.asynccontextmanager
async def quiet_platform(settings: Settings, *, clock: FrozenClock | None = None) -> AsyncIterator[Platform]:
    """A migrated platform without background work (no relay, no scheduler): time moves only when told."""
    async with running_platform(settings, TEST_APPS, role="cli", clock=clock) as platform:
        await upgrade(platform.db)
        yield platform
        report = await ledger.verify(platform)
        await ledger.stop_writers(platform)
        assert report.violations == []


@pytest.fixture
def frozen_clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))


@pytest.fixture
async def frozen_platform(settings: Settings, frozen_clock: FrozenClock) -> AsyncIterator[Platform]:
    async with quiet_platform(settings, clock=frozen_clock) as platform:
        yield platform
