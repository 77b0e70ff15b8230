"""Discover fixtures: the whole app on a frozen clock (trend buckets are hours), consumers running; tokens live
a week so a test can move the clock a day."""

from __future__ import annotations

import dataclasses
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
    # Half past an hour: moving by whole hours lands in a known bucket.
    return FrozenClock(datetime.now(UTC).replace(minute=30, second=0, microsecond=0))


@pytest.fixture
async def platform(settings: Settings, clock: FrozenClock) -> AsyncIterator[Platform]:
    settings = dataclasses.replace(settings, access_token_ttl_s=7 * 24 * 3600)
    async with running_platform(settings, TEST_APPS, role="cli", clock=clock) as platform:
        await upgrade(platform.db)
        await platform.start("worker")
        yield platform
