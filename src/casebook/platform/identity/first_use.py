"""An app's per-account record (a profile) created on the account's first request, once, however many race."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from casebook.platform.errors import Conflict
from casebook.platform.identity.models import Account
from casebook.platform.uow import UnitOfWork

if TYPE_CHECKING:
    from casebook.platform.bootstrap import Platform

Record = TypeVar("Record")
CREATE_ATTEMPTS_MAX = 5  # racing first requests of one account: the losers read the winner's record


async def ensure_record(platform: Platform, account_id: int, *,
                        find: Callable[[UnitOfWork], Awaitable[Record | None]],
                        create: Callable[[UnitOfWork], Awaitable[Record]], what: str) -> Record:
    """`find` the record, or `create` it in a write unit of work that first locks the account's identity row,
    so racing first requests queue behind the one that creates it and then read it (SQLite's BEGIN IMMEDIATE
    serializes writers anyway; on PostgreSQL the row lock does). An IntegrityError in `create` (a derived
    unique name taken by someone else at the same moment) is retried."""
    for _attempt in range(CREATE_ATTEMPTS_MAX):
        async with platform.reader() as reader:
            found = await find(reader)
        if found is not None:
            return found
        try:
            async with platform.uow() as uow:
                await uow.session.execute(select(Account.id).where(Account.id == account_id).with_for_update())
                existing = await find(uow)
                if existing is not None:
                    return existing
                return await create(uow)
        except IntegrityError:
            continue
    raise Conflict(f"Your {what} is being created by another request; retry shortly.")
