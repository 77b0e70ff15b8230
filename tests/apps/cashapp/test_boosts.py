"""Boosts: one active per profile, chosen from a fixed catalogue; at capture the owner's active Boost gives part
of a matching purchase back as its own ledger line, never more than the purchase, and a refund takes it back."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from casebook.apps.cashapp.card import boosts, service
from casebook.apps.cashapp.card.models import BoostRedemptionRow
from casebook.engines import ledger, payments
from casebook.engines.payments import model as payments_model
from casebook.platform import realtime
from casebook.platform.idempotency.models import IdempotencyRow
from tests.apps.cashapp.factories import balances, join
from tests.apps.cashapp.test_card_network import (
    activity,
    assert_problem,
    authorize,
    capture,
    card_counts,
    funded_card,
    reverse,
)

BOOSTS = "/api/cashapp/boosts"


@pytest.mark.parametrize(("boost_id", "category", "amount_minor", "discount_minor"), [
    ("coffee-10", "coffee_shop", 540, 54),
    ("coffee-10", "coffee_shop", 545, 55),  # 54.5 cents rounds half up
    ("coffee-10", "coffee_shop", 3_000, 200),  # capped at $2
    ("coffee-10", "grocery", 540, 0),  # another category
    ("groceries-1", "grocery", 2_315, 100),
    ("groceries-1", "grocery", 50, 50),  # never more than the purchase
    ("restaurants-5", "restaurant", 4_200, 210),
    ("restaurants-5", "restaurant", 20_000, 500),
    ("rideshare-15", "rideshare", 1_860, 279),
])
def test_a_boost_discounts_its_category_up_to_its_cap(boost_id, category, amount_minor, discount_minor) -> None:
    boost = boosts.get_boost(boost_id)

    assert boost.discount_minor(merchant_category=category, amount_minor=amount_minor) == discount_minor


def test_every_catalogue_category_is_one_the_network_sends() -> None:
    for category in boosts.MERCHANT_CATEGORIES:
        assert payments_model.check_merchant_category(category) == category
    assert len(boosts.BOOSTS) == len(boosts.CATALOGUE)


async def test_one_boost_is_active_at_a_time(client, platform) -> None:
    alice = await join(client, "alice")

    initially = (await client.get(BOOSTS, headers=alice)).json()
    coffee = await client.post(f"{BOOSTS}/coffee-10/activate", headers=alice)
    groceries = await client.post(f"{BOOSTS}/groceries-1/activate", headers=alice)
    listed = (await client.get(BOOSTS, headers=alice)).json()
    off = await client.delete(f"{BOOSTS}/active", headers=alice)
    off_again = await client.delete(f"{BOOSTS}/active", headers=alice)

    assert initially["active_boost_id"] is None and not any(item["is_active"] for item in initially["items"])
    assert [item["id"] for item in initially["items"]] == [boost.id for boost in boosts.CATALOGUE]
    assert coffee.status_code == 200 and coffee.json()["active_boost_id"] == "coffee-10"
    assert groceries.json()["active_boost_id"] == "groceries-1"
    assert [item["id"] for item in listed["items"] if item["is_active"]] == ["groceries-1"]
    assert off.status_code == off_again.status_code == 200
    assert (await client.get(BOOSTS, headers=alice)).json()["active_boost_id"] is None


async def test_an_unknown_boost_is_a_404_that_changes_nothing(client, platform) -> None:
    alice = await join(client, "alice")
    await client.post(f"{BOOSTS}/coffee-10/activate", headers=alice)
    before = await card_counts(platform)

    unknown = await client.post(f"{BOOSTS}/free-money/activate", headers=alice)
    too_long = await client.post(f"{BOOSTS}/{'x' * 41}/activate", headers=alice)
    anonymous = await client.post(f"{BOOSTS}/groceries-1/activate")

    assert_problem(unknown, 404, "boost_not_found")
    assert_problem(too_long, 422, "validation_failed")
    assert_problem(anonymous, 401)
    assert await card_counts(platform) == before
    assert (await client.get(BOOSTS, headers=alice)).json()["active_boost_id"] == "coffee-10"


async def test_a_matching_purchase_gets_its_boost_back_as_a_separate_ledger_line(client, platform) -> None:
    alice, card = await funded_card(client, platform)
    await client.post(f"{BOOSTS}/coffee-10/activate", headers=alice)
    held = (await authorize(client, platform, card["id"], "5.40")).json()

    captured = await capture(client, platform, held["id"])

    body = captured.json()
    assert (body["status"], body["captured"], body["discount"], body["boost_id"]) == (
        "captured", "5.40", "0.54", "coffee-10")
    assert (await balances(client, alice))["available"] == "45.14"
    assert (await activity(client, alice))[:2] == [
        ("boost_discount", "completed", "0.54", "Blue Bottle Coffee"),
        ("card_purchase", "completed", "-5.40", "Blue Bottle Coffee")]
    async with platform.reader() as uow:
        authorization = await payments.get_authorization(uow, int(held["id"]))
        discount_line = await ledger.get_transaction(uow, authorization.ledger_discount_id)
        boosts_account = await ledger.find_account_by_code(uow, service.BOOSTS_ACCOUNT_CODE)
        redemption = await uow.session.get(BoostRedemptionRow, int(held["id"]))
        boosts_balance = await ledger.balances(uow, boosts_account.id)
    assert discount_line.id != authorization.ledger_capture_id
    assert (boosts_account.normal_side, boosts_balance.posted_minor) == ("debit", 54)
    assert (redemption.boost_id, redemption.discount_minor) == ("coffee-10", 54)


async def test_no_boost_applies_outside_its_category_or_once_turned_off(client, platform) -> None:
    alice, card = await funded_card(client, platform)
    await client.post(f"{BOOSTS}/coffee-10/activate", headers=alice)
    grocery = (await authorize(client, platform, card["id"], "10.00", merchant_category="grocery")).json()
    coffee = (await authorize(client, platform, card["id"], "4.00")).json()

    other_category = (await capture(client, platform, grocery["id"])).json()
    await client.delete(f"{BOOSTS}/active", headers=alice)
    turned_off = (await capture(client, platform, coffee["id"])).json()

    assert (other_category["discount"], other_category["boost_id"]) == ("0.00", None)
    assert (turned_off["discount"], turned_off["boost_id"]) == ("0.00", None)
    assert (await balances(client, alice))["available"] == "36.00"
    async with platform.reader() as uow:
        assert list(await uow.session.scalars(select(BoostRedemptionRow))) == []


async def test_the_boost_active_at_capture_counts_and_applies_to_the_captured_amount(client, platform) -> None:
    alice, card = await funded_card(client, platform)
    held = (await authorize(client, platform, card["id"], "40.00", merchant_name="Tartine",
                            merchant_category="restaurant")).json()
    await client.post(f"{BOOSTS}/restaurants-5/activate", headers=alice)  # chosen while the hold is open

    captured = (await capture(client, platform, held["id"], "30.00")).json()

    assert (captured["captured"], captured["discount"], captured["boost_id"]) == ("30.00", "1.50", "restaurants-5")
    assert (await balances(client, alice))["available"] == "21.50"


async def test_a_flat_boost_never_gives_back_more_than_the_purchase(client, platform) -> None:
    alice, card = await funded_card(client, platform)
    await client.post(f"{BOOSTS}/groceries-1/activate", headers=alice)
    held = (await authorize(client, platform, card["id"], "0.60", merchant_category="grocery")).json()

    captured = (await capture(client, platform, held["id"])).json()

    assert (captured["captured"], captured["discount"]) == ("0.60", "0.60")
    assert (await balances(client, alice))["available"] == "50.00"


async def test_a_retried_capture_repeats_its_discount_even_after_the_boost_changed(client, platform) -> None:
    alice, card = await funded_card(client, platform)
    await client.post(f"{BOOSTS}/coffee-10/activate", headers=alice)
    held = (await authorize(client, platform, card["id"], "5.00")).json()
    first = (await capture(client, platform, held["id"], key="cap-once")).json()
    await client.delete(f"{BOOSTS}/active", headers=alice)
    async with platform.uow() as uow:  # the idempotency layer's stored answer is gone (a day later)
        await uow.session.execute(IdempotencyRow.__table__.delete())
    before = await card_counts(platform)

    again = await capture(client, platform, held["id"], key="cap-once")

    assert again.status_code == 200, again.text
    assert (again.json()["discount"], again.json()["boost_id"]) == (first["discount"], "coffee-10") == (
        "0.50", "coffee-10")
    assert await card_counts(platform) == before


async def test_a_refund_takes_the_boost_back(client, platform) -> None:
    alice, card = await funded_card(client, platform)
    await client.post(f"{BOOSTS}/coffee-10/activate", headers=alice)
    held = (await authorize(client, platform, card["id"], "6.00")).json()
    await capture(client, platform, held["id"])

    refunded = await reverse(client, platform, held["id"])

    assert (refunded.json()["status"], refunded.json()["boost_id"]) == ("reversed", "coffee-10")
    assert (await balances(client, alice))["available"] == "50.00"
    assert sorted((await activity(client, alice))[:4]) == sorted([
        ("boost_discount_reversed", "completed", "-0.60", "Blue Bottle Coffee"),
        ("card_refund", "completed", "6.00", "Blue Bottle Coffee"),
        ("boost_discount", "completed", "0.60", "Blue Bottle Coffee"),
        ("card_purchase", "refunded", "-6.00", "Blue Bottle Coffee")])


async def test_purchases_and_declines_are_pushed_live_to_the_card_holder(client, platform) -> None:
    alice, card = await funded_card(client, platform)
    alice_id = int((await client.get("/api/accounts/me", headers=alice)).json()["id"])
    await client.post(f"{BOOSTS}/coffee-10/activate", headers=alice)

    async with platform.realtime.subscribe(realtime.account_topic(alice_id)) as to_alice:
        held = (await authorize(client, platform, card["id"], "5.40")).json()
        await capture(client, platform, held["id"])
        purchase = await asyncio.wait_for(_next(to_alice, "cashapp.card_purchase"), timeout=15)
        await authorize(client, platform, card["id"], "500.00", merchant_name="Apple Store",
                        merchant_category="general_retail")
        declined = await asyncio.wait_for(_next(to_alice, "cashapp.card_declined"), timeout=15)

    assert {k: purchase[k] for k in ("authorization_id", "merchant", "amount", "discount", "currency")} == {
        "authorization_id": held["id"], "merchant": "Blue Bottle Coffee", "amount": "5.40", "discount": "0.54",
        "currency": "USD"}
    assert {k: declined[k] for k in ("merchant", "amount", "decline_reason")} == {
        "merchant": "Apple Store", "amount": "500.00", "decline_reason": "insufficient_funds"}


async def _next(subscription, message_type: str) -> dict:
    async for message in subscription:
        if message.get("type") == message_type:
            return message
    raise AssertionError("subscription ended")
