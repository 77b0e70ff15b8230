"""The card network: authorize, capture (full, partial, with a Boost), reverse, declines, retries, expiry."""

from __future__ import annotations

from datetime import timedelta

import pytest

from casebook.engines import ledger, payments
from tests.engines.payments.factories import (
    account_by_code,
    balances,
    counts,
    fund,
    issue_card,
    new_key,
    open_promotions,
    open_wallet,
    payments_subjects,
    reveal,
)


async def _funded_card(platform, amount_minor: int = 10_000):
    wallet = await open_wallet(platform, "alice")
    await fund(platform, wallet, amount_minor)
    return wallet, await issue_card(platform, wallet)


async def _authorize(platform, card, amount_minor: int, *, key: str | None = None, **changes) -> payments.Authorization:
    given = {"key": key or new_key(), "card_id": card.id, "amount_minor": amount_minor, "currency": "USD",
             "merchant_name": "Blue Bottle", "merchant_category": "coffee_shop", **changes}
    return await payments.authorize(platform, **given)


async def _merchant_balance(platform) -> int:
    merchant = await account_by_code(platform, payments.merchant_settlement_code("USD"))
    return (await balances(platform, merchant.id)).posted_minor


async def test_an_authorization_holds_and_a_full_capture_pays_the_merchant(platform, clock) -> None:
    wallet, card = await _funded_card(platform)

    authorization = await _authorize(platform, card, 1_200)
    held = await balances(platform, wallet.id)
    captured = await payments.capture(platform, key="capture-1", authorization_id=authorization.id)
    after = await balances(platform, wallet.id)

    assert (authorization.status, authorization.decline_reason) == ("authorized", None)
    assert authorization.expires_at == clock.now() + timedelta(days=7)
    assert (held.posted_minor, held.available_minor) == (10_000, 8_800)
    assert (captured.status, captured.captured_minor, captured.discount_minor) == ("captured", 1_200, 0)
    assert (after.posted_minor, after.available_minor) == (8_800, 8_800)
    assert await _merchant_balance(platform) == 1_200
    assert await payments_subjects(platform) == [payments.CARD_AUTHORIZED, payments.CARD_CAPTURED]


async def test_a_partial_capture_releases_the_rest(platform) -> None:
    wallet, card = await _funded_card(platform)
    authorization = await _authorize(platform, card, 5_000, merchant_category="restaurant")  # tip not yet known

    captured = await payments.capture(platform, key=new_key(), authorization_id=authorization.id, amount_minor=3_100)
    after = await balances(platform, wallet.id)

    assert (captured.captured_minor, after.posted_minor, after.available_minor) == (3_100, 6_900, 6_900)
    assert after.debits_pending_minor == 0
    assert await _merchant_balance(platform) == 3_100


async def test_a_capture_above_the_authorized_amount_is_refused_and_changes_nothing(platform) -> None:
    _wallet, card = await _funded_card(platform)
    authorization = await _authorize(platform, card, 1_000)
    before = await counts(platform)

    with pytest.raises(payments.InvalidAmount):
        await payments.capture(platform, key=new_key(), authorization_id=authorization.id, amount_minor=1_001)

    assert await counts(platform) == before


async def test_a_boost_credits_its_discount_back_in_the_capture(platform) -> None:
    wallet, card = await _funded_card(platform)
    promotions = await open_promotions(platform)
    authorization = await _authorize(platform, card, 1_000)

    captured = await payments.capture(platform, key=new_key(), authorization_id=authorization.id,
                                      discount_minor=100, discount_source_account_id=promotions.id)
    async with platform.reader() as uow:
        discount = await ledger.get_transaction(uow, captured.ledger_discount_id)
        capture = await ledger.get_transaction(uow, captured.ledger_capture_id)

    assert (captured.captured_minor, captured.discount_minor) == (1_000, 100)
    assert (await balances(platform, wallet.id)).posted_minor == 10_000 - 1_000 + 100
    assert (await balances(platform, promotions.id)).posted_minor == 100  # spent on Boosts
    assert await _merchant_balance(platform) == 1_000  # the merchant is paid in full
    assert sorted((entry.account_id, entry.side, entry.amount_minor) for entry in discount.entries) == sorted([
        (promotions.id, "debit", 100), (wallet.id, "credit", 100)])
    assert discount.created_at == capture.created_at  # committed together
    assert discount.metadata["authorization_id"] == str(authorization.id)


async def test_a_discount_above_the_capture_or_without_a_source_is_refused(platform) -> None:
    _wallet, card = await _funded_card(platform)
    promotions = await open_promotions(platform)
    authorization = await _authorize(platform, card, 1_000)
    before = await counts(platform)

    with pytest.raises(payments.InvalidAmount):
        await payments.capture(platform, key=new_key(), authorization_id=authorization.id, amount_minor=500,
                               discount_minor=501, discount_source_account_id=promotions.id)
    with pytest.raises(payments.InvalidPaymentRequest):
        await payments.capture(platform, key=new_key(), authorization_id=authorization.id, discount_minor=1)

    assert await counts(platform) == before


async def test_reversing_an_open_hold_releases_it(platform) -> None:
    wallet, card = await _funded_card(platform)
    authorization = await _authorize(platform, card, 2_000)

    reversed_ = await payments.reverse(platform, key="void-1", authorization_id=authorization.id)

    assert reversed_.status == "reversed"
    assert (await balances(platform, wallet.id)).available_minor == 10_000
    with pytest.raises(payments.NotCapturable):
        await payments.capture(platform, key=new_key(), authorization_id=authorization.id)
    assert await payments_subjects(platform) == [payments.CARD_AUTHORIZED, payments.CARD_REVERSED]


async def test_reversing_a_boosted_capture_refunds_the_payment_and_takes_back_the_boost(platform) -> None:
    wallet, card = await _funded_card(platform)
    promotions = await open_promotions(platform)
    authorization = await _authorize(platform, card, 1_000)
    await payments.capture(platform, key=new_key(), authorization_id=authorization.id, discount_minor=150,
                           discount_source_account_id=promotions.id)

    refunded = await payments.reverse(platform, key=new_key(), authorization_id=authorization.id)

    assert refunded.status == "reversed"
    assert (await balances(platform, wallet.id)).posted_minor == 10_000
    assert (await balances(platform, promotions.id)).posted_minor == 0
    assert await _merchant_balance(platform) == 0
    with pytest.raises(payments.NotReversible):
        await payments.reverse(platform, key=new_key(), authorization_id=authorization.id)


async def test_a_second_capture_is_refused(platform) -> None:
    _wallet, card = await _funded_card(platform)
    authorization = await _authorize(platform, card, 1_000)
    await payments.capture(platform, key="first", authorization_id=authorization.id, amount_minor=400)

    with pytest.raises(payments.AlreadyCaptured):
        await payments.capture(platform, key="second", authorization_id=authorization.id, amount_minor=400)


async def test_a_frozen_card_is_declined_without_touching_balances(platform) -> None:
    wallet, card = await _funded_card(platform)
    async with platform.uow() as uow:
        await payments.freeze_card(uow, card_id=card.id)
    before = await counts(platform)

    declined = await _authorize(platform, card, 500, key="frozen-1")
    async with platform.uow() as uow:
        await payments.unfreeze_card(uow, card_id=card.id)
    retried = await _authorize(platform, card, 500, key="frozen-1")  # the first answer stands

    assert (declined.status, declined.decline_reason, declined.ledger_pending_id) == ("declined", "card_frozen", None)
    assert retried == declined
    assert (await balances(platform, wallet.id)).available_minor == 10_000
    after = await counts(platform)
    assert after["ledger_transactions"] == before["ledger_transactions"]
    assert after["authorizations"] == before["authorizations"] + 1
    assert await payments_subjects(platform) == [payments.CARD_DECLINED]
    with pytest.raises(payments.NotCapturable):
        await payments.capture(platform, key=new_key(), authorization_id=declined.id)


async def test_a_purchase_beyond_the_balance_is_declined_for_insufficient_funds(platform) -> None:
    wallet, card = await _funded_card(platform, 1_000)
    before = await counts(platform)

    declined = await _authorize(platform, card, 1_001)

    assert (declined.status, declined.decline_reason) == ("declined", "insufficient_funds")
    assert (await balances(platform, wallet.id)).available_minor == 1_000
    assert (await counts(platform))["ledger_transactions"] == before["ledger_transactions"]


async def test_an_expired_card_is_declined(platform, clock) -> None:
    wallet, card = await _funded_card(platform)
    clock.advance(days=5 * 365)

    declined = await _authorize(platform, card, 100)

    assert (declined.status, declined.decline_reason) == ("declined", "card_expired")
    assert (await balances(platform, wallet.id)).available_minor == 10_000


async def test_a_payment_by_card_number_checks_the_expiry_and_cvv(platform) -> None:
    wallet, card = await _funded_card(platform)
    secrets = await reveal(platform, card)
    by_number = {"card_id": None, "card_number": secrets.number, "expiry_month": secrets.expiry_month,
                 "expiry_year": secrets.expiry_year}
    wrong_cvv = f"{(int(secrets.cvv) + 1) % 1000:03d}"

    paid = await _authorize(platform, card, 300, **by_number, cvv=secrets.cvv)
    bad_cvv = await _authorize(platform, card, 300, **by_number, cvv=wrong_cvv)
    bad_expiry = await _authorize(platform, card, 300, **{**by_number, "expiry_year": secrets.expiry_year + 1},
                                  cvv=secrets.cvv)

    assert (paid.status, paid.card_id) == ("authorized", card.id)
    assert (bad_cvv.status, bad_cvv.decline_reason) == ("declined", "wrong_cvv")
    assert (bad_expiry.status, bad_expiry.decline_reason) == ("declined", "wrong_expiry")
    assert (await balances(platform, wallet.id)).available_minor == 9_700
    with pytest.raises(payments.CardNotFound):
        await _authorize(platform, card, 300, **{**by_number, "card_number": "4000000000000002"}, cvv=secrets.cvv)


async def test_a_purchase_in_another_currency_is_declined(platform) -> None:
    _wallet, card = await _funded_card(platform)

    declined = await _authorize(platform, card, 300, currency="EUR")

    assert (declined.status, declined.decline_reason) == ("declined", "currency_mismatch")


async def test_every_network_message_is_safe_to_retry_by_key(platform) -> None:
    wallet, card = await _funded_card(platform)
    promotions = await open_promotions(platform)

    first = await _authorize(platform, card, 1_000, key="auth-1")
    again = await _authorize(platform, card, 1_000, key="auth-1")
    captured = await payments.capture(platform, key="cap-1", authorization_id=first.id, amount_minor=800,
                                      discount_minor=80, discount_source_account_id=promotions.id)
    before = await counts(platform)
    captured_again = await payments.capture(platform, key="cap-1", authorization_id=first.id, amount_minor=800,
                                            discount_minor=80, discount_source_account_id=promotions.id)
    refunded = await payments.reverse(platform, key="rev-1", authorization_id=first.id)
    refunded_again = await payments.reverse(platform, key="rev-1", authorization_id=first.id)

    assert again == first
    assert captured_again == captured
    assert refunded_again == refunded
    assert (await counts(platform))["ledger_transactions"] == before["ledger_transactions"] + 2  # refund + boost back
    assert (await balances(platform, wallet.id)).posted_minor == 10_000
    with pytest.raises(payments.IdempotencyMismatch):
        await _authorize(platform, card, 999, key="auth-1")
    with pytest.raises(payments.IdempotencyMismatch):
        await payments.capture(platform, key="cap-1", authorization_id=first.id, amount_minor=700)
    other = await _authorize(platform, card, 100)
    with pytest.raises(payments.IdempotencyMismatch):
        await payments.capture(platform, key="cap-1", authorization_id=other.id)


async def test_a_lapsed_authorization_cannot_be_captured_and_the_job_marks_it_expired(platform, clock) -> None:
    wallet, card = await _funded_card(platform)
    authorization = await _authorize(platform, card, 2_500, expires_in_s=60)
    [expire_job] = [job for job in payments.jobs if job.every_s]

    clock.advance(seconds=59)
    async with platform.uow() as uow:
        assert await payments.expire_authorizations(uow) == 0
    clock.advance(seconds=1)
    with pytest.raises(payments.AuthorizationExpired):
        await payments.capture(platform, key=new_key(), authorization_id=authorization.id)
    async with platform.uow() as uow:
        await expire_job.handler(uow, {"slot": 1})
    async with platform.reader() as uow:
        expired = await payments.get_authorization(uow, authorization.id)
        hold = await ledger.get_transaction(uow, authorization.ledger_pending_id)

    assert (expired.status, expired.resolved_at, hold.status) == ("expired", clock.now(), "expired")
    assert (await balances(platform, wallet.id)).available_minor == 10_000
    assert await payments_subjects(platform) == [payments.CARD_AUTHORIZED, payments.AUTHORIZATION_EXPIRED]
    with pytest.raises(payments.AuthorizationExpired):
        await payments.reverse(platform, key=new_key(), authorization_id=authorization.id)


async def test_a_refused_discount_refuses_the_whole_capture(platform) -> None:
    wallet, card = await _funded_card(platform)
    empty_budget = await open_wallet(platform, "boost-budget")  # may not go below zero
    authorization = await _authorize(platform, card, 1_000)
    before = await counts(platform)

    with pytest.raises(payments.InsufficientFunds):
        await payments.capture(platform, key=new_key(), authorization_id=authorization.id, discount_minor=100,
                               discount_source_account_id=empty_budget.id)

    assert await counts(platform) == before
    async with platform.reader() as uow:
        assert (await payments.get_authorization(uow, authorization.id)).status == "authorized"
    assert (await balances(platform, wallet.id)).posted_minor == 10_000


async def test_a_cards_authorizations_page_newest_first(platform) -> None:
    _wallet, card = await _funded_card(platform)
    made = [await _authorize(platform, card, 100 + index) for index in range(3)]

    async with platform.reader() as uow:
        first = await payments.list_authorizations(uow, card_id=card.id, limit=2)
        rest = await payments.list_authorizations(uow, card_id=card.id, before_id=first.next_before_id, limit=2)

    assert [item.id for item in first.items + rest.items] == [item.id for item in reversed(made)]
    assert rest.next_before_id is None
