"""The engine's ledger side: its own accounts, and ledger requests committed in a payments unit of work."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Literal, TypeVar

from sqlalchemy.exc import IntegrityError

from casebook.engines import ledger
from casebook.platform.uow import UnitOfWork

if TYPE_CHECKING:
    from casebook.platform.bootstrap import Platform

Result = TypeVar("Result")


def bank_settlement_code(currency: str) -> str:
    """Money at (or owed by) the outside bank: debit-normal and without limit, so it may go negative."""
    return f"payments:bank:{currency}:settlement"


def merchant_settlement_code(currency: str) -> str:
    """What card purchases owe the merchants (through the network): credit-normal, without limit."""
    return f"payments:card:{currency}:merchant_settlement"


def fee_revenue_code(currency: str) -> str:
    return f"payments:fees:{currency}:revenue"


async def system_account(uow: UnitOfWork, code: str, *, currency: str,
                         normal_side: Literal["debit", "credit"]) -> int:
    """The id of one of the engine's own accounts, opened on first use (open_account is safe to race)."""
    found = await ledger.find_account_by_code(uow, code)
    if found is not None:
        return found.id
    account = await ledger.open_account(uow, code=code, currency=currency, normal_side=normal_side,
                                        owner_ref="payments", metadata={"role": code.split(":")[1]})
    return account.id


async def commit(uow: UnitOfWork, *requests: ledger.Request) -> list[ledger.Transaction]:
    """Commit ledger requests in `uow`: they land with the payments rows (and events) or not at all.

    Raises the first refusal; the caller then lets the unit of work roll back. This goes through the
    ledger's batch committer rather than its writer: a payments operation already holds a write
    transaction (on SQLite the only write connection), where waiting on the writer would deadlock.
    """
    results = await ledger.commit(uow, list(requests))
    return [result.unwrap() for result in results]


async def once_per_key(platform: Platform, work: Callable[[UnitOfWork], Awaitable[Result]]) -> Result:
    """Run `work` in its own unit of work. When a rival with the same idempotency key commits first (a unique
    key index refuses this one), run it once more: it then finds and returns the rival's result."""
    try:
        async with platform.uow() as uow:
            return await work(uow)
    except IntegrityError:
        async with platform.uow() as uow:
            return await work(uow)
