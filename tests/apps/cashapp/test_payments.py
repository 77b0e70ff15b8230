"""P2P payments: money moves once and atomically, every refusal changes nothing, refunds go back once."""

from __future__ import annotations

import asyncio
import random
import uuid
from decimal import Decimal

from sqlalchemy import func, select

from casebook.apps.cashapp.models import PaymentRow
from casebook.engines import ledger
from casebook.engines.ledger.models import TransactionRow
from casebook.platform.idempotency.models import IdempotencyRow
from tests.apps.cashapp.factories import available, balances, counts, fund, join, pay


async def test_a_payment_moves_money_at_once_with_its_note(client, platform) -> None:
    alice, bob = await join(client, "alice"), await join(client, "bob")
    await fund(client, platform, alice, "100.00")

    sent = await pay(client, alice, "$Bob", "12.34", note="Pizza 🍕")

    assert sent.status_code == 201
    body = sent.json()
    assert {k: body[k] for k in ("sender", "recipient", "amount", "currency", "note", "status", "request_id")} == {
        "sender": "$alice", "recipient": "$bob", "amount": "12.34", "currency": "USD", "note": "Pizza 🍕",
        "status": "completed", "request_id": None}
    assert await balances(client, alice) == {"currency": "USD", "available": "87.66", "pending": "0.00",
                                             "posted": "87.66"}
    assert await balances(client, bob) == {"currency": "USD", "available": "12.34", "pending": "0.00",
                                           "posted": "12.34"}
    async with platform.reader() as uow:
        transaction = await ledger.get_transaction(uow, int(body["id"]))
    me = (await client.get("/api/cashapp/me", headers=alice)).json()
    assert transaction.metadata["kind"] == "p2p" and transaction.metadata["note"] == "Pizza 🍕"
    assert me["limits"]["sent"] == "12.34" and me["limits"]["remaining"] == "237.66"
    seen_by_bob = await client.get(f"/api/cashapp/payments/{body['id']}", headers=bob)
    assert seen_by_bob.json() == body


async def test_refusals_change_nothing(client, platform) -> None:
    alice, bob = await join(client, "alice"), await join(client, "bob")
    await fund(client, platform, alice, "20.00")
    before, alice_before, bob_before = await counts(platform), await balances(client, alice), await balances(client, bob)

    answers = {
        "self": await pay(client, alice, "$alice", "1.00"),
        "unknown": await pay(client, alice, "$nobody_here", "1.00"),
        "bad_cashtag": await pay(client, alice, "not a tag!", "1.00"),
        "zero": await pay(client, alice, "$bob", "0.00"),
        "negative": await pay(client, alice, "$bob", "-5.00"),
        "fraction": await pay(client, alice, "$bob", "1.001"),
        "text": await pay(client, alice, "$bob", "ten"),
        "exponent": await pay(client, alice, "$bob", "1e3"),
        "nan": await pay(client, alice, "$bob", "NaN"),
        "absurd": await pay(client, alice, "$bob", "99999999999.99"),
        "note": await pay(client, alice, "$bob", "1.00", note="x" * 141),
        "funds": await pay(client, alice, "$bob", "20.01"),
        "no_key": await client.post("/api/cashapp/payments", json={"to": "$bob", "amount": "1.00"}, headers=alice),
    }
    number = await client.post("/api/cashapp/payments", json={"to": "$bob", "amount": 5},
                               headers={**alice, "Idempotency-Key": "k-number"})

    summary = {name: (a.status_code, a.json()["code"]) for name, a in answers.items()}
    assert summary == {
        "self": (422, "self_payment"), "unknown": (404, "recipient_not_found"), "bad_cashtag": (422, "invalid_cashtag"),
        "zero": (422, "invalid_amount"), "negative": (422, "invalid_amount"), "fraction": (422, "invalid_amount"),
        "text": (422, "invalid_amount"), "exponent": (422, "invalid_amount"), "nan": (422, "invalid_amount"),
        "absurd": (422, "invalid_amount"), "note": (422, "validation_failed"), "funds": (409, "insufficient_funds"),
        "no_key": (422, "idempotency_key_required"),
    }
    assert all(answers[n].json()["errors"][0]["path"] == "amount"
               for n in ("zero", "negative", "fraction", "text", "exponent", "nan", "absurd"))
    assert number.status_code in (400, 422)
    assert await counts(platform) == before
    assert (await balances(client, alice), await balances(client, bob)) == (alice_before, bob_before)


async def test_retries_with_one_key_move_money_once(client, platform) -> None:
    alice, _bob = await join(client, "alice"), await join(client, "bob")
    await fund(client, platform, alice, "50.00")

    first = await pay(client, alice, "$bob", "5.00", note="lunch", key="key-1")
    second = await pay(client, alice, "$bob", "5.00", note="lunch", key="key-1")
    other_body = await pay(client, alice, "$bob", "6.00", note="lunch", key="key-1")

    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json() == first.json() and second.headers.get("idempotent-replayed") == "true"
    assert other_body.status_code == 422
    assert await available(client, alice) == Decimal("45.00")


async def test_a_retry_whose_stored_answer_was_lost_still_pays_once(client, platform) -> None:
    """The HTTP answer is gone (crash before the middleware stored it): the ledger key still holds."""
    alice, bob = await join(client, "alice"), await join(client, "bob")
    await fund(client, platform, alice, "50.00")
    first = await pay(client, alice, "$bob", "5.00", key="lost-answer")
    async with platform.uow() as uow:
        await uow.session.execute(IdempotencyRow.__table__.delete())

    again = await pay(client, alice, "$bob", "5.00", key="lost-answer")

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["id"] == first.json()["id"] and again.headers.get("idempotent-replayed") == "true"
    assert (await available(client, alice), await available(client, bob)) == (Decimal("45.00"), Decimal("5.00"))


async def test_ten_concurrent_retries_move_money_once(client, platform) -> None:
    alice, bob = await join(client, "alice"), await join(client, "bob")
    await fund(client, platform, alice, "50.00")

    answers = await asyncio.gather(*(pay(client, alice, "$bob", "7.00", key="same-key") for _ in range(10)))

    statuses = sorted(a.status_code for a in answers)
    assert set(statuses) <= {201, 409} and 201 in statuses
    assert len({a.json()["id"] for a in answers if a.status_code == 201}) == 1
    assert all(a.json()["code"] == "idempotency_in_progress" for a in answers if a.status_code == 409)
    assert (await available(client, alice), await available(client, bob)) == (Decimal("43.00"), Decimal("7.00"))
    async with platform.reader() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(PaymentRow)) == 1


async def test_the_rolling_sending_limit_refuses_past_250_dollars(client, platform) -> None:
    alice, _bob = await join(client, "alice"), await join(client, "bob")
    await fund(client, platform, alice, "300.00")
    assert (await pay(client, alice, "$bob", "200.00")).status_code == 201
    before = await counts(platform)

    over = await pay(client, alice, "$bob", "50.01")
    exact = await pay(client, alice, "$bob", "50.00")

    assert (over.status_code, over.json()["code"], over.json()["remaining"]) == (429, "sending_limit", "50.00")
    assert exact.status_code == 201
    assert (await counts(platform))["payments"] == before["payments"] + 1
    me = (await client.get("/api/cashapp/me", headers=alice)).json()
    assert (me["limits"]["sent"], me["limits"]["remaining"]) == ("250.00", "0.00")


async def test_velocity_refuses_an_eleventh_payment_within_a_minute(client, platform) -> None:
    alice, _bob = await join(client, "alice"), await join(client, "bob")
    await fund(client, platform, alice, "20.00")
    for _ in range(10):
        assert (await pay(client, alice, "$bob", "0.01")).status_code == 201
    before = await counts(platform)

    eleventh = await pay(client, alice, "$bob", "0.01")

    assert (eleventh.status_code, eleventh.json()["code"]) == (429, "velocity")
    assert eleventh.headers["retry-after"] == "60"
    assert await counts(platform) == before


async def test_the_receiver_refunds_a_payment_once(client, platform) -> None:
    alice, bob, carol = await join(client, "alice"), await join(client, "bob"), await join(client, "carol")
    await fund(client, platform, alice, "30.00")
    payment_id = (await pay(client, alice, "$bob", "10.00", note="oops")).json()["id"]

    by_sender = await client.post(f"/api/cashapp/payments/{payment_id}/refund", headers=alice)
    by_stranger = await client.post(f"/api/cashapp/payments/{payment_id}/refund", headers=carol)
    refunded = await client.post(f"/api/cashapp/payments/{payment_id}/refund", headers=bob)
    again = await client.post(f"/api/cashapp/payments/{payment_id}/refund", headers=bob)

    assert (by_sender.status_code, by_sender.json()["code"]) == (403, "not_recipient")
    assert (by_stranger.status_code, by_stranger.json()["code"]) == (404, "payment_not_found")
    assert (refunded.status_code, refunded.json()["status"]) == (200, "refunded")
    assert (again.status_code, again.json()["code"]) == (409, "already_refunded")
    assert (await available(client, alice), await available(client, bob)) == (Decimal("30.00"), Decimal("0.00"))


async def test_a_refund_of_money_already_spent_is_refused_and_changes_nothing(client, platform) -> None:
    alice, bob, _carol = await join(client, "alice"), await join(client, "bob"), await join(client, "carol")
    await fund(client, platform, alice, "30.00")
    payment_id = (await pay(client, alice, "$bob", "10.00")).json()["id"]
    assert (await pay(client, bob, "$carol", "5.00")).status_code == 201
    before = await counts(platform)

    refused = await client.post(f"/api/cashapp/payments/{payment_id}/refund", headers=bob)

    assert (refused.status_code, refused.json()["code"]) == (409, "insufficient_funds")
    assert await counts(platform) == before
    assert (await client.get(f"/api/cashapp/payments/{payment_id}", headers=bob)).json()["status"] == "completed"


async def test_concurrent_random_payments_conserve_money_and_each_201_exists_once(client, platform) -> None:
    names = ["ann", "ben", "cat", "dan", "eve"]
    people = {name: await join(client, name) for name in names}
    for headers in people.values():
        await fund(client, platform, headers, "40.00")
    rng = random.Random(7)
    plans = []
    for _ in range(60):
        sender, recipient = rng.sample(names, 2)
        plans.append((sender, recipient, f"{rng.randint(1, 1500) / 100:.2f}", uuid.uuid4().hex))

    answers = await asyncio.gather(*(pay(client, people[s], f"${r}", amount, key=key)
                                     for s, r, amount, key in plans))

    codes = {(a.status_code, a.json().get("code")) for a in answers if a.status_code != 201}
    assert codes <= {(409, "insufficient_funds"), (429, "velocity")}
    accepted = [a.json()["id"] for a in answers if a.status_code == 201]
    assert accepted and len(set(accepted)) == len(accepted)
    total = sum([await available(client, headers) for headers in people.values()], Decimal(0))
    assert total == Decimal("200.00")
    async with platform.reader() as uow:
        stored = set(await uow.session.scalars(select(PaymentRow.id)))
        in_ledger = set(await uow.session.scalars(select(TransactionRow.id).where(
            TransactionRow.id.in_([int(i) for i in accepted]))))
    assert stored == {int(i) for i in accepted} == in_ledger
    report = await ledger.verify(platform)
    assert report.violations == []
