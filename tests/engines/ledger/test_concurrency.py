"""Many concurrent submitters, and two platforms (two processes) on one database: money stays exact."""

from __future__ import annotations

import asyncio
import random

from sqlalchemy import func, select

from casebook.engines import ledger
from casebook.engines.ledger.models import RequestRow, TransactionRow
from casebook.platform.bootstrap import Platform
from tests.engines.ledger.conftest import quiet_platform
from tests.engines.ledger.factories import fund, open_wallet, open_world

ACCOUNTS = 10
START_MINOR = 10_000


async def _wallets(platform: Platform, prefix: str = "w") -> list[ledger.Account]:
    world = await open_world(platform)
    wallets = [await open_wallet(platform, f"{prefix}{index}") for index in range(ACCOUNTS)]
    for wallet in wallets:
        await fund(platform, world, wallet, START_MINOR)
    return wallets


async def _send_random(platforms: list[Platform], wallets: list[ledger.Account], *, tasks: int, transfers: int,
                       seed: int) -> dict[str, int]:
    """Random transfers from `tasks` concurrent submitters; returns the acknowledged ones: key -> id."""
    rng = random.Random(seed)
    plan = []
    for index in range(transfers):
        source, target = rng.sample(wallets, 2)
        plan.append((f"t{seed}-{index}", source.id, target.id, rng.randint(1, 3_000)))
    acknowledged: dict[str, int] = {}

    async def sender(task_index: int) -> None:
        platform = platforms[task_index % len(platforms)]
        for key, source_id, target_id, amount in plan[task_index::tasks]:
            try:
                transaction = await ledger.transfer(platform, key=key, debit_account_id=source_id,
                                                    credit_account_id=target_id, amount_minor=amount, currency="USD")
            except ledger.InsufficientFunds:
                continue
            acknowledged[key] = transaction.id

    await asyncio.gather(*(sender(index) for index in range(tasks)))
    return acknowledged


async def _assert_exact(platform: Platform, wallets: list[ledger.Account], acknowledged: dict[str, int]) -> None:
    async with platform.reader() as uow:
        totals = [await ledger.balances(uow, wallet.id) for wallet in wallets]
        rows = (await uow.session.execute(
            select(TransactionRow.key, TransactionRow.id).where(TransactionRow.key.in_(list(acknowledged))))).all()
        transfers = await uow.session.scalar(select(func.count()).select_from(TransactionRow)
                                             .where(TransactionRow.key.like("t%")))
    assert sum(balance.posted_minor for balance in totals) == ACCOUNTS * START_MINOR
    assert all(balance.available_minor >= 0 for balance in totals)
    assert dict(rows) == acknowledged  # every acknowledged transfer exists, once, with the id it was told
    assert transfers == len(acknowledged)  # and nothing else was committed
    report = await ledger.verify(platform)
    assert report.violations == []


async def test_fifty_submitters_a_thousand_transfers_stay_exact(verified_platform) -> None:
    platform = verified_platform
    wallets = await _wallets(platform)

    acknowledged = await _send_random([platform], wallets, tasks=50, transfers=1_000, seed=7)

    assert 0 < len(acknowledged) <= 1_000
    await _assert_exact(platform, wallets, acknowledged)


async def test_two_platforms_on_one_database_stay_exact(settings) -> None:
    """Two Platforms stand for two processes: each has its own writer and connections (SQLite: the same file)."""
    async with quiet_platform(settings) as first, quiet_platform(settings) as second:
        wallets = await _wallets(first)

        acknowledged = await _send_random([first, second], wallets, tasks=40, transfers=600, seed=11)
        retried = await _send_random([second, first], wallets, tasks=40, transfers=600, seed=11)

        assert retried == acknowledged  # the same keys again, through the other process: the same answers
        await _assert_exact(second, wallets, acknowledged)
        async with first.reader() as uow:
            keys = await uow.session.scalar(select(func.count()).select_from(RequestRow)
                                            .where(RequestRow.key.like("t%")))
        assert keys == 600  # refusals are stored too


async def test_one_key_racing_through_two_platforms_makes_one_transaction(settings) -> None:
    async with quiet_platform(settings) as first, quiet_platform(settings) as second:
        wallets = await _wallets(first)
        pay = {"key": "race", "debit_account_id": wallets[0].id, "credit_account_id": wallets[1].id,
               "amount_minor": 123, "currency": "USD"}

        results = await asyncio.gather(*(ledger.transfer(platform, **pay) for platform in [first, second] * 10))

        assert len({result.id for result in results}) == 1
        async with second.reader() as uow:
            balances = await ledger.balances(uow, wallets[1].id)
        assert balances.posted_minor == START_MINOR + 123
