"""The notifications engine's scheduler job, for apps to add to their AppModule.jobs: the retention purge."""

from __future__ import annotations

from typing import Any

from casebook.engines.notifications import inbox, limits
from casebook.platform.scheduler import Job
from casebook.platform.uow import UnitOfWork


async def purge_notifications(uow: UnitOfWork, _payload: dict[str, Any]) -> None:
    await inbox.purge_notifications(uow, now=uow.now(), limit=limits.PURGE_BATCH_MAX)


PURGE_NOTIFICATIONS = Job(name="notifications.purge", handler=purge_notifications,
                          every_s=limits.PURGE_EVERY_S)
jobs = [PURGE_NOTIFICATIONS]
