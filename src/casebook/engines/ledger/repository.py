"""SQL of the ledger: load and lock a batch's state, write a batch, and the reads behind balances and feeds."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, String, any_, bindparam, case, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from casebook.engines.ledger import model
from casebook.engines.ledger.models import AccountRow, EntryRow, RequestRow, TransactionRow

accounts_table = AccountRow.__table__
transactions_table = TransactionRow.__table__
entries_table = EntryRow.__table__
requests_table = RequestRow.__table__

BALANCE_COLUMNS = ("debits_posted_minor", "credits_posted_minor", "debits_pending_minor", "credits_pending_minor")
STATE_COLUMNS = ("id", "code", "currency", "normal_side", "debits_must_not_exceed_credits",
                 "credits_must_not_exceed_debits", "overdraft_minor", "is_closed", *BALANCE_COLUMNS)


# On PostgreSQL a batch's keys and account ids are bound as one array each, not as `IN ($1, ..., $n)`: the SQL
# text stays the same whatever the batch's size, so asyncpg's prepared statement is reused. The keys are joined
# from `unnest($1)` rather than tested with `= ANY($1)`: asyncpg keeps a statement's generic plan for the
# connection's life, and one made while the table was small is a sequential scan that compares every row with
# every key of a non-constant array (~35 ms per batch of 250 keys at 15k rows, growing with the table); a join
# from the unnested keys probes the primary key index once per key.
_WANTED_KEYS = (func.unnest(bindparam("keys", type_=postgresql.ARRAY(String())))
                .table_valued("key").render_derived(name="wanted"))
_STORED_REQUESTS_PG = (select(requests_table)
                       .select_from(_WANTED_KEYS.join(requests_table, requests_table.c.key == _WANTED_KEYS.c.key)))
_LOCK_ACCOUNTS_PG = (select(*[accounts_table.c[name] for name in STATE_COLUMNS])
                     .where(accounts_table.c.id == any_(bindparam("ids", type_=postgresql.ARRAY(BigInteger()))))
                     .order_by(accounts_table.c.id).with_for_update())  # locks taken in id order: no deadlock


def _is_postgres(session: AsyncSession) -> bool:
    return session.bind.dialect.name == "postgresql"


async def insert_account(session: AsyncSession, values: dict[str, Any]) -> bool:
    """Insert unless the code exists; True when this call created it (safe when callers race)."""
    dialect_insert = postgresql.insert if _is_postgres(session) else sqlite.insert
    statement = (dialect_insert(accounts_table).values(**values)
                 .on_conflict_do_nothing(index_elements=["code"]).returning(accounts_table.c.id))
    return await session.scalar(statement) is not None


async def account_row(session: AsyncSession, *, account_id: int | None = None, code: str | None = None,
                      lock: bool = False) -> Any:
    column = accounts_table.c.id if account_id is not None else accounts_table.c.code
    statement = select(accounts_table).where(column == (account_id if account_id is not None else code))
    if lock and _is_postgres(session):
        statement = statement.with_for_update()
    return (await session.execute(statement)).first()


async def accounts_by_owner(session: AsyncSession, owner_ref: str, *, limit: int) -> Sequence[Any]:
    statement = (select(accounts_table).where(accounts_table.c.owner_ref == owner_ref)
                 .order_by(accounts_table.c.id).limit(limit))
    return (await session.execute(statement)).all()


async def load_account_states(session: AsyncSession, ids: Collection[int]) -> dict[int, model.AccountState]:
    """The accounts a batch touches, locked on PostgreSQL in id order so rival writers never deadlock.

    (SQLite's writer transaction is BEGIN IMMEDIATE: it already holds the whole database.)
    """
    if not ids:
        return {}
    if _is_postgres(session):
        rows = (await session.execute(_LOCK_ACCOUNTS_PG, {"ids": sorted(ids)})).all()
    else:
        columns = [accounts_table.c[name] for name in STATE_COLUMNS]
        statement = select(*columns).where(accounts_table.c.id.in_(sorted(ids))).order_by(accounts_table.c.id)
        rows = (await session.execute(statement)).all()
    return {row.id: model.AccountState(**row._mapping) for row in rows}


async def load_referenced(session: AsyncSession, ids: Collection[int]) -> dict[int, model.PendingState]:
    """Transactions a batch refers to (pendings to resolve, originals to reverse), locked, with their lines."""
    if not ids:
        return {}
    table = transactions_table
    statement = (select(table.c.id, table.c.kind, table.c.status, table.c.expires_at)
                 .where(table.c.id.in_(sorted(ids))).order_by(table.c.id))
    if _is_postgres(session):
        statement = statement.with_for_update()
    rows = (await session.execute(statement)).all()
    if not rows:
        return {}
    found = [row.id for row in rows]
    lines = await entries_of(session, found)
    reversed_ids = set((await session.scalars(select(table.c.reverses_id).where(table.c.reverses_id.in_(found)))).all())
    return {row.id: model.PendingState(id=row.id, kind=row.kind, status=row.status, expires_at=row.expires_at,
                                       entries=tuple(lines.get(row.id, ())), is_reversed=row.id in reversed_ids)
            for row in rows}


async def entries_of(session: AsyncSession, transaction_ids: Iterable[int]) -> dict[int, list[model.Entry]]:
    statement = (select(entries_table).where(entries_table.c.transaction_id.in_(list(transaction_ids)))
                 .order_by(entries_table.c.id))
    lines: dict[int, list[model.Entry]] = {}
    for row in (await session.execute(statement)).all():
        lines.setdefault(row.transaction_id, []).append(model.Entry(
            account_id=row.account_id, currency=row.currency, side=row.side, amount_minor=row.amount_minor,
            phase=row.phase))
    return lines


async def load_transactions(session: AsyncSession, ids: Collection[int]) -> dict[int, model.Transaction]:
    if not ids:
        return {}
    rows = (await session.execute(select(transactions_table).where(transactions_table.c.id.in_(list(ids))))).all()
    lines = await entries_of(session, [row.id for row in rows])
    return {row.id: model.Transaction(
        id=row.id, key=row.key, kind=row.kind, status=row.status, entries=tuple(lines.get(row.id, ())),
        created_at=row.created_at, pending_id=row.pending_id, reverses_id=row.reverses_id,
        expires_at=row.expires_at, metadata=row._mapping["metadata"]) for row in rows}


async def stored_requests(session: AsyncSession, keys: Collection[str]) -> dict[str, Any]:
    if not keys:
        return {}
    if _is_postgres(session):
        rows = (await session.execute(_STORED_REQUESTS_PG, {"keys": list(keys)})).all()
    else:
        rows = (await session.execute(select(requests_table).where(requests_table.c.key.in_(list(keys))))).all()
    return {row.key: row for row in rows}


async def write_batch(session: AsyncSession, *, transactions: Sequence[dict[str, Any]],
                      entries: Sequence[dict[str, Any]], accounts: Iterable[model.AccountState],
                      resolved: Sequence[tuple[int, str]], requests: Sequence[dict[str, Any]]) -> None:
    """One round of executemany per table: the point of batching."""
    if transactions:
        await session.execute(insert(transactions_table), list(transactions))
    if entries:
        await session.execute(insert(entries_table), list(entries))
    account_params = [{"b_id": account.id, **{f"b_{name}": getattr(account, name) for name in BALANCE_COLUMNS}}
                      for account in accounts]
    if account_params:
        await session.execute(
            update(accounts_table).where(accounts_table.c.id == bindparam("b_id"))
            .values({name: bindparam(f"b_{name}") for name in BALANCE_COLUMNS}), account_params)
    if resolved:
        await session.execute(
            update(transactions_table).where(transactions_table.c.id == bindparam("b_id"))
            .values(status=bindparam("b_status")), [{"b_id": id_, "b_status": status} for id_, status in resolved])
    if requests:
        # sorted: two writers inserting the same keys take the key locks in the same order
        await session.execute(insert(requests_table), sorted(requests, key=lambda row: row["key"]))


async def overdue_pending_ids(session: AsyncSession, *, now: datetime, limit: int) -> list[int]:
    table = transactions_table
    statement = (select(table.c.id).where(table.c.status == "pending", table.c.expires_at <= now)
                 .order_by(table.c.expires_at).limit(limit))
    return list((await session.scalars(statement)).all())


async def entry_totals(session: AsyncSession, account_id: int, *, at: datetime | None = None) -> dict[str, int]:
    """Sums of an account's postings (up to `at`) as the four balance columns, from the immutable log."""
    table = entries_table
    signed = case((table.c.phase == "released", -table.c.amount_minor), else_=table.c.amount_minor)
    bucket = case((table.c.phase == "posted", "posted"), else_="pending")
    statement = (select(table.c.side, bucket.label("bucket"), func.coalesce(func.sum(signed), 0))
                 .where(table.c.account_id == account_id).group_by(table.c.side, bucket))
    if at is not None:
        statement = statement.where(table.c.created_at <= at)
    totals = dict.fromkeys(BALANCE_COLUMNS, 0)
    for side, bucket_name, total in (await session.execute(statement)).all():
        totals[f"{side}s_{bucket_name}_minor"] = int(total)
    return totals


async def entries_page(session: AsyncSession, account_id: int, *, before_id: int | None,
                       limit: int) -> Sequence[Any]:
    """Newest first; `before_id` is the cursor. Joined to the transaction for its kind and metadata."""
    entry, transaction = entries_table, transactions_table
    statement = (select(entry, transaction.c.kind, transaction.c.metadata.label("transaction_metadata"))
                 .join(transaction, transaction.c.id == entry.c.transaction_id)
                 .where(entry.c.account_id == account_id).order_by(entry.c.id.desc()).limit(limit))
    if before_id is not None:
        statement = statement.where(entry.c.id < before_id)
    return (await session.execute(statement)).all()
