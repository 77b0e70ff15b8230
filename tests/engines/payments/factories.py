"""Wallets, money and counters for payments tests."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from casebook.engines import ledger, payments
from casebook.engines.ledger.models import RequestRow, TransactionRow
from casebook.engines.payments.models import AuthorizationRow, BankTransferRow, CardRow
from casebook.platform.bootstrap import Platform
from casebook.platform.bus.models import OutboxRow
from casebook.platform.scheduler.models import DelayedJobRow


def new_key() -> str:
    return uuid.uuid4().hex


async def open_wallet(platform: Platform, name: str, currency: str = "USD") -> ledger.Account:
    """A customer wallet as an app opens it: credit-normal, never below zero."""
    async with platform.uow() as uow:
        return await ledger.open_account(uow, code=f"wallet:{name}:{currency}", currency=currency,
                                         normal_side="credit", debits_must_not_exceed_credits=True, owner_ref=name)


async def open_promotions(platform: Platform, currency: str = "USD") -> ledger.Account:
    """An app's Boost budget: debit-normal (an expense), no limit."""
    async with platform.uow() as uow:
        return await ledger.open_account(uow, code=f"promotions:{currency}", currency=currency, normal_side="debit")


async def fund(platform: Platform, wallet: ledger.Account, amount_minor: int) -> None:
    """Money from outside, straight into the wallet (setup only)."""
    async with platform.uow() as uow:
        world = await ledger.open_account(uow, code=f"world:{wallet.currency}", currency=wallet.currency,
                                          normal_side="debit")
    await ledger.transfer(platform, key=new_key(), debit_account_id=world.id, credit_account_id=wallet.id,
                          amount_minor=amount_minor, currency=wallet.currency)


async def balances(platform: Platform, account_id: int) -> ledger.Balances:
    async with platform.reader() as uow:
        return await ledger.balances(uow, account_id)


async def account_by_code(platform: Platform, code: str) -> ledger.Account:
    async with platform.reader() as uow:
        account = await ledger.find_account_by_code(uow, code)
    assert account is not None, code
    return account


async def payments_subjects(platform: Platform) -> list[str]:
    """Payments events in the outbox, oldest first."""
    async with platform.reader() as uow:
        rows = await uow.session.scalars(select(OutboxRow.subject).where(OutboxRow.subject.like("casebook.payments.%"))
                                         .order_by(OutboxRow.id))
        return list(rows)


async def counts(platform: Platform) -> dict[str, int]:
    """Rows a refusal must leave unchanged."""
    tables = {"ledger_transactions": TransactionRow, "ledger_requests": RequestRow, "outbox": OutboxRow,
              "bank_transfers": BankTransferRow, "authorizations": AuthorizationRow, "cards": CardRow,
              "scheduled_jobs": DelayedJobRow}
    async with platform.reader() as uow:
        return {name: await uow.session.scalar(select(func.count()).select_from(table)) or 0
                for name, table in tables.items()}


async def issue_card(platform: Platform, wallet: ledger.Account) -> payments.Card:
    async with platform.uow() as uow:
        return await payments.issue_card(uow, owner_ref=wallet.owner_ref or "someone", wallet_account_id=wallet.id)


async def reveal(platform: Platform, card: payments.Card) -> payments.CardSecrets:
    async with platform.reader() as uow:
        return await payments.reveal_card(uow, card_id=card.id, owner_ref=card.owner_ref)


async def link_bank(platform: Platform, owner_ref: str = "alice") -> payments.BankLink:
    async with platform.uow() as uow:
        return await payments.link_bank(uow, owner_ref=owner_ref, name="Simulated Bank")
