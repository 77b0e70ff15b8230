"""Bank links, add cash (pending until the simulated bank settles) and cash out, standard or instant."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from casebook.engines.payments.models import BankLinkRow, BankTransferRow
from tests.apps.cashapp.factories import balances, counts, fund, join


async def test_a_deposit_is_pending_then_settled_by_the_scheduled_job(client, platform) -> None:
    alice = await join(client, "alice")

    deposit = await client.post("/api/cashapp/bank/deposits", json={"amount": "25.00"}, headers=alice)
    pending = await balances(client, alice)
    for _ in range(200):  # the bank answers after 3 s; the scheduler runs in the background
        if (settled := await balances(client, alice))["posted"] == "25.00":
            break
        await asyncio.sleep(0.1)

    assert (deposit.status_code, deposit.json()["status"], deposit.json()["amount"]) == (201, "pending", "25.00")
    assert pending == {"currency": "USD", "available": "0.00", "pending": "25.00", "posted": "0.00"}
    assert settled == {"currency": "USD", "available": "25.00", "pending": "0.00", "posted": "25.00"}


async def test_a_deposit_retried_with_its_key_is_made_once(client, platform) -> None:
    alice = await join(client, "alice")
    headers = {**alice, "Idempotency-Key": "deposit-1"}

    first = await client.post("/api/cashapp/bank/deposits", json={"amount": "10.00"}, headers=headers)
    second = await client.post("/api/cashapp/bank/deposits", json={"amount": "10.00"}, headers=headers)

    assert first.json()["id"] == second.json()["id"]
    assert (await balances(client, alice))["pending"] == "10.00"


async def test_cash_out_standard_is_held_and_instant_pays_a_fee(client, platform) -> None:
    alice = await join(client, "alice")
    await fund(client, platform, alice, "100.00")

    standard = await client.post("/api/cashapp/bank/withdrawals", json={"amount": "30.00"}, headers=alice)
    instant = await client.post("/api/cashapp/bank/withdrawals", json={"amount": "20.00", "speed": "instant"},
                                headers=alice)

    assert (standard.status_code, standard.json()["status"], standard.json()["fee"]) == (201, "pending", "0.00")
    assert (instant.status_code, instant.json()["status"], instant.json()["fee"]) == (201, "settled", "0.30")
    assert await balances(client, alice) == {"currency": "USD", "available": "49.70", "pending": "0.00",
                                             "posted": "79.70"}


async def test_cash_out_past_the_balance_or_with_a_bad_amount_changes_nothing(client, platform) -> None:
    alice = await join(client, "alice")
    await fund(client, platform, alice, "10.00")
    before, money_before = await counts(platform), await balances(client, alice)

    too_much = await client.post("/api/cashapp/bank/withdrawals", json={"amount": "10.01"}, headers=alice)
    fee_too_much = await client.post("/api/cashapp/bank/withdrawals", json={"amount": "10.00", "speed": "instant"},
                                     headers=alice)
    bad = await client.post("/api/cashapp/bank/withdrawals", json={"amount": "1.234"}, headers=alice)
    bad_speed = await client.post("/api/cashapp/bank/withdrawals", json={"amount": "1.00", "speed": "warp"},
                                  headers=alice)
    bad_deposit = await client.post("/api/cashapp/bank/deposits", json={"amount": "0"}, headers=alice)

    assert [(a.status_code, a.json()["code"]) for a in (too_much, fee_too_much, bad, bad_deposit)] == [
        (409, "insufficient_funds"), (409, "insufficient_funds"), (422, "invalid_amount"), (422, "invalid_amount")]
    assert bad_speed.status_code in (400, 422)
    assert await counts(platform) == before
    assert await balances(client, alice) == money_before


async def test_a_profile_starts_with_one_default_bank_link_and_can_add_more(client, platform) -> None:
    alice = await join(client, "alice")
    first = (await client.get("/api/cashapp/bank/links", headers=alice)).json()["items"]

    added = await client.post("/api/cashapp/bank/links", json={"name": "  Savings  at  Chase ",
                                                               "account_last4": "6789"}, headers=alice)
    random_digits = await client.post("/api/cashapp/bank/links", json={"name": "Credit union"}, headers=alice)
    links = (await client.get("/api/cashapp/bank/links", headers=alice)).json()["items"]

    assert [(link["name"], link["is_default"]) for link in first] == [("Simulated Checking", True)]
    assert added.status_code == 201
    assert {k: added.json()[k] for k in ("name", "account_last4", "is_default")} == {
        "name": "Savings at Chase", "account_last4": "6789", "is_default": False}
    assert random_digits.status_code == 201 and len(random_digits.json()["account_last4"]) == 4
    assert [link["id"] for link in links] == [first[0]["id"], added.json()["id"], random_digits.json()["id"]]
    assert [link["is_default"] for link in links] == [True, False, False]


async def test_deposits_and_cash_outs_use_the_named_link_or_the_default(client, platform) -> None:
    alice = await join(client, "alice")
    default_id = (await client.get("/api/cashapp/bank/links", headers=alice)).json()["items"][0]["id"]
    savings_id = (await client.post("/api/cashapp/bank/links", json={"name": "Savings"}, headers=alice)).json()["id"]
    await fund(client, platform, alice, "50.00")

    from_savings = await client.post("/api/cashapp/bank/deposits", json={"amount": "5.00", "link_id": savings_id},
                                     headers=alice)
    to_savings = await client.post("/api/cashapp/bank/withdrawals",
                                   json={"amount": "7.00", "speed": "instant", "link_id": savings_id}, headers=alice)
    to_default = await client.post("/api/cashapp/bank/withdrawals", json={"amount": "1.00"}, headers=alice)

    assert (from_savings.status_code, from_savings.json()["link_id"]) == (201, savings_id)
    assert (to_savings.status_code, to_savings.json()["link_id"]) == (201, savings_id)
    assert (to_default.status_code, to_default.json()["link_id"]) == (201, default_id)
    async with platform.reader() as uow:
        rows = list(await uow.session.scalars(select(BankTransferRow).order_by(BankTransferRow.id)))
    assert [str(row.link_id) for row in rows] == [default_id, savings_id, savings_id, default_id]


async def test_someone_elses_or_a_malformed_link_is_refused_and_changes_nothing(client, platform) -> None:
    alice, bob = await join(client, "alice"), await join(client, "bob")
    await fund(client, platform, alice, "20.00")
    bobs_link = (await client.get("/api/cashapp/bank/links", headers=bob)).json()["items"][0]["id"]
    before, money_before = await counts(platform), await balances(client, alice)
    transfers_before = await _transfers(platform)

    deposit = await client.post("/api/cashapp/bank/deposits", json={"amount": "5.00", "link_id": bobs_link},
                                headers=alice)
    withdrawal = await client.post("/api/cashapp/bank/withdrawals", json={"amount": "5.00", "link_id": bobs_link},
                                   headers=alice)
    unknown = await client.post("/api/cashapp/bank/deposits", json={"amount": "5.00", "link_id": "12345"},
                                headers=alice)
    malformed = [await client.post("/api/cashapp/bank/deposits", json={"amount": "5.00", "link_id": link_id},
                                   headers=alice) for link_id in ("abc", "-1", "99999999999999999999", "")]

    assert [(a.status_code, a.json()["code"]) for a in (deposit, withdrawal, unknown)] == [
        (404, "bank_link_not_found")] * 3
    assert [(a.status_code, a.json()["errors"][0]["path"]) for a in malformed] == [(422, "link_id")] * 4
    assert await counts(platform) == before and await _transfers(platform) == transfers_before
    assert await balances(client, alice) == money_before


async def test_bank_links_are_limited_and_bad_ones_refused_with_their_field(client, platform) -> None:
    alice = await join(client, "alice")
    added = [await client.post("/api/cashapp/bank/links", json={"name": f"Bank {n}"}, headers=alice)
             for n in range(4)]
    links_before = await _links(platform)

    one_too_many = await client.post("/api/cashapp/bank/links", json={"name": "Bank 5"}, headers=alice)
    bad = [await client.post("/api/cashapp/bank/links", json=body, headers=alice) for body in (
        {"name": " "}, {"name": "x" * 61}, {"name": "Bank", "account_last4": "12"},
        {"name": "Bank", "account_last4": "abcd"})]

    assert [a.status_code for a in added] == [201] * 4
    assert (one_too_many.status_code, one_too_many.json()["code"]) == (409, "bank_links_exceeded")
    assert [(a.status_code, a.json()["errors"][0]["path"]) for a in bad] == [
        (422, "name"), (422, "name"), (422, "account_last4"), (422, "account_last4")]
    assert await _links(platform) == links_before == 5
    assert len((await client.get("/api/cashapp/bank/links", headers=alice)).json()["items"]) == 5


async def test_racing_new_links_never_pass_the_limit(client, platform) -> None:
    alice = await join(client, "alice")

    answers = await asyncio.gather(*(client.post("/api/cashapp/bank/links", json={"name": f"Bank {n}"},
                                                 headers=alice) for n in range(8)))

    assert sorted(answer.status_code for answer in answers) == [201] * 4 + [409] * 4
    assert await _links(platform) == 5


async def test_bank_links_are_private_to_their_owner(client) -> None:
    alice, bob = await join(client, "alice"), await join(client, "bob")
    await client.post("/api/cashapp/bank/links", json={"name": "Alice savings"}, headers=alice)

    bobs = await client.get("/api/cashapp/bank/links", headers=bob)
    anonymous = await client.get("/api/cashapp/bank/links")

    assert [link["name"] for link in bobs.json()["items"]] == ["Simulated Checking"]
    assert anonymous.status_code == 401


async def _links(platform) -> int:
    async with platform.reader() as uow:
        return await uow.session.scalar(select(func.count()).select_from(BankLinkRow)) or 0


async def _transfers(platform) -> int:
    async with platform.reader() as uow:
        return await uow.session.scalar(select(func.count()).select_from(BankTransferRow)) or 0
