"""Add cash (pending until the simulated bank settles) and cash out, standard or instant."""

from __future__ import annotations

import asyncio

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
