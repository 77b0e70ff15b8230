"""Ledger use cases over the real database: transfers, multi-leg, pendings, reversals, reads, events."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from casebook.engines import ledger
from casebook.platform.bus.models import OutboxRow
from tests.engines.ledger.factories import available, counts, fund, new_key, open_wallet, open_world, posted


async def test_transfer_moves_money_and_emits_one_event(verified_platform) -> None:
    platform = verified_platform
    world = await open_world(platform)
    alice, bob = await open_wallet(platform, "alice"), await open_wallet(platform, "bob")
    await fund(platform, world, alice, 50_025)

    transaction = await ledger.transfer(platform, key="pay-1", debit_account_id=alice.id, credit_account_id=bob.id,
                                        amount_minor=10_050, currency="USD", metadata={"note": "rent"},
                                        events=[("casebook.cashapp.payment_sent", {"note": "rent"})])

    assert (await posted(platform, alice), await posted(platform, bob)) == (39_975, 10_050)
    assert (await posted(platform, world)) == 50_025  # debit-normal: the settlement asset that backs wallets
    assert [(e.side, e.amount_minor, e.phase) for e in transaction.entries] == [
        ("debit", 10_050, "posted"), ("credit", 10_050, "posted")]
    async with platform.reader() as uow:
        rows = (await uow.session.scalars(select(OutboxRow).order_by(OutboxRow.id))).all()
        stored = await ledger.get_transaction(uow, transaction.id)
    subjects = [row.subject for row in rows]
    assert subjects == [ledger.TRANSACTION_POSTED, ledger.TRANSACTION_POSTED, "casebook.cashapp.payment_sent"]
    assert rows[1].payload["transaction_id"] == str(transaction.id)
    assert rows[1].payload["metadata"] == {"note": "rent"}
    assert stored == transaction


async def test_refusals_change_nothing(verified_platform) -> None:
    platform = verified_platform
    world = await open_world(platform)
    alice, bob = await open_wallet(platform, "alice"), await open_wallet(platform, "bob")
    btc = await open_wallet(platform, "alice", "BTC")
    await fund(platform, world, alice, 1_000)
    closed = await open_wallet(platform, "carol")
    async with platform.uow() as uow:
        await ledger.close_account(uow, closed.id)
    before = (await counts(platform), await available(platform, alice), await available(platform, bob))

    async def attempt(**changes):
        arguments = {"key": new_key(), "debit_account_id": alice.id, "credit_account_id": bob.id,
                     "amount_minor": 500, "currency": "USD"} | changes
        return await ledger.transfer(platform, **arguments)

    with pytest.raises(ledger.InsufficientFunds):
        await attempt(amount_minor=1_001)
    with pytest.raises(ledger.AccountNotFound):
        await attempt(credit_account_id=424242)
    with pytest.raises(ledger.CurrencyMismatch):
        await attempt(credit_account_id=btc.id)
    with pytest.raises(ledger.AccountClosed):
        await attempt(credit_account_id=closed.id)
    for bad_amount in (0, -5, 2**62 + 1, 12.5, True):
        with pytest.raises(ledger.InvalidAmount):
            await attempt(amount_minor=bad_amount)
    with pytest.raises(ledger.UnknownCurrency):
        await attempt(currency="XYZ")
    with pytest.raises(ledger.UnbalancedTransaction):
        await ledger.transact(platform, key=new_key(), legs=[
            ledger.Leg(account_id=alice.id, side="debit", amount_minor=5, currency="USD"),
            ledger.Leg(account_id=bob.id, side="credit", amount_minor=4, currency="USD")])

    after = (await counts(platform), await available(platform, alice), await available(platform, bob))
    assert after == before


async def test_refused_request_does_not_affect_others_in_its_batch(verified_platform) -> None:
    platform = verified_platform
    world = await open_world(platform)
    alice, bob = await open_wallet(platform, "alice"), await open_wallet(platform, "bob")
    await fund(platform, world, alice, 100)

    def pay(amount_minor: int, key: str) -> ledger.Transfer:
        return ledger.Transfer(key=key, legs=(
            ledger.Leg(account_id=alice.id, side="debit", amount_minor=amount_minor, currency="USD"),
            ledger.Leg(account_id=bob.id, side="credit", amount_minor=amount_minor, currency="USD")))

    results = await ledger.submit(platform, [pay(60, "a"), pay(60, "b"), pay(40, "c"), pay(0, "d")])

    assert [(r.is_ok, r.error_code) for r in results] == [
        (True, None), (False, "insufficient_funds"), (True, None), (False, "invalid_amount")]
    assert (await available(platform, alice), await available(platform, bob)) == (0, 100)


async def test_multi_leg_purchase_split_is_atomic(verified_platform) -> None:
    platform = verified_platform
    world = await open_world(platform)
    card = await open_wallet(platform, "alice")
    merchant, fees = await open_wallet(platform, "merchant"), await open_wallet(platform, "fees")
    async with platform.uow() as uow:
        boost = await ledger.open_account(uow, code="boost:USD", currency="USD", normal_side="debit")
    await fund(platform, world, card, 10_000)
    legs = [  # a 20.00 purchase with a 2.00 boost: the card pays 18.00, the merchant nets 19.40
        ledger.Leg(account_id=card.id, side="debit", amount_minor=1_800, currency="USD"),
        ledger.Leg(account_id=boost.id, side="debit", amount_minor=200, currency="USD"),
        ledger.Leg(account_id=merchant.id, side="credit", amount_minor=1_940, currency="USD"),
        ledger.Leg(account_id=fees.id, side="credit", amount_minor=60, currency="USD"),
    ]

    hold = await ledger.transact(platform, key="hold", legs=legs, pending=True, timeout_s=600)
    assert (await available(platform, card), await posted(platform, card)) == (8_200, 10_000)
    assert await available(platform, merchant) == 0  # pending inflows are not available
    await ledger.post_pending(platform, key="capture", pending_id=hold.id)

    assert [await posted(platform, a) for a in (card, merchant, fees)] == [8_200, 1_940, 60]
    with pytest.raises(ledger.InvalidRequest):  # a multi-leg hold cannot be partly captured
        hold2 = await ledger.transact(platform, key="hold2", legs=legs, pending=True)
        await ledger.post_pending(platform, key="capture2", pending_id=hold2.id, amount_minor=100)
    await ledger.void_pending(platform, key="void2", pending_id=hold2.id)
    assert await available(platform, card) == 8_200


async def test_pending_reserves_then_posts_less_and_releases_the_rest(verified_platform) -> None:
    platform = verified_platform
    world = await open_world(platform)
    alice, shop = await open_wallet(platform, "alice"), await open_wallet(platform, "shop")
    await fund(platform, world, alice, 5_000)

    hold = await ledger.transfer(platform, key="hold", debit_account_id=alice.id, credit_account_id=shop.id,
                                 amount_minor=3_000, currency="USD", pending=True, timeout_s=60)
    with pytest.raises(ledger.InsufficientFunds):  # the hold already reserves 3,000 of 5,000
        await ledger.transfer(platform, key="too-much", debit_account_id=alice.id, credit_account_id=shop.id,
                              amount_minor=2_001, currency="USD")
    capture = await ledger.post_pending(platform, key="capture", pending_id=hold.id, amount_minor=2_500)

    async with platform.reader() as uow:
        balances = await ledger.balances(uow, alice.id)
        stored_hold = await ledger.get_transaction(uow, hold.id)
    assert (balances.posted_minor, balances.available_minor, balances.debits_pending_minor) == (2_500, 2_500, 0)
    assert stored_hold.status == "posted" and capture.pending_id == hold.id
    with pytest.raises(ledger.PendingAlreadyResolved):
        await ledger.void_pending(platform, key="late-void", pending_id=hold.id)
    with pytest.raises(ledger.PendingNotFound):
        await ledger.post_pending(platform, key="nothing", pending_id=capture.id)
    with pytest.raises(ledger.InvalidAmount):
        hold2 = await ledger.transfer(platform, key="hold2", debit_account_id=alice.id, credit_account_id=shop.id,
                                      amount_minor=100, currency="USD", pending=True)
        await ledger.post_pending(platform, key="over", pending_id=hold2.id, amount_minor=101)
    await ledger.void_pending(platform, key="void2", pending_id=hold2.id)
    assert await available(platform, alice) == 2_500


async def test_reverse_posts_the_opposite_once(verified_platform) -> None:
    platform = verified_platform
    world = await open_world(platform)
    alice, bob = await open_wallet(platform, "alice"), await open_wallet(platform, "bob")
    await fund(platform, world, alice, 1_000)
    payment = await ledger.transfer(platform, key="pay", debit_account_id=alice.id, credit_account_id=bob.id,
                                    amount_minor=700, currency="USD")

    refund = await ledger.reverse(platform, key="refund", transaction_id=payment.id, metadata={"reason": "dispute"})

    assert (await posted(platform, alice), await posted(platform, bob)) == (1_000, 0)
    assert refund.reverses_id == payment.id and refund.metadata == {"reason": "dispute"}
    with pytest.raises(ledger.AlreadyReversed):
        await ledger.reverse(platform, key="refund-again", transaction_id=payment.id)
    with pytest.raises(ledger.TransactionNotFound):
        await ledger.reverse(platform, key="refund-nothing", transaction_id=1)
    spent = await ledger.transfer(platform, key="pay2", debit_account_id=alice.id, credit_account_id=bob.id,
                                  amount_minor=1_000, currency="USD")
    await ledger.transfer(platform, key="bob-spends", debit_account_id=bob.id, credit_account_id=world.id,
                          amount_minor=1_000, currency="USD")
    with pytest.raises(ledger.InsufficientFunds):  # bob already spent it: the reversal would overdraw him
        await ledger.reverse(platform, key="refund2", transaction_id=spent.id)


async def test_balance_as_of_rebuilds_past_balances(frozen_platform, frozen_clock) -> None:
    platform = frozen_platform
    world = await open_world(platform)
    alice, bob = await open_wallet(platform, "alice"), await open_wallet(platform, "bob")
    start = frozen_clock.now()
    await fund(platform, world, alice, 1_000)
    frozen_clock.advance(minutes=1)
    await ledger.transfer(platform, key="hold", debit_account_id=alice.id, credit_account_id=bob.id,
                          amount_minor=300, currency="USD", pending=True, timeout_s=3600)
    frozen_clock.advance(minutes=1)
    await ledger.transfer(platform, key="pay", debit_account_id=alice.id, credit_account_id=bob.id,
                          amount_minor=200, currency="USD")

    async with platform.reader() as uow:
        history = [await ledger.balance_as_of(uow, alice.id, start.replace(minute=minute, second=30))
                   for minute in (0, 1, 2)]
        now = await ledger.balances(uow, alice.id)
    assert [(b.posted_minor, b.available_minor) for b in history] == [(1_000, 1_000), (1_000, 700), (800, 500)]
    assert history[-1] == now


async def test_list_postings_pages_newest_first(verified_platform) -> None:
    platform = verified_platform
    world = await open_world(platform)
    alice = await open_wallet(platform, "alice")
    for amount in range(1, 6):
        await ledger.transfer(platform, key=f"fund-{amount}", debit_account_id=world.id, credit_account_id=alice.id,
                              amount_minor=amount, currency="USD", metadata={"n": amount})

    async with platform.reader() as uow:
        first = await ledger.list_postings(uow, alice.id, limit=2)
        second = await ledger.list_postings(uow, alice.id, before_id=first.next_before_id, limit=2)
        last = await ledger.list_postings(uow, alice.id, before_id=second.next_before_id, limit=2)

    amounts = [[p.amount_minor for p in page.items] for page in (first, second, last)]
    assert amounts == [[5, 4], [3, 2], [1]]
    assert last.next_before_id is None
    assert first.items[0].metadata == {"n": 5} and first.items[0].kind == "transfer"


async def test_accounts_open_idempotently_and_find_by_owner(verified_platform) -> None:
    platform = verified_platform
    first = await open_wallet(platform, "alice", owner_ref="user:1")
    again = await open_wallet(platform, "alice", owner_ref="user:1")
    await open_wallet(platform, "alice", "BTC", owner_ref="user:1")

    async with platform.uow() as uow:
        with pytest.raises(ledger.AccountCodeTaken):
            await ledger.open_account(uow, code=first.code, currency="USD", normal_side="debit")
        with pytest.raises(ledger.UnknownCurrency):
            await ledger.open_account(uow, code="x", currency="DOGE", normal_side="debit")
        owned = await ledger.find_accounts_by_owner(uow, "user:1")
        with pytest.raises(ledger.AccountNotFound):
            await ledger.get_account(uow, 1)
    assert again == first
    assert [account.currency for account in owned] == ["USD", "BTC"]


async def test_close_account_refuses_a_non_empty_account(verified_platform) -> None:
    platform = verified_platform
    world = await open_world(platform)
    alice = await open_wallet(platform, "alice")
    await fund(platform, world, alice, 1)

    async with platform.uow() as uow:
        with pytest.raises(ledger.AccountNotEmpty):
            await ledger.close_account(uow, alice.id)


def test_money_converts_between_decimal_strings_and_minor_units() -> None:
    assert ledger.to_minor("100.50", "USD") == 10_050
    assert ledger.to_minor("0.00000001", "BTC") == 1
    assert ledger.to_minor("1.5", "SHARE") == 1_500_000
    assert str(ledger.to_major(50_025, "USD")) == "500.25"
    with pytest.raises(ledger.InvalidAmount):
        ledger.to_minor("1.005", "USD")
