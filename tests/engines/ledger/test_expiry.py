"""Pendings lapse: refused once past their expiry, voided by expire_pending (the scheduler job)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from casebook.engines import ledger
from casebook.platform.bus.models import OutboxRow
from tests.engines.ledger.factories import available, fund, open_wallet, open_world


async def _hold(platform, *, timeout_s: int = 60):
    world = await open_world(platform)
    alice, shop = await open_wallet(platform, "alice"), await open_wallet(platform, "shop")
    await fund(platform, world, alice, 1_000)
    hold = await ledger.transfer(platform, key="hold", debit_account_id=alice.id, credit_account_id=shop.id,
                                 amount_minor=400, currency="USD", pending=True, timeout_s=timeout_s)
    return alice, hold


async def test_an_expired_pending_is_refused_then_voided_by_the_sweep(frozen_platform, frozen_clock) -> None:
    platform = frozen_platform
    alice, hold = await _hold(platform)
    frozen_clock.advance(seconds=59)
    assert await ledger.expire_pending(platform) == 0
    frozen_clock.advance(seconds=1)

    with pytest.raises(ledger.PendingExpired):
        await ledger.post_pending(platform, key="capture", pending_id=hold.id)
    assert await available(platform, alice) == 600  # still reserved until the sweep runs
    assert await ledger.expire_pending(platform) == 1
    assert await ledger.expire_pending(platform) == 0

    async with platform.reader() as uow:
        stored = await ledger.get_transaction(uow, hold.id)
        subjects = (await uow.session.scalars(select(OutboxRow.subject).order_by(OutboxRow.id))).all()
    assert stored.status == "expired"
    assert await available(platform, alice) == 1_000
    assert subjects[-2:] == [ledger.PENDING_CREATED, ledger.PENDING_EXPIRED]
    with pytest.raises(ledger.PendingExpired):
        await ledger.void_pending(platform, key="void", pending_id=hold.id)


async def test_the_scheduler_job_expires_inside_its_unit_of_work(frozen_platform, frozen_clock) -> None:
    platform = frozen_platform
    alice, _hold_transaction = await _hold(platform, timeout_s=5)
    [job] = ledger.jobs
    frozen_clock.advance(seconds=5)

    async with platform.uow() as uow:
        await job.handler(uow, {"slot": 1})

    assert (job.name, job.every_s) == ("ledger.expire_pending", 5)
    assert await available(platform, alice) == 1_000


async def test_a_post_before_expiry_wins_and_the_sweep_leaves_it(frozen_platform, frozen_clock) -> None:
    platform = frozen_platform
    alice, hold = await _hold(platform)
    await ledger.post_pending(platform, key="capture", pending_id=hold.id)
    frozen_clock.advance(hours=1)

    assert await ledger.expire_pending(platform) == 0
    assert await available(platform, alice) == 600
