"""SQL of the ledger: load and lock a batch's state, write a batch, and the reads behind balances and feeds."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from casebook.engines.ledger import model
from casebook.engines.ledger.models import AccountRow, EntryRow, RequestRow, TransactionRow
from casebook.platform.db.bulk import BulkWrite

accounts_table = AccountRow.__table__
transactions_table = TransactionRow.__table__
entries_table = EntryRow.__table__
requests_table = RequestRow.__table__

BALANCE_COLUMNS = ("debits_posted_minor", "credits_posted_minor", "debits_pending_minor", "credits_pending_minor")
STATE_COLUMNS = ("id", "code", "currency", "normal_side", "debits_must_not_exceed_credits",
                 "credits_must_not_exceed_debits", "overdraft_minor", "is_closed", *BALANCE_COLUMNS)


# A batch's keys and account ids are bound as one value each (an array on PostgreSQL, a JSON array on SQLite),
# not as `IN ($1, ..., $n)`: the SQL text stays the same whatever the batch's size, so asyncpg's prepared
# statement is reused. On PostgreSQL the keys are joined from `unnest($1)` rather than tested with `= ANY($1)`:
# asyncpg keeps a statement's generic plan for the connection's life, and one made while the table was small is
# a sequential scan that compares every row with every key of a non-constant array (~35 ms per batch of 250 keys
# at 15k rows, growing with the table); a join from the unnested keys probes the primary key index once per key.
_STORED_COLUMNS = "r.key, r.request_hash, r.transaction_id, r.error_code, r.error_detail"
_STORED_REQUESTS_PG = (f"SELECT {_STORED_COLUMNS} FROM unnest($1::text[]) AS wanted(key) "
                       "JOIN ledger_requests AS r ON r.key = wanted.key")
_STORED_REQUESTS_SQLITE = (f"SELECT {_STORED_COLUMNS} FROM ledger_requests AS r "
                           "WHERE r.key IN (SELECT value FROM json_each(?))")
# The same for the accounts: `id = ANY($1)` under a generic plan made while the table was small is a scan testing
# every account against every id of the batch. LockRows sits above the sort: locks are taken in id order, so
# rival writers never deadlock.
_LOCK_ACCOUNTS_PG = (f"SELECT {', '.join(f'a.{name}' for name in STATE_COLUMNS)} FROM unnest($1::bigint[]) "
                     "AS wanted(id) JOIN ledger_accounts AS a ON a.id = wanted.id ORDER BY a.id FOR UPDATE OF a")
_ACCOUNTS_SQLITE = (f"SELECT {', '.join(STATE_COLUMNS)} FROM ledger_accounts "
                    "WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id")


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
    Driver SQL with the ids bound as one value: no compile and no ORM row per account.
    """
    if not ids:
        return {}
    connection = await session.connection()
    if connection.dialect.name == "postgresql":
        result = await connection.exec_driver_sql(_LOCK_ACCOUNTS_PG, (sorted(ids),))
    else:
        result = await connection.exec_driver_sql(_ACCOUNTS_SQLITE, (json.dumps(sorted(ids)),))
    return {row[0]: model.AccountState(  # positions of STATE_COLUMNS; bool(): SQLite answers 0 and 1
        id=row[0], code=row[1], currency=row[2], normal_side=row[3], debits_must_not_exceed_credits=bool(row[4]),
        credits_must_not_exceed_debits=bool(row[5]), overdraft_minor=row[6], is_closed=bool(row[7]),
        debits_posted_minor=row[8], credits_posted_minor=row[9], debits_pending_minor=row[10],
        credits_pending_minor=row[11]) for row in result.all()}


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
    """The stored first result of each known key (key, request_hash, transaction_id, error_code, error_detail)."""
    if not keys:
        return {}
    connection = await session.connection()
    if connection.dialect.name == "postgresql":
        result = await connection.exec_driver_sql(_STORED_REQUESTS_PG, (list(keys),))
    else:
        result = await connection.exec_driver_sql(_STORED_REQUESTS_SQLITE, (json.dumps(list(keys)),))
    return {row.key: row for row in result.all()}


# A batch's writes: one statement per table (platform/db/bulk.py), rows as tuples in these columns' order.
TRANSACTION_COLUMNS = ("id", "key", "kind", "status", "pending_id", "reverses_id", "expires_at", "metadata",
                       "created_at")
ENTRY_COLUMNS = ("id", "transaction_id", "account_id", "currency", "side", "phase", "amount_minor", "created_at")
REQUEST_COLUMNS = ("key", "request_hash", "transaction_id", "error_code", "error_detail", "created_at")
_BALANCE_UPDATE_COLUMNS = ("id", *BALANCE_COLUMNS)
_RESOLVED_COLUMNS = ("id", "status")
_INSERT_TRANSACTIONS = BulkWrite(transactions_table, TRANSACTION_COLUMNS)
_INSERT_ENTRIES = BulkWrite(entries_table, ENTRY_COLUMNS)
_UPDATE_BALANCES = BulkWrite(accounts_table, _BALANCE_UPDATE_COLUMNS, update_on="id")
_UPDATE_RESOLVED = BulkWrite(transactions_table, _RESOLVED_COLUMNS, update_on="id")
_INSERT_REQUESTS = BulkWrite(requests_table, REQUEST_COLUMNS)


async def write_batch(session: AsyncSession, *, transactions: Sequence[tuple[Any, ...]],
                      entries: Sequence[tuple[Any, ...]], accounts: Iterable[model.AccountState],
                      resolved: Sequence[tuple[int, str]], requests: Sequence[tuple[Any, ...]]) -> None:
    """One statement per table (PostgreSQL) or one executemany (SQLite): the point of batching.

    Rows are tuples in the order of TRANSACTION_COLUMNS, ENTRY_COLUMNS and REQUEST_COLUMNS.
    """
    await _INSERT_TRANSACTIONS.run(session, transactions)
    await _INSERT_ENTRIES.run(session, entries)
    await _UPDATE_BALANCES.run(session, [
        (account.id, account.debits_posted_minor, account.credits_posted_minor, account.debits_pending_minor,
         account.credits_pending_minor) for account in accounts])
    await _UPDATE_RESOLVED.run(session, resolved)
    # sorted: two writers inserting the same keys take the key locks in the same order
    await _INSERT_REQUESTS.run(session, sorted(requests, key=lambda row: row[0]))


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
