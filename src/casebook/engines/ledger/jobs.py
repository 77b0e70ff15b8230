"""The ledger's periodic work, for apps to add to their AppModule.jobs."""

from __future__ import annotations

from typing import Any

from casebook.engines.ledger import limits, service
from casebook.platform.scheduler import Job
from casebook.platform.uow import UnitOfWork


async def expire_overdue_pendings(uow: UnitOfWork, _payload: dict[str, Any]) -> None:
    await service.expire_pending(uow, now=uow.now(), limit=limits.EXPIRE_BATCH_MAX)


EXPIRE_PENDING = Job(name="ledger.expire_pending", handler=expire_overdue_pendings, every_s=limits.EXPIRE_EVERY_S)
jobs = [EXPIRE_PENDING]
