"""Profiles: created on first use, cashtags changed and held after release, people found without leaks."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import func, select, update

from casebook.apps.cashapp.models import CashtagRow, ProfileRow
from casebook.engines.ledger.models import AccountRow
from casebook.engines.payments.models import BankLinkRow
from tests.accounts import sign_up
from tests.apps.cashapp.factories import join


async def test_first_visit_creates_a_profile_with_cashtag_empty_wallet_and_limits(client) -> None:
    headers = await sign_up(client, "Ada.Lovelace")

    me = await client.get("/api/cashapp/me", headers=headers)

    assert me.status_code == 200
    assert me.json() == {
        "cashtag": "$adalovelace", "display_name": "Ada.Lovelace", "phone": None,
        "balances": {"currency": "USD", "available": "0.00", "pending": "0.00", "posted": "0.00"},
        "limits": {"currency": "USD", "is_verified": False, "sending_limit": "250.00", "sent": "0.00",
                   "remaining": "250.00", "window_days": 30},
    }


async def test_racing_first_visits_create_one_profile_wallet_and_bank_link(client, platform) -> None:
    headers = await sign_up(client, "racer")

    answers = await asyncio.gather(*(client.get("/api/cashapp/me", headers=headers) for _ in range(10)))

    assert [answer.status_code for answer in answers] == [200] * 10
    assert {answer.json()["cashtag"] for answer in answers} == {"$racer"}
    async with platform.reader() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(ProfileRow)) == 1
        assert await uow.session.scalar(select(func.count()).select_from(BankLinkRow)) == 1
        assert await uow.session.scalar(select(func.count()).select_from(AccountRow)
                                        .where(AccountRow.code.like("cashapp:wallet:%"))) == 1


async def test_a_taken_derived_cashtag_gets_a_numeric_suffix(client) -> None:
    first = await join(client, "sam")
    await client.patch("/api/cashapp/me", json={"cashtag": "$sam_"}, headers=first)
    second = await sign_up(client, "sam_")  # its derived cashtag, $sam_, is the first one's now

    me = (await client.get("/api/cashapp/me", headers=second)).json()

    assert me["cashtag"].startswith("$sam_") and me["cashtag"] != "$sam_" and me["cashtag"][5:].isdigit()


async def test_changing_the_cashtag_holds_the_old_one_for_others_but_not_its_owner(client, platform) -> None:
    alice, bob = await join(client, "alice"), await join(client, "bob")

    changed = await client.patch("/api/cashapp/me", json={"cashtag": "$Alice_New"}, headers=alice)
    grabbed = await client.patch("/api/cashapp/me", json={"cashtag": "$alice"}, headers=bob)
    taken = await client.patch("/api/cashapp/me", json={"cashtag": "$alice_new"}, headers=bob)
    reclaimed = await client.patch("/api/cashapp/me", json={"cashtag": "$alice"}, headers=alice)

    assert (changed.status_code, changed.json()["cashtag"]) == (200, "$alice_new")
    assert (grabbed.status_code, grabbed.json()["code"]) == (409, "cashtag_taken")
    assert (taken.status_code, taken.json()["code"]) == (409, "cashtag_taken")
    assert (reclaimed.status_code, reclaimed.json()["cashtag"]) == (200, "$alice")
    assert (await client.get("/api/cashapp/me", headers=bob)).json()["cashtag"] == "$bob"


async def test_a_released_cashtag_can_be_taken_after_its_hold(client, platform) -> None:
    alice, bob = await join(client, "alice"), await join(client, "bob")
    await client.patch("/api/cashapp/me", json={"cashtag": "$alice2"}, headers=alice)
    async with platform.uow() as uow:  # time passes: the 30-day hold ends
        await uow.session.execute(update(CashtagRow).where(CashtagRow.cashtag == "$alice")
                                  .values(reusable_at=uow.now() - timedelta(seconds=1)))

    taken = await client.patch("/api/cashapp/me", json={"cashtag": "$alice"}, headers=bob)

    assert (taken.status_code, taken.json()["cashtag"]) == (200, "$alice")
    async with platform.reader() as uow:
        released = await uow.session.get(CashtagRow, "$bob")
    assert released.released_at is not None and released.reusable_at - released.released_at == timedelta(days=30)


async def test_invalid_cashtags_and_phones_are_refused_with_their_field(client, platform) -> None:
    alice = await join(client, "alice")

    answers = [await client.patch("/api/cashapp/me", json=body, headers=alice) for body in (
        {"cashtag": "$ab"}, {"cashtag": "$" + "a" * 21}, {"cashtag": "$with space"}, {"cashtag": "$dash-ed"},
        {"phone": "12345"}, {"phone": "+0123456789"})]

    assert [(a.status_code, a.json()["errors"][0]["path"]) for a in answers] == [
        (422, "cashtag"), (422, "cashtag"), (422, "cashtag"), (422, "cashtag"), (422, "phone"), (422, "phone")]
    assert (await client.get("/api/cashapp/me", headers=alice)).json()["cashtag"] == "$alice"


async def test_people_are_found_by_cashtag_prefix_email_or_phone_without_leaking_contacts(client) -> None:
    viewer = await join(client, "viewer")
    ann, anna = await join(client, "ann"), await join(client, "anna")
    await join(client, "bert")
    await client.patch("/api/cashapp/me", json={"phone": "+1 (415) 555-0123"}, headers=anna)
    taken_phone = await client.patch("/api/cashapp/me", json={"phone": "+14155550123"}, headers=ann)

    by_prefix = await client.get("/api/cashapp/people", params={"q": "$AN"}, headers=viewer)
    by_email = await client.get("/api/cashapp/people", params={"q": "Anna@Example.com"}, headers=viewer)
    by_phone = await client.get("/api/cashapp/people", params={"q": "+14155550123"}, headers=viewer)
    by_partial_email = await client.get("/api/cashapp/people", params={"q": "anna@example"}, headers=viewer)
    not_me = await client.get("/api/cashapp/people", params={"q": "viewer"}, headers=viewer)

    assert (taken_phone.status_code, taken_phone.json()["code"]) == (409, "phone_taken")
    assert by_prefix.json() == {"items": [{"cashtag": "$ann", "display_name": "ann"},
                                          {"cashtag": "$anna", "display_name": "anna"}]}
    assert by_email.json() == {"items": [{"cashtag": "$anna", "display_name": "anna"}]}
    assert by_phone.json() == {"items": [{"cashtag": "$anna", "display_name": "anna"}]}
    assert by_partial_email.json() == {"items": []}
    assert not_me.json() == {"items": []}
    assert "example.com" not in by_email.text and "4155550123" not in by_phone.text


async def test_cashapp_needs_a_signed_in_caller(client) -> None:
    answer = await client.get("/api/cashapp/me")

    assert answer.status_code == 401
