"""Idempotency-Key: one effect per key, the stored answer replayed, misuse refused."""

from datetime import timedelta

from sqlalchemy import func, select

from casebook.apps.guestbook.models import EntryRow
from casebook.platform.idempotency.middleware import prune_expired
from casebook.platform.idempotency.models import IdempotencyRow
from tests.accounts import sign_up


async def entries(platform) -> int:
    async with platform.db.read() as session:
        return (await session.execute(select(func.count()).select_from(EntryRow))).scalar_one()


async def test_a_retry_with_the_same_key_returns_the_first_answer_and_writes_once(client, platform) -> None:
    headers = {**await sign_up(client, "retrier"), "Idempotency-Key": "k-1"}

    first = await client.post("/api/guestbook/entries", json={"body": "once"}, headers=headers)
    second = await client.post("/api/guestbook/entries", json={"body": "once"}, headers=headers)

    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert await entries(platform) == 1


async def test_the_same_key_with_another_body_is_422_and_writes_nothing(client, platform) -> None:
    headers = {**await sign_up(client, "reuser"), "Idempotency-Key": "k-2"}
    await client.post("/api/guestbook/entries", json={"body": "first"}, headers=headers)

    response = await client.post("/api/guestbook/entries", json={"body": "second"}, headers=headers)

    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert await entries(platform) == 1


async def test_keys_are_scoped_per_account(client, platform) -> None:
    alice = {**await sign_up(client, "alice_k"), "Idempotency-Key": "shared"}
    bob = {**await sign_up(client, "bob_k"), "Idempotency-Key": "shared"}

    from_alice = await client.post("/api/guestbook/entries", json={"body": "same"}, headers=alice)
    from_bob = await client.post("/api/guestbook/entries", json={"body": "same"}, headers=bob)

    assert from_alice.json()["id"] != from_bob.json()["id"]
    assert await entries(platform) == 2


async def test_a_duplicate_while_the_first_is_in_flight_is_409(client, platform) -> None:
    headers = await sign_up(client, "inflight")
    account_id = (await client.get("/api/accounts/me", headers=headers)).json()["id"]
    now = platform.clock.now()
    import hashlib
    body = b'{"body":"slow"}'
    request_hash = hashlib.sha256(b"\0".join([b"POST", b"/api/guestbook/entries", b"", body])).hexdigest()
    async with platform.db.transaction() as session:
        session.add(IdempotencyRow(scope=f"account:{account_id}", key="k-3", request_hash=request_hash,
                                   is_complete=False, locked_until=now + timedelta(seconds=platform.settings.idempotency_lock_s),
                                   expires_at=now + timedelta(hours=24)))

    response = await client.post("/api/guestbook/entries", content=body, headers={
        **headers, "Idempotency-Key": "k-3", "content-type": "application/json"})

    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_in_progress"
    assert await entries(platform) == 0


async def test_failed_requests_release_the_key(client, platform) -> None:
    headers = {**await sign_up(client, "failing"), "Idempotency-Key": "k-4"}

    refused = await client.post("/api/guestbook/entries", json={"body": ""}, headers=headers)
    assert refused.status_code == 422
    replay = await client.post("/api/guestbook/entries", json={"body": ""}, headers=headers)

    assert replay.headers["idempotent-replayed"] == "true"  # a 4xx is an answer: it is stored
    assert await entries(platform) == 0


async def test_an_empty_or_oversized_key_is_refused(client) -> None:
    headers = await sign_up(client, "badkey")
    for key in ("   ", "k" * 300):
        response = await client.post("/api/guestbook/entries", json={"body": "x"},
                                     headers={**headers, "Idempotency-Key": key})
        assert response.status_code == 422
        assert response.json()["code"] == "invalid_idempotency_key"


async def test_expired_answers_are_pruned(client, platform) -> None:
    headers = {**await sign_up(client, "pruned"), "Idempotency-Key": "k-5"}
    await client.post("/api/guestbook/entries", json={"body": "old"}, headers=headers)
    async with platform.db.transaction() as session:
        row = (await session.scalars(select(IdempotencyRow))).one()
        row.expires_at = platform.clock.now() - timedelta(seconds=1)

    async with platform.uow() as uow:
        assert await prune_expired(uow) == 1
