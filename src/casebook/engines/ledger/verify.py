"""The invariant checker behind `casebook ledger verify`: the whole ledger, read from one snapshot."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import msgspec
from sqlalchemy import case, func, select
from sqlalchemy.orm import aliased

from casebook.engines.ledger import limits, model
from casebook.engines.ledger.models import AccountRow, EntryRow, RequestRow, TransactionRow
from casebook.engines.ledger.repository import STATE_COLUMNS

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from casebook.platform.bootstrap import Platform

RESOLUTION_STATUS = {"post_pending": "posted", "void_pending": "voided", "expire_pending": "expired"}


class VerifyReport(msgspec.Struct, kw_only=True):
    accounts: int = 0
    transactions: int = 0
    entries: int = 0
    pendings_open: int = 0
    violations: list[str] = []

    @property
    def is_clean(self) -> bool:
        return not self.violations

    def add(self, violation: str) -> None:
        if len(self.violations) < limits.VIOLATIONS_MAX:
            self.violations.append(violation)


async def verify(platform: Platform, *, now: datetime | None = None) -> VerifyReport:
    """Check every invariant; violations are listed (up to VIOLATIONS_MAX), never raised."""
    now = now or platform.clock.now()
    report = VerifyReport()
    async with platform.db.read_session() as session:
        if platform.db.dialect == "postgresql":  # one snapshot across all the queries below
            await session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        await _check_transactions_balance(session, report)
        await _check_accounts(session, report)
        await _check_pendings(session, report, now=now)
        await _check_requests(session, report)
    return report


async def _check_transactions_balance(session: AsyncSession, report: VerifyReport) -> None:
    e = EntryRow
    net = func.sum(case((e.side == "debit", e.amount_minor), else_=-e.amount_minor))
    unbalanced = (select(e.transaction_id, e.currency, e.phase, net).group_by(e.transaction_id, e.currency, e.phase)
                  .having(net != 0).limit(limits.VIOLATIONS_MAX))
    for transaction_id, currency, phase, amount in (await session.execute(unbalanced)).all():
        report.add(f"transaction {transaction_id}: {phase} {currency} lines are off by {amount}")
    report.entries = await session.scalar(select(func.count()).select_from(e)) or 0
    bad_lines = (select(e.id, e.amount_minor, e.currency, AccountRow.currency).join(AccountRow, AccountRow.id == e.account_id)
                 .where((e.amount_minor <= 0) | (e.currency != AccountRow.currency)).limit(limits.VIOLATIONS_MAX))
    for entry_id, amount, currency, account_currency in (await session.execute(bad_lines)).all():
        report.add(f"entry {entry_id}: {amount} {currency} on a {account_currency} account")


async def _check_accounts(session: AsyncSession, report: VerifyReport) -> None:
    """Each running total equals the sum of the account's postings; no account breaks its limit."""
    e = EntryRow
    signed = case((e.phase == "released", -e.amount_minor), else_=e.amount_minor)
    bucket = case((e.phase == "posted", "posted"), else_="pending")
    sums: dict[int, dict[str, int]] = {}
    statement = select(e.account_id, e.side, bucket, func.sum(signed)).group_by(e.account_id, e.side, bucket)
    for account_id, side, bucket_name, total in (await session.execute(statement)).all():
        sums.setdefault(account_id, {})[f"{side}s_{bucket_name}_minor"] = int(total)
    columns = [getattr(AccountRow, name) for name in STATE_COLUMNS]
    for row in (await session.execute(select(*columns))).all():
        report.accounts += 1
        account = model.AccountState(**row._mapping)
        expected = sums.pop(account.id, {})
        for name in ("debits_posted_minor", "credits_posted_minor", "debits_pending_minor", "credits_pending_minor"):
            if getattr(account, name) != expected.get(name, 0):
                report.add(f"account {account.code}: {name} is {getattr(account, name)}, "
                           f"its postings sum to {expected.get(name, 0)}")
        refusal = model.limit_refusal(account)
        if refusal is not None:
            report.add(f"account {account.code} breaks its limit: {refusal.detail}")
    for account_id in sums:
        report.add(f"postings refer to a missing account {account_id}")


async def _check_pendings(session: AsyncSession, report: VerifyReport, *, now: datetime) -> None:
    """Every pending is open with a future expiry (up to the job's lag), or resolved exactly once."""
    pending, resolution = TransactionRow, aliased(TransactionRow)
    statement = (select(pending.id, pending.status, pending.expires_at, resolution.kind)
                 .outerjoin(resolution, resolution.pending_id == pending.id).where(pending.kind == "pending"))
    overdue_before = now - timedelta(seconds=limits.EXPIRY_GRACE_S)
    for pending_id, status, expires_at, resolved_by in (await session.execute(statement)).all():
        if status == "pending":
            report.pendings_open += 1
            if resolved_by is not None:
                report.add(f"pending {pending_id} is open but was resolved by a {resolved_by}")
            elif expires_at is None or expires_at < overdue_before:
                report.add(f"pending {pending_id} is open past its expiry {expires_at}")
        elif resolved_by is None or RESOLUTION_STATUS.get(resolved_by) != status:
            report.add(f"pending {pending_id} is {status} but was resolved by {resolved_by}")
    t, pending = TransactionRow, aliased(TransactionRow)
    strays = (select(t.id, t.kind).outerjoin(pending, pending.id == t.pending_id)
              .where(t.pending_id.is_not(None), (pending.id.is_(None)) | (pending.kind != "pending"))
              .limit(limits.VIOLATIONS_MAX))
    for transaction_id, kind in (await session.execute(strays)).all():
        report.add(f"{kind} transaction {transaction_id} resolves no pending transaction")


async def _check_requests(session: AsyncSession, report: VerifyReport) -> None:
    """Every transaction was made by exactly one idempotency key, and every key points at its own."""
    t, r = TransactionRow, RequestRow
    report.transactions = await session.scalar(select(func.count()).select_from(t)) or 0
    orphans = (select(t.id).outerjoin(r, (r.transaction_id == t.id) & (r.key == t.key))
               .where(r.key.is_(None)).limit(limits.VIOLATIONS_MAX))
    for (transaction_id,) in (await session.execute(orphans)).all():
        report.add(f"transaction {transaction_id} has no idempotency record")
    dangling = (select(r.key).outerjoin(t, t.id == r.transaction_id)
                .where(r.transaction_id.is_not(None), t.id.is_(None)).limit(limits.VIOLATIONS_MAX))
    for (key,) in (await session.execute(dangling)).all():
        report.add(f"idempotency key {key!r} points at a missing transaction")
