"""The ledger's use cases: open accounts, move money through the writer, read balances and activity."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import msgspec

from casebook.engines.ledger import batch as batching
from casebook.engines.ledger import errors, limits, model, repository, writer
from casebook.platform.uow import UnitOfWork

if TYPE_CHECKING:
    from casebook.platform.bootstrap import Platform


async def open_account(uow: UnitOfWork, *, code: str, currency: str, normal_side: model.Side,
                       debits_must_not_exceed_credits: bool = False, credits_must_not_exceed_debits: bool = False,
                       overdraft_minor: int = 0, owner_ref: str | None = None,
                       metadata: dict[str, Any] | None = None) -> model.Account:
    """Open an account, or return the one with this code when its settings are the same (safe to retry).

    A customer wallet is credit-normal with `debits_must_not_exceed_credits`: it cannot go below zero.
    """
    if not 0 < len(code) <= limits.CODE_CHARS_MAX:
        raise errors.InvalidRequest(f"code must have 1 to {limits.CODE_CHARS_MAX} characters", field="code")
    if normal_side not in model.SIDES:
        raise errors.InvalidRequest("normal_side must be debit or credit", field="normal_side")
    if owner_ref is not None and len(owner_ref) > limits.OWNER_REF_CHARS_MAX:
        raise errors.InvalidRequest(f"owner_ref is over {limits.OWNER_REF_CHARS_MAX} characters", field="owner_ref")
    if not isinstance(overdraft_minor, int) or not 0 <= overdraft_minor <= limits.OVERDRAFT_MAX_MINOR:
        raise errors.InvalidAmount("overdraft_minor must be a non-negative integer", field="overdraft_minor")
    model.check_currency(currency)
    settings = {"code": code, "currency": currency, "normal_side": normal_side,
                "debits_must_not_exceed_credits": debits_must_not_exceed_credits,
                "credits_must_not_exceed_debits": credits_must_not_exceed_debits,
                "overdraft_minor": overdraft_minor, "owner_ref": owner_ref}
    values = {**settings, "id": uow.new_id(), "is_closed": False, "metadata": metadata or {},
              "created_at": uow.now(), **dict.fromkeys(repository.BALANCE_COLUMNS, 0)}
    await repository.insert_account(uow.session, values)
    account = _account(await repository.account_row(uow.session, code=code))
    if any(getattr(account, name) != value for name, value in settings.items()):
        raise errors.AccountCodeTaken(f"account {code!r} exists with other settings", field="code")
    return account


async def get_account(uow: UnitOfWork, account_id: int) -> model.Account:
    row = await repository.account_row(uow.session, account_id=account_id)
    if row is None:
        raise errors.AccountNotFound(f"account {account_id} does not exist")
    return _account(row)


async def find_account_by_code(uow: UnitOfWork, code: str) -> model.Account | None:
    row = await repository.account_row(uow.session, code=code)
    return None if row is None else _account(row)


async def find_accounts_by_owner(uow: UnitOfWork, owner_ref: str) -> list[model.Account]:
    """At most ACCOUNTS_PER_OWNER_MAX, oldest first."""
    rows = await repository.accounts_by_owner(uow.session, owner_ref, limit=limits.ACCOUNTS_PER_OWNER_MAX)
    return [_account(row) for row in rows]


async def close_account(uow: UnitOfWork, account_id: int) -> model.Account:
    """Close an empty account; later transfers to or from it are refused with AccountClosed."""
    row = await repository.account_row(uow.session, account_id=account_id, lock=True)
    if row is None:
        raise errors.AccountNotFound(f"account {account_id} does not exist")
    state = model.AccountState(**{name: getattr(row, name) for name in repository.STATE_COLUMNS})
    balances = model.balances_of(state)
    if balances.posted_minor or state.debits_pending_minor or state.credits_pending_minor:
        raise errors.AccountNotEmpty(f"account {row.code} still has a balance or pending amounts")
    await uow.session.execute(repository.accounts_table.update()
                              .where(repository.accounts_table.c.id == account_id).values(is_closed=True))
    return msgspec.structs.replace(_account(row), is_closed=True)


async def commit(uow: UnitOfWork, requests: Sequence[model.Request], *,
                 store_refusals: bool = True) -> list[model.TransferResult]:
    """Apply `requests` inside the caller's unit of work (no batching writer): for callers that must
    commit money together with their own rows and events, such as scheduled jobs and other engines.
    Results hold only once `uow` commits; on SQLite, never call the writer-based functions from
    inside an open write unit of work (they would wait for the writer connection it holds).
    With `store_refusals=False` a refused request leaves no row, so its key may succeed later."""
    return await batching.commit_batch(uow, requests, store_refusals=store_refusals)


async def submit(platform: Platform, requests: Sequence[model.Request], *,
                 batch: bool = True) -> list[model.TransferResult]:
    """Commit each request (through the batching writer, or with `batch=False` one transaction each)
    and return one result per request, in order. A malformed request gets a refusal, unstored."""
    if len(requests) > limits.REQUESTS_PER_SUBMIT_MAX:
        raise errors.InvalidRequest(f"at most {limits.REQUESTS_PER_SUBMIT_MAX} requests per call")
    results: list[model.TransferResult | None] = []
    valid: list[model.Request] = []
    for request in requests:
        try:
            model.validate_request(request)
        except errors.CasebookError as refusal:
            results.append(model.TransferResult(key=request.key, error_code=refusal.code, error_detail=refusal.detail))
        else:
            results.append(None)
            valid.append(request)
    commit = writer.submit_batched if batch else writer.submit_one_by_one
    committed = iter(await commit(platform, valid))
    return [result if result is not None else next(committed) for result in results]


async def submit_one(platform: Platform, request: model.Request, *, batch: bool = True) -> model.Transaction:
    """Commit one request and return its transaction, or raise its refusal."""
    model.validate_request(request)  # raise the precise error (with its field) before queueing
    [result] = await submit(platform, [request], batch=batch)
    return result.unwrap()


async def transfer(platform: Platform, *, key: str, debit_account_id: int, credit_account_id: int,
                   amount_minor: int, currency: str, pending: bool = False, timeout_s: int | None = None,
                   metadata: dict[str, Any] | None = None,
                   events: Sequence[model.EventSpec] = ()) -> model.Transaction:
    """The common two-leg case: debit one account, credit another (or reserve it, with `pending`)."""
    legs = (model.Leg(account_id=debit_account_id, side="debit", amount_minor=amount_minor, currency=currency),
            model.Leg(account_id=credit_account_id, side="credit", amount_minor=amount_minor, currency=currency))
    return await transact(platform, key=key, legs=legs, pending=pending, timeout_s=timeout_s,
                          metadata=metadata, events=events)


async def transact(platform: Platform, *, key: str, legs: Sequence[model.Leg], pending: bool = False,
                   timeout_s: int | None = None, metadata: dict[str, Any] | None = None,
                   events: Sequence[model.EventSpec] = ()) -> model.Transaction:
    """A multi-leg transaction; the legs must balance in every currency."""
    return await submit_one(platform, model.Transfer(
        key=key, legs=tuple(legs), is_pending=pending, timeout_s=timeout_s, metadata=metadata or {},
        events=tuple(events)))


async def post_pending(platform: Platform, *, key: str, pending_id: int, amount_minor: int | None = None,
                       metadata: dict[str, Any] | None = None,
                       events: Sequence[model.EventSpec] = ()) -> model.Transaction:
    return await submit_one(platform, model.PostPending(key=key, pending_id=pending_id, amount_minor=amount_minor,
                                                        metadata=metadata or {}, events=tuple(events)))


async def void_pending(platform: Platform, *, key: str, pending_id: int, metadata: dict[str, Any] | None = None,
                       events: Sequence[model.EventSpec] = ()) -> model.Transaction:
    return await submit_one(platform, model.VoidPending(key=key, pending_id=pending_id, metadata=metadata or {},
                                                        events=tuple(events)))


async def reverse(platform: Platform, *, key: str, transaction_id: int, metadata: dict[str, Any] | None = None,
                  events: Sequence[model.EventSpec] = ()) -> model.Transaction:
    return await submit_one(platform, model.Reverse(key=key, transaction_id=transaction_id,
                                                    metadata=metadata or {}, events=tuple(events)))


async def expire_pending(uow_or_platform: UnitOfWork | Platform, *, now: datetime | None = None,
                         limit: int = limits.EXPIRE_BATCH_MAX) -> int:
    """Void pendings past their expiry; returns how many. With a unit of work (the scheduler's),
    inside it; with a platform, through the writer."""
    is_uow = isinstance(uow_or_platform, UnitOfWork)
    platform = uow_or_platform.platform if is_uow else uow_or_platform
    now = now or platform.clock.now()
    if is_uow:
        overdue = await repository.overdue_pending_ids(uow_or_platform.session, now=now, limit=limit)
    else:
        async with platform.reader() as reader:
            overdue = await repository.overdue_pending_ids(reader.session, now=now, limit=limit)
    requests = [model.ExpirePending(key=f"expire:{pending_id}", pending_id=pending_id) for pending_id in overdue]
    if is_uow:
        results = await batching.commit_batch(uow_or_platform, requests, now=now)
    else:
        results = await submit(platform, requests)
    return sum(result.is_ok for result in results)


async def get_transaction(uow: UnitOfWork, transaction_id: int) -> model.Transaction:
    found = await repository.load_transactions(uow.session, [transaction_id])
    if transaction_id not in found:
        raise errors.TransactionNotFound(f"transaction {transaction_id} does not exist")
    return found[transaction_id]


async def balances(uow: UnitOfWork, account_id: int) -> model.Balances:
    """Read from the account row in the database, never from a cache: balances must not be stale."""
    row = await repository.account_row(uow.session, account_id=account_id)
    if row is None:
        raise errors.AccountNotFound(f"account {account_id} does not exist")
    return model.balances_of(model.AccountState(**{name: getattr(row, name) for name in repository.STATE_COLUMNS}))


async def balance_as_of(uow: UnitOfWork, account_id: int, at: datetime) -> model.Balances:
    """Balances at a past moment, summed from the immutable postings."""
    account = await get_account(uow, account_id)
    totals = await repository.entry_totals(uow.session, account_id, at=at)
    return model.balances_of(model.AccountState(id=account.id, code=account.code, currency=account.currency,
                                                normal_side=account.normal_side, **totals))


async def list_postings(uow: UnitOfWork, account_id: int, *, before_id: int | None = None,
                        limit: int = 50) -> model.PostingPage:
    """An account's activity, newest first; pass `next_before_id` back for the next page."""
    limit = max(1, min(limit, limits.POSTINGS_PAGE_MAX))
    rows = await repository.entries_page(uow.session, account_id, before_id=before_id, limit=limit + 1)
    items = tuple(model.Posting(
        id=row.id, transaction_id=row.transaction_id, kind=row.kind, account_id=row.account_id,
        currency=row.currency, side=row.side, phase=row.phase, amount_minor=row.amount_minor,
        created_at=row.created_at, metadata=row.transaction_metadata) for row in rows[:limit])
    return model.PostingPage(items=items, next_before_id=items[-1].id if len(rows) > limit else None)


def _account(row: Any) -> model.Account:
    mapping = row._mapping
    return model.Account(**{name: mapping[name] for name in model.Account.__struct_fields__})

