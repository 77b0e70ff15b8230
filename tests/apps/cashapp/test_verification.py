"""Identity verification: the simulated check raises the sending limit; every refusal says why."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select, update

from casebook.apps.cashapp.models import ProfileRow, VerificationAttemptRow, VerificationRow
from tests.apps.cashapp.factories import counts, fund, join, pay

ADA = {"legal_name": "Ada  King Lovelace", "date_of_birth": "1990-12-10", "ssn_last4": "1234"}


async def test_verifying_raises_the_sending_limit_and_me_shows_it(client, platform) -> None:
    alice = await join(client, "alice")
    await join(client, "bob")
    await fund(client, platform, alice, "400.00")
    refused = await pay(client, alice, "$bob", "300.00")

    verified = await client.post("/api/cashapp/verification", json=ADA, headers=alice)
    me = await client.get("/api/cashapp/me", headers=alice)
    paid = await pay(client, alice, "$bob", "300.00")

    assert (refused.status_code, refused.json()["code"]) == (429, "sending_limit")
    assert verified.status_code == 200
    body = verified.json()
    assert body.pop("verified_at")
    assert body == {"is_verified": True, "legal_name": "Ada King Lovelace", "ssn_last4": "1234",
                    "attempts_remaining": 0,
                    "limits": {"currency": "USD", "is_verified": True, "sending_limit": "30000.00", "sent": "0.00",
                               "remaining": "30000.00", "window_days": 30}}
    assert "1990" not in verified.text  # the date of birth is kept, never shown back
    assert me.json()["limits"]["is_verified"] is True and me.json()["limits"]["sending_limit"] == "30000.00"
    assert paid.status_code == 201
    async with platform.reader() as uow:
        row = await uow.session.get(VerificationRow, (await _account_id(platform, "$alice")))
    assert (row.legal_name, row.date_of_birth, row.ssn_last4, row.attempts) == (
        "Ada King Lovelace", date(1990, 12, 10), "1234", 1)


async def test_an_unverified_profile_reads_its_state_and_attempts_left(client) -> None:
    alice = await join(client, "alice")

    state = await client.get("/api/cashapp/verification", headers=alice)

    assert state.status_code == 200
    assert state.json() == {"is_verified": False, "legal_name": None, "ssn_last4": None, "verified_at": None,
                            "attempts_remaining": 5,
                            "limits": {"currency": "USD", "is_verified": False, "sending_limit": "250.00",
                                       "sent": "0.00", "remaining": "250.00", "window_days": 30}}


async def test_verifying_again_answers_the_current_state_without_a_new_check(client, platform) -> None:
    alice = await join(client, "alice")
    first = await client.post("/api/cashapp/verification", json=ADA, headers=alice)

    again = await client.post("/api/cashapp/verification",
                              json={**ADA, "legal_name": "Someone Else", "ssn_last4": "0000"}, headers=alice)

    assert again.status_code == 200 and again.json() == first.json()
    assert await _attempts(platform) == 1


async def test_racing_verifications_of_one_profile_run_the_check_once(client, platform) -> None:
    alice = await join(client, "alice")

    answers = await asyncio.gather(*(client.post("/api/cashapp/verification", json=ADA, headers=alice)
                                     for _ in range(5)))

    assert [answer.status_code for answer in answers] == [200] * 5
    assert await _attempts(platform) == 1


async def test_malformed_details_are_refused_with_their_field_and_change_nothing(client, platform) -> None:
    alice = await join(client, "alice")
    tomorrow = (_today() + timedelta(days=2)).isoformat()
    before = await counts(platform)

    answers = [await client.post("/api/cashapp/verification", json={**ADA, **change}, headers=alice)
               for change in ({"legal_name": " "}, {"legal_name": "x" * 101}, {"legal_name": "12345"},
                              {"date_of_birth": "10/12/1990"}, {"date_of_birth": "1990-02-30"},
                              {"date_of_birth": tomorrow}, {"date_of_birth": "1899-12-31"},
                              {"ssn_last4": "123"}, {"ssn_last4": "123-45-6789"}, {"ssn_last4": "12a4"},
                              {"ssn_last4": "١٢٣٤"})]
    missing = await client.post("/api/cashapp/verification", json={"legal_name": "Ada"}, headers=alice)
    full_ssn = await client.post("/api/cashapp/verification", json={**ADA, "ssn": "123456789"}, headers=alice)

    assert [(a.status_code, a.json()["errors"][0]["path"]) for a in answers] == [
        (422, "legal_name")] * 3 + [(422, "date_of_birth")] * 4 + [(422, "ssn_last4")] * 4
    assert all(a.headers["content-type"].startswith("application/problem+json") for a in answers)
    assert "123-45-6789" not in answers[8].text
    assert missing.status_code in (400, 422) and full_ssn.status_code in (400, 422)
    assert "123456789" not in full_ssn.text
    assert await counts(platform) == before and await _attempts(platform) == 0
    assert (await client.get("/api/cashapp/me", headers=alice)).json()["limits"]["is_verified"] is False


async def test_under_18_is_refused_and_counted_as_a_failed_attempt(client, platform) -> None:
    alice = await join(client, "alice")
    today = _today()
    seventeen = today.replace(year=today.year - 17).isoformat() if (today.month, today.day) != (2, 29) \
        else date(today.year - 17, 2, 28).isoformat()

    refused = await client.post("/api/cashapp/verification", json={**ADA, "date_of_birth": seventeen},
                                headers=alice)
    state = await client.get("/api/cashapp/verification", headers=alice)

    assert (refused.status_code, refused.json()["code"], refused.json()["errors"][0]["path"]) == (
        422, "underage", "date_of_birth")
    assert "18" in refused.json()["detail"]
    assert state.json()["is_verified"] is False and state.json()["attempts_remaining"] == 4


async def test_an_unmatched_identity_fails_verification_and_says_why(client, platform) -> None:
    alice = await join(client, "alice")

    failed = await client.post("/api/cashapp/verification", json={**ADA, "ssn_last4": "0000"}, headers=alice)
    retried = await client.post("/api/cashapp/verification", json=ADA, headers=alice)

    assert (failed.status_code, failed.json()["code"], failed.json()["errors"][0]["path"]) == (
        422, "verification_failed", "ssn_last4")
    assert "could not match" in failed.json()["detail"]
    assert retried.status_code == 200 and retried.json()["is_verified"] is True
    async with platform.reader() as uow:
        row = await uow.session.get(VerificationRow, await _account_id(platform, "$alice"))
        outcomes = list(await uow.session.scalars(select(VerificationAttemptRow.outcome)
                                                  .order_by(VerificationAttemptRow.id)))
    assert row.attempts == 2 and outcomes == ["failed", "verified"]


async def test_five_failures_in_a_day_block_attempts_until_the_oldest_is_a_day_old(client, platform) -> None:
    alice = await join(client, "alice")
    failures = [await client.post("/api/cashapp/verification", json={**ADA, "ssn_last4": "0000"}, headers=alice)
                for _ in range(5)]

    blocked = await client.post("/api/cashapp/verification", json=ADA, headers=alice)
    async with platform.uow() as uow:  # a day passes
        await uow.session.execute(update(VerificationAttemptRow)
                                  .values(created_at=uow.now() - timedelta(days=1, seconds=1)))
    allowed = await client.post("/api/cashapp/verification", json=ADA, headers=alice)

    assert [failure.status_code for failure in failures] == [422] * 5
    assert (blocked.status_code, blocked.json()["code"]) == (429, "verification_attempts")
    assert 0 < int(blocked.headers["retry-after"]) <= 24 * 3600
    assert allowed.status_code == 200 and allowed.json()["is_verified"] is True
    assert await _attempts(platform) == 6  # the blocked one ran no check


async def test_verification_needs_a_signed_in_caller(client) -> None:
    answer = await client.post("/api/cashapp/verification", json=ADA)

    assert answer.status_code == 401


async def _attempts(platform) -> int:
    async with platform.reader() as uow:
        return await uow.session.scalar(select(func.count()).select_from(VerificationAttemptRow)) or 0


async def _account_id(platform, cashtag: str) -> int:
    async with platform.reader() as uow:
        return await uow.session.scalar(select(ProfileRow.account_id).where(ProfileRow.cashtag == cashtag))


def _today() -> date:
    return datetime.now(UTC).date()  # the server's calendar is UTC
