"""Accounts and money for ledger tests: a world (source of funds) account and customer wallets."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from casebook.engines import ledger
from casebook.engines.ledger.models import TransactionRow
from casebook.platform.bootstrap import Platform
from casebook.platform.bus.models import OutboxRow


def new_key() -> str:
    return uuid.uuid4().hex


async def open_world(platform: Platform, currency: str = "USD") -> ledger.Account:
    """Where outside money comes from: a debit-normal account with no limit (a bank settlement account)."""
    async with platform.uow() as uow:
        return await ledger.open_account(uow, code=f"world:{currency}", currency=currency, normal_side="debit")


async def open_wallet(platform: Platform, name: str, currency: str = "USD", *, overdraft_minor: int = 0,
                      owner_ref: str | None = None) -> ledger.Account:
    """A customer wallet: credit-normal and never below zero (less its overdraft)."""
    async with platform.uow() as uow:
        return await ledger.open_account(uow, code=f"wallet:{name}:{currency}", currency=currency,
                                         normal_side="credit", debits_must_not_exceed_credits=True,
                                         overdraft_minor=overdraft_minor, owner_ref=owner_ref or name)


async def fund(platform: Platform, world: ledger.Account, wallet: ledger.Account, amount_minor: int) -> None:
    await ledger.transfer(platform, key=new_key(), debit_account_id=world.id, credit_account_id=wallet.id,
                          amount_minor=amount_minor, currency=wallet.currency)


async def available(platform: Platform, account: ledger.Account) -> int:
    async with platform.reader() as uow:
        return (await ledger.balances(uow, account.id)).available_minor


async def posted(platform: Platform, account: ledger.Account) -> int:
    async with platform.reader() as uow:
        return (await ledger.balances(uow, account.id)).posted_minor


async def counts(platform: Platform) -> tuple[int, int]:
    """(ledger transactions, ledger events in the outbox): what a refusal must leave unchanged."""
    async with platform.reader() as uow:
        transactions = await uow.session.scalar(select(func.count()).select_from(TransactionRow))
        events = await uow.session.scalar(select(func.count()).select_from(OutboxRow)
                                          .where(OutboxRow.subject.like("casebook.ledger.%")))
    return transactions or 0, events or 0
