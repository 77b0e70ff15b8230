"""The batch's driver SQL (arrays unnested on PostgreSQL, executemany on SQLite) writes and reads exact rows."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from casebook.engines import ledger
from casebook.engines.ledger import repository
from casebook.engines.ledger.models import AccountRow, EntryRow, RequestRow, TransactionRow
from tests.engines.ledger.factories import open_wallet, open_world

# goes over as JSON text inside the rows' JSON on PostgreSQL: quotes, backslashes, non-ASCII and ids past 2**53
METADATA = {"note": 'caf\u00e9 "day" \\ \U0001f389', "lines": [1, 2], "ref": 2**62 + 1, "nested": {"ok": True}}


async def test_one_batch_writes_every_table_exactly(frozen_platform, frozen_clock) -> None:
    platform, now = frozen_platform, frozen_clock.now()
    world = await open_world(platform)
    alice, bob = await open_wallet(platform, "alice"), await open_wallet(platform, "bob")

    fund = ledger.Transfer(key="fund", metadata=METADATA, legs=(
        ledger.Leg(account_id=world.id, side="debit", amount_minor=1_000, currency="USD"),
        ledger.Leg(account_id=alice.id, side="credit", amount_minor=1_000, currency="USD")))

    async with platform.uow() as uow:
        first = await ledger.commit(uow, [
            fund,
            ledger.Transfer(key="hold", is_pending=True, timeout_s=60, legs=(
                ledger.Leg(account_id=alice.id, side="debit", amount_minor=300, currency="USD"),
                ledger.Leg(account_id=bob.id, side="credit", amount_minor=300, currency="USD"))),
            ledger.Transfer(key="too-much", legs=(
                ledger.Leg(account_id=alice.id, side="debit", amount_minor=5_000, currency="USD"),
                ledger.Leg(account_id=bob.id, side="credit", amount_minor=5_000, currency="USD"))),
        ])
    hold = first[1].unwrap()
    async with platform.uow() as uow:
        second = await ledger.commit(uow, [ledger.PostPending(key="capture", pending_id=hold.id, amount_minor=200),
                                           fund])

    assert [result.error_code for result in first] == [None, None, "insufficient_funds"]
    assert second[1] == first[0]  # the key's first answer, not a second transfer
    async with platform.reader() as reader:
        session = reader.session
        transactions = {row.key: row for row in (await session.scalars(select(TransactionRow))).all()}
        entries = (await session.scalars(select(EntryRow).order_by(EntryRow.id))).all()
        requests = {row.key: row for row in (await session.scalars(select(RequestRow))).all()}
        accounts = {row.id: row for row in (await session.scalars(select(AccountRow))).all()}
    assert sorted(transactions) == ["capture", "fund", "hold"]
    assert transactions["fund"].meta == METADATA
    assert transactions["fund"].created_at == now and transactions["fund"].created_at.utcoffset() == timedelta(0)
    assert (transactions["hold"].status, transactions["hold"].expires_at) == ("posted", now + timedelta(seconds=60))
    assert (transactions["capture"].kind, transactions["capture"].pending_id) == ("post_pending", hold.id)
    assert [(entry.account_id, entry.side, entry.phase, entry.amount_minor) for entry in entries] == [
        (world.id, "debit", "posted", 1_000), (alice.id, "credit", "posted", 1_000),
        (alice.id, "debit", "pending", 300), (bob.id, "credit", "pending", 300),
        (alice.id, "debit", "released", 300), (bob.id, "credit", "released", 300),
        (alice.id, "debit", "posted", 200), (bob.id, "credit", "posted", 200)]
    assert all(entry.created_at == now for entry in entries)
    assert sorted(requests) == ["capture", "fund", "hold", "too-much"]
    assert (requests["too-much"].transaction_id, requests["too-much"].error_code) == (None, "insufficient_funds")
    assert requests["fund"].transaction_id == transactions["fund"].id
    assert [(row.debits_posted_minor, row.credits_posted_minor, row.debits_pending_minor,
             row.credits_pending_minor) for row in (accounts[alice.id], accounts[bob.id])] == [
        (200, 1_000, 0, 0), (0, 200, 0, 0)]


async def test_batch_reads_answer_known_keys_and_typed_account_states(frozen_platform) -> None:
    platform = frozen_platform
    world = await open_world(platform)
    alice = await open_wallet(platform, "alice")
    await ledger.submit(platform, [ledger.Transfer(key="fund", legs=(
        ledger.Leg(account_id=world.id, side="debit", amount_minor=700, currency="USD"),
        ledger.Leg(account_id=alice.id, side="credit", amount_minor=700, currency="USD")))])

    async with platform.uow() as uow:
        stored = await repository.stored_requests(uow.session, {"fund", "never-used"})
        states = await repository.load_account_states(uow.session, {alice.id, world.id, 424242})

    assert sorted(stored) == ["fund"]
    assert stored["fund"].error_code is None and stored["fund"].transaction_id is not None
    assert sorted(states) == sorted([alice.id, world.id])
    wallet = states[alice.id]
    assert (wallet.debits_must_not_exceed_credits, wallet.credits_must_not_exceed_debits, wallet.is_closed) == (
        True, False, False)
    assert (wallet.credits_posted_minor, wallet.debits_posted_minor, wallet.code) == (700, 0, alice.code)
