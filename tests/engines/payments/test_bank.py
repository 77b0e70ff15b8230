"""The simulated bank: deposits held then settled or returned, withdrawals standard and instant."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select

from casebook.engines import ledger, payments
from casebook.platform.bus.models import OutboxRow
from casebook.platform.scheduler.models import DelayedJobRow
from tests.engines.payments.factories import (
    account_by_code,
    balances,
    counts,
    fund,
    link_bank,
    new_key,
    open_wallet,
    payments_subjects,
)


async def _deposit(platform, wallet, link, amount_minor: int, *, key: str | None = None) -> payments.Deposit:
    return await payments.start_deposit(platform, key=key or new_key(), link_id=link.id, wallet_account_id=wallet.id,
                                        amount_minor=amount_minor, currency="USD")


async def _settle(platform, transfer) -> payments.Deposit | payments.Withdrawal:
    async with platform.uow() as uow:
        return await payments.settle_bank_transfer(uow, transfer_id=transfer.id)


async def test_a_deposit_is_pending_then_settled_by_the_scheduled_job(platform, clock) -> None:
    wallet, link = await open_wallet(platform, "alice"), await link_bank(platform)

    deposit = await _deposit(platform, wallet, link, 2_500)
    held = await balances(platform, wallet.id)
    async with platform.reader() as uow:
        [job] = (await uow.session.scalars(select(DelayedJobRow))).all()
    clock.advance(seconds=3)
    await platform.scheduler.tick()  # takes the lease and runs what is due
    settled = await balances(platform, wallet.id)

    assert (deposit.status, deposit.settles_at - deposit.created_at) == ("pending", timedelta(seconds=3))
    assert (held.posted_minor, held.available_minor, held.credits_pending_minor) == (0, 0, 2_500)
    assert (job.name, job.run_at, job.payload) == ("payments.settle_bank_transfer", deposit.settles_at,
                                                   {"transfer_id": str(deposit.id)})
    assert (settled.posted_minor, settled.available_minor, settled.credits_pending_minor) == (2_500, 2_500, 0)
    async with platform.reader() as uow:
        stored = await payments.get_deposit(uow, deposit.id)
    assert (stored.status, stored.settled_at, stored.failure_reason) == ("settled", clock.now(), None)
    bank = await balances(platform, (await account_by_code(platform, payments.bank_settlement_code("USD"))).id)
    assert bank.posted_minor == 2_500
    assert await payments_subjects(platform) == [payments.DEPOSIT_STARTED, payments.DEPOSIT_SETTLED]


async def test_a_deposit_ending_in_13_cents_is_returned_by_the_bank(platform) -> None:
    wallet, link = await open_wallet(platform, "alice"), await link_bank(platform)

    deposit = await _deposit(platform, wallet, link, 1_013)
    failed = await _settle(platform, deposit)
    after = await balances(platform, wallet.id)

    assert (failed.status, failed.failure_reason, failed.ledger_posted_id) == ("failed", "bank_returned", None)
    assert (after.posted_minor, after.available_minor, after.credits_pending_minor) == (0, 0, 0)
    assert await payments_subjects(platform) == [payments.DEPOSIT_STARTED, payments.DEPOSIT_FAILED]


async def test_a_link_told_to_fail_fails_its_next_settlement_only(platform) -> None:
    wallet, link = await open_wallet(platform, "alice"), await link_bank(platform)
    async with platform.uow() as uow:
        flagged = await payments.set_failing_next(uow, link_id=link.id)

    first = await _settle(platform, await _deposit(platform, wallet, link, 1_000))
    second = await _settle(platform, await _deposit(platform, wallet, link, 1_000))

    assert flagged.is_failing_next
    assert (first.status, second.status) == ("failed", "settled")
    assert (await balances(platform, wallet.id)).posted_minor == 1_000
    async with platform.reader() as uow:
        assert not (await payments.get_bank_link(uow, link.id)).is_failing_next


async def test_settling_again_changes_nothing(platform) -> None:
    wallet, link = await open_wallet(platform, "alice"), await link_bank(platform)
    settled = await _settle(platform, await _deposit(platform, wallet, link, 700))
    before = await counts(platform)

    again = await _settle(platform, settled)

    assert again == settled
    assert await counts(platform) == before


async def test_a_deposit_retried_with_its_key_is_the_same_deposit(platform) -> None:
    wallet, link = await open_wallet(platform, "alice"), await link_bank(platform)

    results = await asyncio.gather(*(_deposit(platform, wallet, link, 900, key="add-cash-1") for _ in range(4)))
    before = await counts(platform)
    retried = await _deposit(platform, wallet, link, 900, key="add-cash-1")

    assert {deposit.id for deposit in results} == {retried.id}
    assert (before["bank_transfers"], before["scheduled_jobs"]) == (1, 1)
    assert await counts(platform) == before
    assert (await balances(platform, wallet.id)).credits_pending_minor == 900
    with pytest.raises(payments.IdempotencyMismatch):
        await _deposit(platform, wallet, link, 901, key="add-cash-1")


async def test_a_standard_withdrawal_is_held_then_settled(platform) -> None:
    wallet, link = await open_wallet(platform, "alice"), await link_bank(platform)
    await fund(platform, wallet, 10_000)

    withdrawal = await payments.start_withdrawal(platform, key="cash-out-1", link_id=link.id,
                                                 wallet_account_id=wallet.id, amount_minor=4_000, currency="USD")
    held = await balances(platform, wallet.id)
    settled = await _settle(platform, withdrawal)
    after = await balances(platform, wallet.id)

    assert (withdrawal.status, withdrawal.speed, withdrawal.fee_minor) == ("pending", "standard", 0)
    assert (held.posted_minor, held.available_minor) == (10_000, 6_000)
    assert (settled.status, after.posted_minor, after.available_minor) == ("settled", 6_000, 6_000)
    bank = await balances(platform, (await account_by_code(platform, payments.bank_settlement_code("USD"))).id)
    assert bank.posted_minor == -4_000  # the bank paid out money it holds for the platform
    assert await payments_subjects(platform) == [payments.WITHDRAWAL_STARTED, payments.WITHDRAWAL_SETTLED]


async def test_a_returned_standard_withdrawal_gives_the_money_back(platform) -> None:
    wallet, link = await open_wallet(platform, "alice"), await link_bank(platform)
    await fund(platform, wallet, 10_000)

    withdrawal = await payments.start_withdrawal(platform, key=new_key(), link_id=link.id,
                                                 wallet_account_id=wallet.id, amount_minor=4_013, currency="USD")
    failed = await _settle(platform, withdrawal)
    after = await balances(platform, wallet.id)

    assert (failed.status, after.posted_minor, after.available_minor) == ("failed", 10_000, 10_000)
    assert await payments_subjects(platform) == [payments.WITHDRAWAL_STARTED, payments.WITHDRAWAL_FAILED]


async def test_an_instant_withdrawal_settles_now_and_pays_the_fee(platform) -> None:
    wallet, link = await open_wallet(platform, "alice"), await link_bank(platform)
    await fund(platform, wallet, 10_000)

    withdrawal = await payments.start_withdrawal(platform, key="instant-1", link_id=link.id,
                                                 wallet_account_id=wallet.id, amount_minor=4_000, currency="USD",
                                                 speed="instant")
    retried = await payments.start_withdrawal(platform, key="instant-1", link_id=link.id,
                                              wallet_account_id=wallet.id, amount_minor=4_000, currency="USD",
                                              speed="instant")
    async with platform.reader() as uow:
        transaction = await ledger.get_transaction(uow, withdrawal.ledger_posted_id)
    fees = await account_by_code(platform, payments.fee_revenue_code("USD"))
    bank = await account_by_code(platform, payments.bank_settlement_code("USD"))

    assert retried == withdrawal
    assert (withdrawal.status, withdrawal.fee_minor, withdrawal.settled_at) == ("settled", 60, withdrawal.created_at)
    assert (await balances(platform, wallet.id)).available_minor == 10_000 - 4_000 - 60
    assert (await balances(platform, fees.id)).posted_minor == 60
    assert sorted((entry.account_id, entry.side, entry.amount_minor) for entry in transaction.entries) == sorted([
        (wallet.id, "debit", 4_060), (bank.id, "credit", 4_000), (fees.id, "credit", 60)])
    assert await payments_subjects(platform) == [payments.WITHDRAWAL_SETTLED]


@pytest.mark.parametrize(("speed", "amount_minor"), [("standard", 1_001), ("instant", 990)])
async def test_a_withdrawal_beyond_the_balance_is_refused_and_changes_nothing(platform, speed, amount_minor) -> None:
    wallet, link = await open_wallet(platform, "alice"), await link_bank(platform)
    await fund(platform, wallet, 1_000)  # instant: 990 + the 25 minimum fee is over 1,000
    before = await counts(platform)

    with pytest.raises(payments.InsufficientFunds):
        await payments.start_withdrawal(platform, key="too-much", link_id=link.id, wallet_account_id=wallet.id,
                                        amount_minor=amount_minor, currency="USD", speed=speed)

    assert await counts(platform) == before
    assert (await balances(platform, wallet.id)).available_minor == 1_000


async def test_unknown_links_and_bad_requests_are_refused(platform) -> None:
    wallet, link = await open_wallet(platform, "alice"), await link_bank(platform)

    with pytest.raises(payments.BankLinkNotFound):
        await payments.start_deposit(platform, key=new_key(), link_id=link.id + 1, wallet_account_id=wallet.id,
                                     amount_minor=100, currency="USD")
    with pytest.raises(payments.InvalidAmount):
        await _deposit(platform, wallet, link, 0)
    with pytest.raises(payments.InvalidPaymentRequest):
        await payments.start_withdrawal(platform, key=new_key(), link_id=link.id, wallet_account_id=wallet.id,
                                        amount_minor=100, currency="USD", speed="overnight")  # type: ignore[arg-type]
    with pytest.raises(ledger.CurrencyMismatch):
        await payments.start_deposit(platform, key=new_key(), link_id=link.id, wallet_account_id=wallet.id,
                                     amount_minor=100, currency="EUR")
    async with platform.reader() as uow:
        with pytest.raises(payments.BankLinkNotFound):
            await payments.get_bank_link(uow, link.id, owner_ref="mallory")


async def test_an_owner_may_link_a_bounded_number_of_banks(platform) -> None:
    links = [await link_bank(platform, "bob") for _ in range(5)]

    with pytest.raises(payments.BankLinksExceeded):
        await link_bank(platform, "bob")
    async with platform.reader() as uow:
        assert await payments.list_bank_links(uow, "bob") == links


async def test_a_deposit_whose_hold_lapsed_before_the_bank_answered_fails(platform, clock) -> None:
    wallet, link = await open_wallet(platform, "alice"), await link_bank(platform)
    deposit = await _deposit(platform, wallet, link, 800)
    clock.advance(days=14)  # the scheduler was down past BANK_HOLD_TIMEOUT_S
    assert await ledger.expire_pending(platform) == 1

    failed = await _settle(platform, deposit)

    assert (failed.status, failed.failure_reason) == ("failed", "hold_expired")
    assert (await balances(platform, wallet.id)).credits_pending_minor == 0
    assert await payments_subjects(platform) == [payments.DEPOSIT_STARTED, payments.DEPOSIT_FAILED]


async def test_the_settled_event_carries_the_deposit(platform) -> None:
    wallet, link = await open_wallet(platform, "alice"), await link_bank(platform)
    deposit = await _settle(platform, await _deposit(platform, wallet, link, 1_234, key="add-cash-2"))

    async with platform.reader() as uow:
        payload = await uow.session.scalar(select(OutboxRow.payload)
                                           .where(OutboxRow.subject == payments.DEPOSIT_SETTLED))

    assert payload == {"transfer_id": str(deposit.id), "key": "add-cash-2", "direction": "deposit",
                       "speed": "standard", "link_id": str(link.id), "wallet_account_id": str(wallet.id),
                       "amount_minor": 1_234, "fee_minor": 0, "currency": "USD", "status": "settled"}
