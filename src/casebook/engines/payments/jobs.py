"""The payments engine's scheduler jobs, for apps to add to their AppModule.jobs (with the ledger's jobs)."""

from __future__ import annotations

from typing import Any

from casebook.engines.payments import bank, limits, network
from casebook.platform.scheduler import Job
from casebook.platform.uow import UnitOfWork


async def settle_bank_transfer(uow: UnitOfWork, payload: dict[str, Any]) -> None:
    await bank.settle_bank_transfer(uow, transfer_id=int(payload["transfer_id"]))


async def expire_authorizations(uow: UnitOfWork, _payload: dict[str, Any]) -> None:
    await network.expire_authorizations(uow, now=uow.now(), limit=limits.EXPIRE_BATCH_MAX)


SETTLE_BANK_TRANSFER = Job(name=bank.SETTLE_JOB_NAME, handler=settle_bank_transfer)
EXPIRE_AUTHORIZATIONS = Job(name="payments.expire_authorizations", handler=expire_authorizations,
                            every_s=limits.EXPIRE_EVERY_S)
jobs = [SETTLE_BANK_TRANSFER, EXPIRE_AUTHORIZATIONS]
