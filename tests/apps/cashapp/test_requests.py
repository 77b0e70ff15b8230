"""Money requests: pending until paid, declined or canceled; only the two parties see or act."""

from __future__ import annotations

from decimal import Decimal

from tests.apps.cashapp.factories import available, counts, fund, join


async def _ask(client, requester, payer_cashtag: str, amount: str = "8.50", note: str = "tickets"):
    return await client.post("/api/cashapp/requests", json={"from": payer_cashtag, "amount": amount, "note": note},
                             headers=requester)


async def test_the_person_asked_pays_a_request_once(client, platform) -> None:
    alice, bob = await join(client, "alice"), await join(client, "bob")
    await fund(client, platform, bob, "20.00")
    asked = await _ask(client, alice, "$bob")
    request_id = asked.json()["id"]

    paid = await client.post(f"/api/cashapp/requests/{request_id}/pay", headers=bob)
    again = await client.post(f"/api/cashapp/requests/{request_id}/pay", headers=bob)
    seen = await client.get(f"/api/cashapp/requests/{request_id}", headers=alice)

    assert (asked.status_code, asked.json()["status"], asked.json()["requester"], asked.json()["payer"]) == (
        201, "pending", "$alice", "$bob")
    assert paid.status_code == 201
    assert (paid.json()["sender"], paid.json()["recipient"], paid.json()["amount"], paid.json()["request_id"]) == (
        "$bob", "$alice", "8.50", request_id)
    assert again.json()["id"] == paid.json()["id"]
    assert (seen.json()["status"], seen.json()["payment_id"]) == ("paid", paid.json()["id"])
    assert (await available(client, alice), await available(client, bob)) == (Decimal("8.50"), Decimal("11.50"))


async def test_the_state_machine_refuses_wrong_moves_with_409(client, platform) -> None:
    alice, bob = await join(client, "alice"), await join(client, "bob")
    await fund(client, platform, bob, "20.00")
    declined_id = (await _ask(client, alice, "$bob")).json()["id"]
    canceled_id = (await _ask(client, alice, "$bob")).json()["id"]

    declined = await client.post(f"/api/cashapp/requests/{declined_id}/decline", headers=bob)
    canceled = await client.delete(f"/api/cashapp/requests/{canceled_id}", headers=alice)
    pay_declined = await client.post(f"/api/cashapp/requests/{declined_id}/pay", headers=bob)
    cancel_declined = await client.delete(f"/api/cashapp/requests/{declined_id}", headers=alice)
    decline_canceled = await client.post(f"/api/cashapp/requests/{canceled_id}/decline", headers=bob)

    assert (declined.status_code, declined.json()["status"]) == (200, "declined")
    assert (canceled.status_code, canceled.json()["status"]) == (200, "canceled")
    assert [(a.status_code, a.json()["code"], a.json()["request_status"])
            for a in (pay_declined, cancel_declined, decline_canceled)] == [
        (409, "request_not_pending", "declined"), (409, "request_not_pending", "declined"),
        (409, "request_not_pending", "canceled")]
    assert await available(client, bob) == Decimal("20.00")


async def test_only_the_parties_see_or_act_and_each_only_on_its_side(client, platform) -> None:
    alice, bob, eve = await join(client, "alice"), await join(client, "bob"), await join(client, "eve")
    request_id = (await _ask(client, alice, "$bob")).json()["id"]
    before = await counts(platform)

    eve_answers = [await client.get(f"/api/cashapp/requests/{request_id}", headers=eve),
                   await client.post(f"/api/cashapp/requests/{request_id}/pay", headers=eve),
                   await client.post(f"/api/cashapp/requests/{request_id}/decline", headers=eve),
                   await client.delete(f"/api/cashapp/requests/{request_id}", headers=eve)]
    requester_pays = await client.post(f"/api/cashapp/requests/{request_id}/pay", headers=alice)
    requester_declines = await client.post(f"/api/cashapp/requests/{request_id}/decline", headers=alice)
    payer_cancels = await client.delete(f"/api/cashapp/requests/{request_id}", headers=bob)
    listed_by_eve = await client.get("/api/cashapp/requests", headers=eve)
    listed_by_bob = await client.get("/api/cashapp/requests", params={"status": "pending"}, headers=bob)

    assert [(a.status_code, a.json()["code"]) for a in eve_answers] == [(404, "request_not_found")] * 4
    assert [(a.status_code, a.json()["code"]) for a in (requester_pays, requester_declines, payer_cancels)] == [
        (403, "not_payer"), (403, "not_payer"), (403, "not_requester")]
    assert listed_by_eve.json() == {"items": []}
    assert [item["id"] for item in listed_by_bob.json()["items"]] == [request_id]
    assert await counts(platform) == before


async def test_paying_a_request_without_funds_changes_nothing(client, platform) -> None:
    alice, bob = await join(client, "alice"), await join(client, "bob")
    request_id = (await _ask(client, alice, "$bob")).json()["id"]
    before = await counts(platform)

    refused = await client.post(f"/api/cashapp/requests/{request_id}/pay", headers=bob)

    assert (refused.status_code, refused.json()["code"]) == (409, "insufficient_funds")
    assert await counts(platform) == before
    assert (await client.get(f"/api/cashapp/requests/{request_id}", headers=bob)).json()["status"] == "pending"


async def test_bad_requests_are_refused(client, platform) -> None:
    alice = await join(client, "alice")
    await join(client, "bob")
    before = await counts(platform)

    answers = [await _ask(client, alice, "$alice"), await _ask(client, alice, "$ghost"),
               await _ask(client, alice, "$bob", amount="-1"), await _ask(client, alice, "$bob", amount="0")]

    assert [(a.status_code, a.json()["code"]) for a in answers] == [
        (422, "self_request"), (404, "recipient_not_found"), (422, "invalid_amount"), (422, "invalid_amount")]
    assert await counts(platform) == before
