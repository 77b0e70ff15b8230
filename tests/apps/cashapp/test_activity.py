"""Activity feed and statements from the ledger, and live notifications of money and requests."""

from __future__ import annotations

import asyncio
import csv
import io

from casebook.engines import payments
from casebook.platform import realtime
from tests.apps.cashapp.factories import fund, join, pay


async def _account_id(client, headers) -> int:
    return int((await client.get("/api/accounts/me", headers=headers)).json()["id"])


async def test_activity_lists_every_movement_newest_first_with_status_and_counterparty(client, platform) -> None:
    alice, bob = await join(client, "alice"), await join(client, "bob")
    await fund(client, platform, alice, "50.00")
    await client.post("/api/cashapp/bank/deposits", json={"amount": "5.00"}, headers=alice)  # left pending
    refunded = (await pay(client, alice, "$bob", "10.00", note="dinner")).json()["id"]
    await pay(client, alice, "$bob", "2.50", note="=HYPERLINK(\"x\")")
    await client.post(f"/api/cashapp/payments/{refunded}/refund", headers=bob)
    await client.post("/api/cashapp/bank/withdrawals", json={"amount": "1.00", "speed": "instant"}, headers=alice)

    page = (await client.get("/api/cashapp/activity", headers=alice)).json()

    assert [(i["type"], i["status"], i["amount"], i["counterparty"], i["note"]) for i in page["items"]] == [
        ("cash_out", "completed", "-1.25", None, ""),
        ("refund_received", "completed", "10.00", "$bob", "dinner"),
        ("payment_sent", "completed", "-2.50", "$bob", "=HYPERLINK(\"x\")"),
        ("payment_sent", "refunded", "-10.00", "$bob", "dinner"),
        ("deposit", "pending", "5.00", None, ""),
        ("deposit", "completed", "50.00", None, ""),
    ]
    assert page["next_cursor"] is None
    bob_page = (await client.get("/api/cashapp/activity", headers=bob)).json()
    assert [(i["type"], i["amount"], i["counterparty"]) for i in bob_page["items"]] == [
        ("refund_sent", "-10.00", "$alice"), ("payment_received", "2.50", "$alice"),
        ("payment_received", "10.00", "$alice")]


async def test_activity_pages_with_cursors_without_gaps_or_repeats(client, platform) -> None:
    alice, _bob = await join(client, "alice"), await join(client, "bob")
    await fund(client, platform, alice, "50.00")
    for cents in range(1, 10):
        assert (await pay(client, alice, "$bob", f"0.0{cents}")).status_code == 201

    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 4} | ({"cursor": cursor} if cursor else {})
        page = (await client.get("/api/cashapp/activity", params=params, headers=alice)).json()
        seen += page["items"]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    forged = await client.get("/api/cashapp/activity", params={"cursor": "bm9wZQ"}, headers=alice)
    too_big = await client.get("/api/cashapp/activity", params={"limit": 101}, headers=alice)

    assert pages == 3
    assert [i["amount"] for i in seen] == [f"-0.0{c}" for c in range(9, 0, -1)] + ["50.00"]
    assert len({i["id"] for i in seen}) == 10
    assert (forged.status_code, too_big.status_code) == (422, 422)


async def test_the_monthly_statement_is_a_csv_of_that_month(client, platform) -> None:
    alice, _bob = await join(client, "alice"), await join(client, "bob")
    await fund(client, platform, alice, "50.00")
    await pay(client, alice, "$bob", "3.00", note="=cmd")
    month = platform.clock.now().strftime("%Y-%m")

    statement = await client.get(f"/api/cashapp/statements/{month}.csv", headers=alice)
    empty = await client.get("/api/cashapp/statements/2024-01.csv", headers=alice)
    bad = await client.get("/api/cashapp/statements/2024-13.csv", headers=alice)

    assert statement.status_code == 200 and statement.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(statement.text)))
    assert [(r["type"], r["status"], r["counterparty"], r["note"], r["amount"]) for r in rows] == [
        ("deposit", "completed", "", "", "50.00"), ("payment_sent", "completed", "$bob", "'=cmd", "-3.00")]
    assert f"cashapp-statement-{month}.csv" in statement.headers["content-disposition"]
    assert empty.text == "date,type,status,counterparty,note,amount,currency,transaction_id\n"
    assert bad.status_code == 422


async def test_money_and_requests_are_pushed_live_to_the_counterparty(client, platform) -> None:
    alice, bob = await join(client, "alice"), await join(client, "bob")
    await fund(client, platform, alice, "20.00")
    bob_id = await _account_id(client, bob)
    alice_id = await _account_id(client, alice)

    async with platform.realtime.subscribe(realtime.account_topic(bob_id)) as to_bob, \
            platform.realtime.subscribe(realtime.account_topic(alice_id)) as to_alice:
        await pay(client, alice, "$bob", "4.20", note="coffee")
        received = await asyncio.wait_for(_next(to_bob, "cashapp.payment_received"), timeout=15)
        await client.post("/api/cashapp/requests", json={"from": "$alice", "amount": "1.00", "note": "back"},
                          headers=bob)
        asked = await asyncio.wait_for(_next(to_alice, "cashapp.request_received"), timeout=15)

    assert {k: received[k] for k in ("from", "amount", "currency", "note", "kind")} == {
        "from": "$alice", "amount": "4.20", "currency": "USD", "note": "coffee", "kind": "p2p"}
    assert {k: asked[k] for k in ("from", "amount", "note")} == {"from": "$bob", "amount": "1.00", "note": "back"}


async def _next(subscription, message_type: str) -> dict:
    async for message in subscription:
        if message.get("type") == message_type:
            return message
    raise AssertionError("subscription ended")


async def test_a_settled_deposit_is_pushed_and_a_returned_one_shows_as_failed(client, platform) -> None:
    alice = await join(client, "alice")
    alice_id = await _account_id(client, alice)

    async with platform.realtime.subscribe(realtime.account_topic(alice_id)) as to_alice:
        await fund(client, platform, alice, "7.00")
        settled = await asyncio.wait_for(_next(to_alice, "cashapp.deposit_settled"), timeout=15)
        returned = await client.post("/api/cashapp/bank/deposits", json={"amount": "1.13"}, headers=alice)
        async with platform.uow() as uow:  # the simulated bank returns amounts ending in 13 cents
            await payments.settle_bank_transfer(uow, transfer_id=int(returned.json()["id"]))
        failed = await asyncio.wait_for(_next(to_alice, "cashapp.deposit_failed"), timeout=15)

    page = (await client.get("/api/cashapp/activity", headers=alice)).json()
    assert (settled["amount"], failed["amount"]) == ("7.00", "1.13")
    assert [(i["type"], i["status"], i["amount"]) for i in page["items"]] == [
        ("deposit", "failed", "1.13"), ("deposit", "completed", "7.00")]
    assert (await client.get("/api/cashapp/me", headers=alice)).json()["balances"]["posted"] == "7.00"
