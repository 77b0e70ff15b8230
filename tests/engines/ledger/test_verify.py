"""verify() finds what is broken: a balance row that drifted, a pending left open past its expiry."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from casebook.engines import ledger
from casebook.engines.ledger.models import AccountRow
from casebook.migrations import upgrade
from casebook.platform.bootstrap import running_platform
from tests.apps_under_test import TEST_APPS
from tests.engines.ledger.factories import fund, open_wallet, open_world


async def test_verify_counts_a_clean_ledger(verified_platform) -> None:
    platform = verified_platform
    world = await open_world(platform)
    await fund(platform, world, await open_wallet(platform, "alice"), 100)

    report = await ledger.verify(platform)

    assert (report.accounts, report.transactions, report.entries, report.pendings_open) == (2, 1, 2, 0)
    assert report.is_clean


async def test_verify_reports_a_drifted_balance_and_a_broken_limit(settings) -> None:
    async with running_platform(settings, TEST_APPS) as platform:
        await upgrade(platform.db)
        world = await open_world(platform)
        alice = await open_wallet(platform, "alice")
        await fund(platform, world, alice, 100)
        async with platform.uow() as uow:  # corrupt it behind the engine's back
            await uow.session.execute(update(AccountRow).where(AccountRow.id == alice.id)
                                      .values(debits_posted_minor=500))

        report = await ledger.verify(platform)
        await ledger.stop_writers(platform)

    assert report.violations == [
        "account wallet:alice:USD: debits_posted_minor is 500, its postings sum to 0",
        "account wallet:alice:USD breaks its limit: account wallet:alice:USD has insufficient funds",
    ]


async def test_verify_reports_a_pending_left_open_past_its_expiry(frozen_platform, frozen_clock) -> None:
    platform = frozen_platform
    world = await open_world(platform)
    alice = await open_wallet(platform, "alice")
    await fund(platform, world, alice, 100)
    hold = await ledger.transfer(platform, key="hold", debit_account_id=alice.id, credit_account_id=world.id,
                                 amount_minor=10, currency="USD", pending=True, timeout_s=10)

    late = await ledger.verify(platform, now=frozen_clock.now() + timedelta(minutes=5))

    assert late.violations == [f"pending {hold.id} is open past its expiry {hold.expires_at}"]
    assert late.pendings_open == 1
    await ledger.void_pending(platform, key="void", pending_id=hold.id)
