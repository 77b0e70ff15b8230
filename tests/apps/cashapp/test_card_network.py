"""The simulated card network's door: authorizations hold, captures post (maybe partly), reversals give back;
declines are answers, bad input is problem+json that changes nothing, and only the network may knock."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from casebook.apps.cashapp.card import network_auth, service
from casebook.apps.cashapp.card.models import BoostRedemptionRow, BoostSelectionRow
from casebook.engines import ledger, payments
from casebook.engines.payments.models import AuthorizationRow, CardRow
from casebook.platform.bootstrap import Platform
from casebook.platform.clock import FrozenClock
from tests.apps.cashapp.factories import Headers, balances, counts, fund, join

NETWORK = "/api/cashapp/network/authorizations"


def network_headers(platform: Platform, key: str | None = None) -> Headers:
    return {"Authorization": f"Bearer {network_auth.network_key(platform.settings.secret_key)}",
            "Idempotency-Key": key or uuid.uuid4().hex}


async def issue_card(client: Any, headers: Headers) -> dict[str, Any]:
    issued = await client.post("/api/cashapp/card", headers=headers)
    assert issued.status_code == 201, issued.text
    return issued.json()


async def authorize(client: Any, platform: Platform, card_id: str, amount: str, *, key: str | None = None,
                    merchant_name: str = "Blue Bottle Coffee", merchant_category: str = "coffee_shop",
                    **extra: Any) -> Any:
    body = {"card_id": card_id, "amount": amount, "merchant_name": merchant_name,
            "merchant_category": merchant_category, **extra}
    return await client.post(NETWORK, json=body, headers=network_headers(platform, key))


async def capture(client: Any, platform: Platform, authorization_id: str, amount: str | None = None, *,
                  key: str | None = None) -> Any:
    body = {} if amount is None else {"amount": amount}
    return await client.post(f"{NETWORK}/{authorization_id}/capture", json=body,
                             headers=network_headers(platform, key))


async def reverse(client: Any, platform: Platform, authorization_id: str, *, key: str | None = None) -> Any:
    return await client.post(f"{NETWORK}/{authorization_id}/reverse", headers=network_headers(platform, key))


async def card_counts(platform: Platform) -> dict[str, int]:
    """`counts` plus the card tables: what a refused network message must leave as it was."""
    tables = {"cards": CardRow, "authorizations": AuthorizationRow, "redemptions": BoostRedemptionRow,
              "boost_selections": BoostSelectionRow}
    async with platform.reader() as uow:
        mine = {name: await uow.session.scalar(select(func.count()).select_from(table)) or 0
                for name, table in tables.items()}
    return await counts(platform) | mine


async def funded_card(client: Any, platform: Platform, username: str = "alice",
                      amount: str = "50.00") -> tuple[Headers, dict[str, Any]]:
    headers = await join(client, username)
    await fund(client, platform, headers, amount)
    return headers, await issue_card(client, headers)


async def activity(client: Any, headers: Headers) -> list[tuple[str, str, str, str | None]]:
    page = (await client.get("/api/cashapp/activity", headers=headers)).json()
    return [(i["type"], i["status"], i["amount"], i["counterparty"]) for i in page["items"]]


def assert_problem(answer: Any, status: int, code: str | None = None) -> None:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    if code is not None:
        assert answer.json()["code"] == code, answer.json()


async def test_an_authorization_holds_and_its_capture_completes_the_purchase(client, platform) -> None:
    alice, card = await funded_card(client, platform)

    held = await authorize(client, platform, card["id"], "12.34", merchant_name="Tartine",
                           merchant_category="restaurant")
    while_held = await balances(client, alice)
    feed_while_held = await activity(client, alice)
    captured = await capture(client, platform, held.json()["id"])

    assert held.status_code == 201, held.text
    body = held.json()
    assert {k: body[k] for k in ("card_id", "status", "decline_reason", "amount", "captured", "discount",
                                 "currency", "merchant_name", "merchant_category", "boost_id")} == {
        "card_id": card["id"], "status": "authorized", "decline_reason": None, "amount": "12.34",
        "captured": "0.00", "discount": "0.00", "currency": "USD", "merchant_name": "Tartine",
        "merchant_category": "restaurant", "boost_id": None}
    assert (while_held["available"], while_held["posted"]) == ("37.66", "50.00")
    assert feed_while_held[0] == ("card_purchase", "pending", "-12.34", "Tartine")
    assert captured.status_code == 200, captured.text
    assert (captured.json()["status"], captured.json()["captured"]) == ("captured", "12.34")
    assert await balances(client, alice) == {"currency": "USD", "available": "37.66", "pending": "0.00",
                                             "posted": "37.66"}
    assert (await activity(client, alice))[0] == ("card_purchase", "completed", "-12.34", "Tartine")


async def test_a_partial_capture_releases_the_rest(client, platform) -> None:
    alice, card = await funded_card(client, platform)
    held = (await authorize(client, platform, card["id"], "40.00", merchant_category="restaurant")).json()

    captured = await capture(client, platform, held["id"], "31.50")

    assert (captured.json()["status"], captured.json()["amount"], captured.json()["captured"]) == (
        "captured", "40.00", "31.50")
    assert (await balances(client, alice))["available"] == "18.50"
    assert (await activity(client, alice))[0] == ("card_purchase", "completed", "-31.50", "Blue Bottle Coffee")


async def test_the_network_may_name_the_card_by_its_number_expiry_and_cvv(client, platform) -> None:
    alice, card = await funded_card(client, platform)
    async with platform.reader() as uow:
        secrets = await payments.reveal_card(uow, card_id=int(card["id"]), owner_ref=await _owner_ref(uow, card))
    printed = {"card_number": secrets.number, "expiry_month": secrets.expiry_month,
               "expiry_year": secrets.expiry_year, "cvv": secrets.cvv}
    wrong_cvv = f"{(int(secrets.cvv) + 1) % 1000:03d}"
    before = await card_counts(platform)

    by_number = await _authorize_printed(client, platform, printed, "5.00")
    bad_cvv = await _authorize_printed(client, platform, printed | {"cvv": wrong_cvv}, "5.00")
    bad_expiry = await _authorize_printed(client, platform, printed | {"expiry_year": secrets.expiry_year + 1},
                                          "5.00")

    assert payments.is_luhn_valid(secrets.number) and card["number"].endswith(secrets.number[-4:])
    assert (by_number.status_code, by_number.json()["status"], by_number.json()["card_id"]) == (
        201, "authorized", card["id"])
    assert (bad_cvv.status_code, bad_cvv.json()["status"], bad_cvv.json()["decline_reason"]) == (
        201, "declined", "wrong_cvv")
    assert (bad_expiry.json()["status"], bad_expiry.json()["decline_reason"]) == ("declined", "wrong_expiry")
    after = await card_counts(platform)
    assert after["authorizations"] == before["authorizations"] + 3
    assert (await balances(client, alice))["available"] == "45.00"  # the two declines held nothing


async def test_a_frozen_card_and_a_short_wallet_are_declined_and_nothing_moves(client, platform) -> None:
    alice, card = await funded_card(client, platform, amount="10.00")
    await client.post("/api/cashapp/card/freeze", headers=alice)
    before = await card_counts(platform)

    frozen = await authorize(client, platform, card["id"], "1.00")
    after_frozen = await card_counts(platform)
    await client.post("/api/cashapp/card/unfreeze", headers=alice)
    short = await authorize(client, platform, card["id"], "10.01")
    after_short = await card_counts(platform)
    thawed = await authorize(client, platform, card["id"], "10.00")

    assert (frozen.status_code, frozen.json()["status"], frozen.json()["decline_reason"]) == (
        201, "declined", "card_frozen")
    assert (short.status_code, short.json()["status"], short.json()["decline_reason"]) == (
        201, "declined", "insufficient_funds")
    for after in (after_frozen, after_short):  # a decline is recorded; no money moved
        assert {k: after[k] for k in ("ledger_transactions", "ledger_entries")} == {
            k: before[k] for k in ("ledger_transactions", "ledger_entries")}
    assert after_short["authorizations"] == before["authorizations"] + 2
    assert thawed.json()["status"] == "authorized"
    assert (await balances(client, alice))["available"] == "0.00"


@pytest.mark.parametrize(("change", "status", "code", "field"), [
    ({"amount": "-5.00"}, 422, "invalid_amount", "amount"),
    ({"amount": "0.00"}, 422, "invalid_amount", "amount"),
    ({"amount": "0"}, 422, "invalid_amount", "amount"),
    ({"amount": "1.001"}, 422, "invalid_amount", "amount"),
    ({"amount": "7000.01"}, 422, "invalid_amount", "amount"),
    ({"amount": "99999999999999999999"}, 422, "invalid_amount", "amount"),
    ({"amount": "NaN"}, 422, "invalid_amount", "amount"),
    ({"amount": "1e3"}, 422, "invalid_amount", "amount"),
    ({"currency": "EUR"}, 422, "unsupported_currency", "currency"),
    ({"currency": "usd"}, 422, "unsupported_currency", "currency"),
    ({"card_id": "999999999"}, 404, "card_not_found", None),
    ({"card_id": "abc"}, 422, "invalid_card_id", "card_id"),
    ({"card_id": "99999999999999999999"}, 422, "invalid_card_id", "card_id"),
    ({"card_id": None}, 422, "card_required", "card_id"),
    ({"card_number": "4000001234567899", "expiry_month": 1, "expiry_year": 2030, "cvv": "123"}, 422,
     "card_required", "card_id"),  # and card_id: one way of naming the card
    ({"merchant_category": "Coffee Shops"}, 422, "invalid_payment_request", "merchant_category"),
    ({"merchant_name": "   "}, 422, "invalid_payment_request", "merchant_name"),
])
async def test_bad_authorizations_are_problems_that_change_nothing(client, platform, change, status, code,
                                                                   field) -> None:
    alice, card = await funded_card(client, platform)
    before, wallet_before = await card_counts(platform), await balances(client, alice)
    body = {"card_id": card["id"], "amount": "5.00", "merchant_name": "Shop", "merchant_category": "grocery",
            "currency": "USD"} | change
    body = {k: v for k, v in body.items() if v is not None}

    answer = await client.post(NETWORK, json=body, headers=network_headers(platform))

    assert_problem(answer, status, code)
    if field is not None:
        assert field in answer.text
    assert await card_counts(platform) == before
    assert await balances(client, alice) == wallet_before


@pytest.mark.parametrize(("printed", "status", "code"), [
    ({"card_number": "4000001234567890"}, 404, "card_not_found"),  # fails the Luhn check
    ({"card_number": "4000001234567899"}, 404, "card_not_found"),  # passes it, but nobody has it
    ({"card_number": "4000-0012-3456-7899"}, 422, "invalid_card_number"),
    ({"cvv": "12"}, 422, "invalid_cvv"),
    ({"cvv": "12a"}, 422, "invalid_cvv"),
    ({"cvv": None}, 422, "invalid_cvv"),
    ({"expiry_month": 13}, 422, "invalid_expiry"),
    ({"expiry_month": 0}, 422, "invalid_expiry"),
    ({"expiry_year": 30}, 422, "invalid_expiry"),
])
async def test_bad_card_details_are_problems_that_change_nothing(client, platform, printed, status, code) -> None:
    _alice, card = await funded_card(client, platform)
    async with platform.reader() as uow:
        secrets = await payments.reveal_card(uow, card_id=int(card["id"]), owner_ref=await _owner_ref(uow, card))
    details = {"card_number": secrets.number, "expiry_month": secrets.expiry_month,
               "expiry_year": secrets.expiry_year, "cvv": secrets.cvv} | printed
    before = await card_counts(platform)

    answer = await _authorize_printed(client, platform, {k: v for k, v in details.items() if v is not None}, "5.00")

    assert_problem(answer, status, code)
    assert await card_counts(platform) == before


async def test_a_network_message_without_an_idempotency_key_is_refused(client, platform) -> None:
    _alice, card = await funded_card(client, platform)
    headers = network_headers(platform)
    del headers["Idempotency-Key"]
    before = await card_counts(platform)

    answer = await client.post(NETWORK, json={"card_id": card["id"], "amount": "1.00", "merchant_name": "Shop",
                                              "merchant_category": "grocery"}, headers=headers)

    assert_problem(answer, 422, "idempotency_key_required")
    assert await card_counts(platform) == before


async def test_capture_and_reverse_refusals_change_nothing(client, platform) -> None:
    alice, card = await funded_card(client, platform)
    held = (await authorize(client, platform, card["id"], "10.00")).json()
    voided = (await authorize(client, platform, card["id"], "2.00")).json()
    assert (await reverse(client, platform, voided["id"])).json()["status"] == "reversed"
    await client.post("/api/cashapp/card/freeze", headers=alice)
    declined = (await authorize(client, platform, card["id"], "1.00")).json()
    before, wallet_before = await card_counts(platform), await balances(client, alice)

    answers = {
        "over_held": await capture(client, platform, held["id"], "10.01"),
        "bad_amount": await capture(client, platform, held["id"], "-1.00"),
        "unknown": await capture(client, platform, "123456789"),
        "declined": await capture(client, platform, declined["id"]),
        "voided": await capture(client, platform, voided["id"]),
        "reverse_after_reverse": await reverse(client, platform, voided["id"]),
        "reverse_declined": await reverse(client, platform, declined["id"]),
        "reverse_unknown": await reverse(client, platform, "123456789"),
    }

    assert_problem(answers["over_held"], 422, "capture_over_authorized")
    assert_problem(answers["bad_amount"], 422, "invalid_amount")
    assert_problem(answers["unknown"], 404, "authorization_not_found")
    assert_problem(answers["declined"], 409, "authorization_not_capturable")
    assert_problem(answers["voided"], 409, "authorization_not_capturable")
    assert_problem(answers["reverse_after_reverse"], 409, "authorization_not_reversible")
    assert_problem(answers["reverse_declined"], 409, "authorization_not_reversible")
    assert_problem(answers["reverse_unknown"], 404, "authorization_not_found")
    assert await card_counts(platform) == before
    assert await balances(client, alice) == wallet_before


async def test_a_capture_retried_with_its_key_acts_once_and_another_key_is_refused(client, platform) -> None:
    alice, card = await funded_card(client, platform)
    held = (await authorize(client, platform, card["id"], "8.00")).json()

    first = await capture(client, platform, held["id"], key="capture-1")
    again = await capture(client, platform, held["id"], key="capture-1")
    before = await card_counts(platform)
    other_key = await capture(client, platform, held["id"], key="capture-2")

    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert_problem(other_key, 409, "authorization_already_captured")
    assert await card_counts(platform) == before
    assert (await balances(client, alice))["available"] == "42.00"


async def test_reversing_a_captured_purchase_refunds_it(client, platform) -> None:
    alice, card = await funded_card(client, platform)
    held = (await authorize(client, platform, card["id"], "15.00", merchant_name="REI",
                            merchant_category="general_retail")).json()
    await capture(client, platform, held["id"])

    refunded = await reverse(client, platform, held["id"])

    assert (refunded.status_code, refunded.json()["status"]) == (200, "reversed")
    assert (await balances(client, alice))["available"] == "50.00"
    assert (await activity(client, alice))[:2] == [("card_refund", "completed", "15.00", "REI"),
                                                   ("card_purchase", "refunded", "-15.00", "REI")]


async def test_a_voided_hold_shows_as_failed_and_gives_the_money_back(client, platform) -> None:
    alice, card = await funded_card(client, platform)
    held = (await authorize(client, platform, card["id"], "6.00", merchant_name="Shell")).json()

    await reverse(client, platform, held["id"])

    assert (await balances(client, alice))["available"] == "50.00"
    assert (await activity(client, alice))[0] == ("card_purchase", "failed", "-6.00", "Shell")


async def test_only_the_network_may_call_the_network_and_it_may_call_nothing_else(client, platform) -> None:
    alice, card = await funded_card(client, platform)
    held = (await authorize(client, platform, card["id"], "3.00")).json()
    body = {"card_id": card["id"], "amount": "1.00", "merchant_name": "Shop", "merchant_category": "grocery"}
    before = await card_counts(platform)

    as_user = await client.post(NETWORK, json=body, headers={**alice, "Idempotency-Key": "u-1"})
    user_capture = await client.post(f"{NETWORK}/{held['id']}/capture", headers={**alice, "Idempotency-Key": "u-2"})
    user_reverse = await client.post(f"{NETWORK}/{held['id']}/reverse", headers={**alice, "Idempotency-Key": "u-3"})
    anonymous = await client.post(NETWORK, json=body, headers={"Idempotency-Key": "a-1"})
    wrong_key = await client.post(NETWORK, json=body, headers={"Authorization": "Bearer " + "0" * 64,
                                                               "Idempotency-Key": "w-1"})
    network_as_user = {
        "me": await client.get("/api/cashapp/me", headers=network_headers(platform)),
        "card": await client.get("/api/cashapp/card", headers=network_headers(platform)),
        "freeze": await client.post("/api/cashapp/card/freeze", headers=network_headers(platform)),
        "boost": await client.post("/api/cashapp/boosts/coffee-10/activate", headers=network_headers(platform)),
        "pay": await client.post("/api/cashapp/payments", json={"to": "$alice", "amount": "1.00"}, headers=network_headers(platform)),
    }

    for answer in (as_user, user_capture, user_reverse, anonymous, wrong_key):
        assert_problem(answer, 401, "network_key_required")
    for answer in network_as_user.values():
        assert_problem(answer, 401)
    assert await card_counts(platform) == before
    assert (await client.get("/api/cashapp/card", headers=alice)).json()["status"] == "active"


async def test_the_openapi_document_marks_the_network_operations(client, platform) -> None:
    document = (await client.get("/api/docs/openapi.json")).json()

    network_post = document["paths"]["/api/cashapp/network/authorizations"]["post"]
    user_post = document["paths"]["/api/cashapp/card"]["post"]
    assert network_post["security"] == [{"cardNetworkKey": []}]
    assert "cashapp card network" in network_post["tags"]
    assert "security" not in user_post
    assert any(p["name"] == "Idempotency-Key" for p in network_post["parameters"])


@pytest.fixture
async def frozen(settings) -> AsyncIterator[tuple[Platform, httpx.AsyncClient, FrozenClock]]:
    """A platform on a clock the test moves, with a client on it (holds lapse in 7 days, not 7 seconds)."""
    from casebook.asgi import create_app
    from casebook.migrations import upgrade
    from casebook.platform.bootstrap import running_platform
    from tests.apps_under_test import TEST_APPS

    clock = FrozenClock(datetime.now(UTC))
    async with running_platform(settings, TEST_APPS, role="cli", clock=clock) as platform:
        await upgrade(platform.db)
        transport = httpx.ASGITransport(app=create_app(platform=platform))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield platform, http, clock
        await ledger.stop_writers(platform)
        assert (await ledger.verify(platform)).violations == []


async def test_a_capture_after_the_hold_lapsed_is_refused_and_changes_nothing(frozen) -> None:
    platform, client, clock = frozen
    alice, card = await funded_card(client, platform)
    await client.post("/api/cashapp/boosts/coffee-10/activate", headers=alice)
    held = (await authorize(client, platform, card["id"], "9.00")).json()
    clock.advance(days=7, seconds=1)
    before = await card_counts(platform)

    late = await capture(client, platform, held["id"])

    assert_problem(late, 409, "authorization_expired")
    assert await card_counts(platform) == before
    async with platform.reader() as uow:
        assert (await payments.get_authorization(uow, int(held["id"]))).captured_minor == 0
        wallet = (await ledger.balances(uow, await _wallet_id(uow, card)))
    assert (wallet.posted_minor, wallet.available_minor) == (5_000, 4_100)  # still held, never captured
    async with platform.reader() as uow:  # the Boost's funding account was not even opened for it
        assert await ledger.find_account_by_code(uow, service.BOOSTS_ACCOUNT_CODE) is None


async def _authorize_printed(client: Any, platform: Platform, printed: dict[str, Any], amount: str) -> Any:
    body = {"amount": amount, "merchant_name": "Corner Store", "merchant_category": "grocery", **printed}
    return await client.post(NETWORK, json=body, headers=network_headers(platform))


async def _owner_ref(uow: Any, card: dict[str, Any]) -> str:
    return str(await uow.session.scalar(select(CardRow.owner_ref).where(CardRow.id == int(card["id"]))))


async def _wallet_id(uow: Any, card: dict[str, Any]) -> int:
    return int(await uow.session.scalar(select(CardRow.wallet_account_id).where(CardRow.id == int(card["id"]))))
