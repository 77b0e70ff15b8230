"""Platforms for the bus and scheduler tests: a real Platform of one test app over a migrated database."""

from __future__ import annotations

import contextlib
from typing import Any, AsyncIterator, Sequence

from sqlalchemy import func, select

from casebook.migrations import upgrade
from casebook.platform.appmodule import AppModule
from casebook.platform.bootstrap import Platform, build_platform
from casebook.platform.bus import Consumer
from casebook.platform.clock import Clock
from casebook.platform.scheduler import Job
from casebook.platform.settings import Settings


@contextlib.asynccontextmanager
async def running(
    settings: Settings,
    *,
    consumers: Sequence[Consumer] = (),
    jobs: Sequence[Job] = (),
    clock: Clock | None = None,
    is_started: bool = True,
) -> AsyncIterator[Platform]:
    """A migrated platform of one app, started as a worker (relay, consumers, scheduler) unless not."""
    app = AppModule(slug="t", title="t", description="t", consumers=tuple(consumers), jobs=tuple(jobs))
    platform = build_platform(settings, [app], clock=clock)
    try:
        await upgrade(platform.db)
        if is_started:
            await platform.start("worker")
        yield platform
    finally:
        await platform.close()


async def count_rows(platform: Platform, model: type, *conditions: Any) -> int:
    async with platform.db.read() as session:
        return await session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0
