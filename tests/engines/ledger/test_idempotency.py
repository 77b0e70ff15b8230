"""Idempotency keys: a retry returns the first result (success or refusal); another request is refused."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from casebook.engines import ledger
from casebook.engines.ledger.models import TransactionRow
from tests.engines.ledger.factories import available, counts, fund, open_wallet, open_world


async def _pair(platform):
    world = await open_world(platform)
    alice, bob = await open_wallet(platform, "alice"), await open_wallet(platform, "bob")
    await fund(platform, world, alice, 1_000)
    return alice, bob


def _pay(alice, bob, amount_minor: int, *, key: str = "pay-1") -> dict:
    return {"key": key, "debit_account_id": alice.id, "credit_account_id": bob.id, "amount_minor": amount_minor,
            "currency": "USD"}


async def test_a_retry_returns_the_first_transaction_and_moves_nothing(verified_platform) -> None:
    platform = verified_platform
    alice, bob = await _pair(platform)

    first = await ledger.transfer(platform, **_pay(alice, bob, 300), metadata={"note": "lunch"})
    before = await counts(platform)
    retry = await ledger.transfer(platform, **_pay(alice, bob, 300), metadata={"note": "lunch"})

    assert retry == first
    assert await counts(platform) == before
    assert await available(platform, alice) == 700


async def test_the_same_key_with_another_request_is_refused(verified_platform) -> None:
    platform = verified_platform
    alice, bob = await _pair(platform)
    await ledger.transfer(platform, **_pay(alice, bob, 300))
    before = await counts(platform)

    with pytest.raises(ledger.IdempotencyMismatch) as refused:
        await ledger.transfer(platform, **_pay(alice, bob, 301))
    with pytest.raises(ledger.IdempotencyMismatch):
        await ledger.void_pending(platform, key="pay-1", pending_id=1)

    assert refused.value.status == 422 and refused.value.code == "idempotency_key_mismatch"
    assert await counts(platform) == before
    assert await available(platform, alice) == 700


async def test_a_refusal_is_stored_and_replayed_even_after_funds_arrive(verified_platform) -> None:
    platform = verified_platform
    alice, bob = await _pair(platform)
    with pytest.raises(ledger.InsufficientFunds):
        await ledger.transfer(platform, **_pay(alice, bob, 5_000))
    await fund(platform, await open_world(platform), alice, 10_000)

    with pytest.raises(ledger.InsufficientFunds):  # the key's first answer stands, as TigerBeetle's id_already_failed
        await ledger.transfer(platform, **_pay(alice, bob, 5_000))

    assert await available(platform, alice) == 11_000


async def test_concurrent_submissions_of_one_key_make_exactly_one_transaction(verified_platform) -> None:
    platform = verified_platform
    alice, bob = await _pair(platform)
    before, _events = await counts(platform)

    results = await asyncio.gather(*(ledger.transfer(platform, **_pay(alice, bob, 250, key="same"))
                                     for _ in range(20)))

    assert len({result.id for result in results}) == 1
    assert (await counts(platform))[0] == before + 1
    assert await available(platform, alice) == 750


async def test_duplicates_inside_one_batch_share_the_first_result(verified_platform) -> None:
    platform = verified_platform
    alice, bob = await _pair(platform)
    request = ledger.Transfer(key="dup", legs=(
        ledger.Leg(account_id=alice.id, side="debit", amount_minor=100, currency="USD"),
        ledger.Leg(account_id=bob.id, side="credit", amount_minor=100, currency="USD")))
    other = ledger.Transfer(key="dup", legs=request.legs[::-1])

    results = await ledger.submit(platform, [request, request, other])

    assert results[0].transaction == results[1].transaction
    assert results[2].error_code == "idempotency_key_mismatch"
    assert await available(platform, alice) == 900


async def test_one_by_one_mode_gives_the_same_answers(verified_platform) -> None:
    platform = verified_platform
    alice, bob = await _pair(platform)
    requests = [ledger.Transfer(key=f"k{index}", legs=(
        ledger.Leg(account_id=alice.id, side="debit", amount_minor=amount, currency="USD"),
        ledger.Leg(account_id=bob.id, side="credit", amount_minor=amount, currency="USD")))
        for index, amount in enumerate((600, 600, 400))]

    results = await ledger.submit(platform, requests, batch=False)
    retried = await ledger.submit(platform, requests, batch=True)

    assert [result.error_code for result in results] == [None, "insufficient_funds", None]
    assert retried == results
    async with platform.reader() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(TransactionRow)) == 3  # fund + 2
