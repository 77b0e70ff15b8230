"""The Cash Card of a holder: issued once per wallet with a Luhn-valid number, shown only masked (its CVV
never), frozen and unfrozen by its holder; and the demo's cards, Boosts and purchases."""

from __future__ import annotations

import re

from sqlalchemy import select

from casebook.apps.cashapp.card import demo as card_demo
from casebook.apps.cashapp.card.models import BoostRedemptionRow
from casebook.engines import payments
from casebook.engines.payments.models import AuthorizationRow, CardRow
from casebook.platform.identity.principal import AuthenticatedAccount
from tests.apps.cashapp.factories import balances, fund, join
from tests.apps.cashapp.test_card_network import assert_problem, authorize, card_counts, issue_card

CARD = "/api/cashapp/card"


async def test_a_card_is_issued_once_and_shown_only_masked(client, platform) -> None:
    alice = await join(client, "alice")

    card = await issue_card(client, alice)
    shown = await client.get(CARD, headers=alice)
    before = await card_counts(platform)
    second = await client.post(CARD, headers=alice)

    assert re.fullmatch(r"•••• •••• •••• \d{4}", card["number"]) and card["number"].endswith(card["last4"])
    assert (card["status"], card["cvv"]) == ("active", "•••")
    assert 1 <= card["expiry_month"] <= 12 and card["expiry_year"] >= 2026
    assert shown.status_code == 200 and shown.json() == card
    assert_problem(second, 409, "card_already_issued")
    assert await card_counts(platform) == before
    async with platform.reader() as uow:
        row = await uow.session.get(CardRow, int(card["id"]))
        secrets = await payments.reveal_card(uow, card_id=row.id, owner_ref=row.owner_ref)
    assert payments.is_luhn_valid(secrets.number) and secrets.number.endswith(card["last4"])
    assert re.fullmatch(r"\d{3}", secrets.cvv)
    # Sealed at rest (AES-GCM: 12-byte nonce, ciphertext, 16-byte tag), and never in an answer.
    assert secrets.number.encode() not in row.number_sealed and secrets.number not in row.number_digest
    assert len(row.cvv_sealed) == 12 + 3 + 16
    assert secrets.number not in shown.text and f'"{secrets.cvv}"' not in shown.text


async def test_there_is_no_card_before_one_is_issued(client, platform) -> None:
    alice = await join(client, "alice")
    before = await card_counts(platform)

    answers = [await client.get(CARD, headers=alice), await client.post(f"{CARD}/freeze", headers=alice),
               await client.post(f"{CARD}/unfreeze", headers=alice)]

    for answer in answers:
        assert_problem(answer, 404, "card_not_found")
    assert await card_counts(platform) == before


async def test_the_holder_freezes_and_unfreezes_the_card(client, platform) -> None:
    alice = await join(client, "alice")
    card = await issue_card(client, alice)

    frozen = await client.post(f"{CARD}/freeze", headers=alice)
    frozen_again = await client.post(f"{CARD}/freeze", headers=alice)
    seen = await client.get(CARD, headers=alice)
    thawed = await client.post(f"{CARD}/unfreeze", headers=alice)

    assert (frozen.status_code, frozen.json()["status"], frozen_again.json()["status"]) == (200, "frozen", "frozen")
    assert seen.json()["status"] == "frozen"
    assert (thawed.status_code, thawed.json()["status"], thawed.json()["id"]) == (200, "active", card["id"])


async def test_each_holder_sees_and_freezes_only_their_own_card(client, platform) -> None:
    alice, bob = await join(client, "alice"), await join(client, "bob")
    alice_card, bob_card = await issue_card(client, alice), await issue_card(client, bob)

    await client.post(f"{CARD}/freeze", headers=bob)

    assert alice_card["id"] != bob_card["id"]
    assert (await client.get(CARD, headers=alice)).json()["status"] == "active"
    assert (await client.get(CARD, headers=bob)).json()["status"] == "frozen"


async def test_card_endpoints_need_a_signed_in_holder(client, platform) -> None:
    before = await card_counts(platform)

    answers = [await client.post(CARD), await client.get(CARD), await client.post(f"{CARD}/freeze"),
               await client.post(CARD, headers={"Authorization": "Bearer not-a-token"})]

    for answer in answers:
        assert_problem(answer, 401)
    assert await card_counts(platform) == before


async def test_the_demo_issues_cards_sets_boosts_and_buys_once(client, platform) -> None:
    people = {}
    for username in ("ada", "grace", "linus", "barbara", "ken"):
        headers = await join(client, username)
        await fund(client, platform, headers, "200.00")
        account_id = int((await client.get("/api/accounts/me", headers=headers)).json()["id"])
        people[username] = (headers, AuthenticatedAccount(id=account_id, username=username, via="session"))
    accounts = {name: account for name, (_headers, account) in people.items()}

    await card_demo.load_demo(platform, accounts)
    after_first = await card_counts(platform)
    await card_demo.load_demo(platform, accounts)

    assert await card_counts(platform) == after_first
    assert after_first["cards"] == 5
    async with platform.reader() as uow:
        statuses = list(await uow.session.scalars(select(AuthorizationRow.status)))
        redeemed = sorted(await uow.session.scalars(select(BoostRedemptionRow.boost_id)))
    assert statuses == ["captured"] * len(card_demo.PURCHASES)
    assert redeemed == ["coffee-10", "groceries-1", "restaurants-5", "rideshare-15"]
    ada, ken = people["ada"][0], people["ken"][0]
    assert (await balances(client, ada))["available"] == "171.99"  # 200 - 5.40 + 0.54 - 23.15
    assert (await client.get(CARD, headers=ken)).json()["status"] == "frozen"
    declined = await authorize(client, platform, (await client.get(CARD, headers=ken)).json()["id"], "1.00")
    assert declined.json()["decline_reason"] == "card_frozen"
