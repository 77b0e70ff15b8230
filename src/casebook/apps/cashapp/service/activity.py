"""The activity feed and monthly statements, read from the wallet's ledger postings and their metadata."""

from __future__ import annotations

import csv
import dataclasses
import io
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from casebook.apps.cashapp import rules
from casebook.apps.cashapp.card import activity_lines as card_lines
from casebook.apps.cashapp.models import PaymentRow, ProfileRow
from casebook.apps.cashapp.service import payments, profiles
from casebook.engines import ledger
from casebook.platform.identity.principal import AuthenticatedAccount
from casebook.platform.ids import lowest_id_at
from casebook.platform.uow import UnitOfWork

if TYPE_CHECKING:
    from casebook.platform.bootstrap import Platform

PAGE_FETCHES_MAX = 4  # ledger pages read to fill one feed page (released hold lines are skipped)
STATEMENT_PAGE_POSTINGS = 100  # the ledger's page cap
PENDING_STATUS = {"pending": "pending", "posted": "completed", "voided": "failed", "expired": "failed"}
CSV_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")  # spreadsheet formula injection


@dataclasses.dataclass(frozen=True)
class Activity:
    posting_id: int
    transaction_id: int
    type: str
    status: str
    amount_minor: int  # signed: negative when money left the wallet
    counterparty: str | None
    note: str
    created_at: datetime


async def list_activity(uow: UnitOfWork, *, profile: ProfileRow, before_id: int | None,
                        limit: int) -> tuple[list[Activity], int | None]:
    """Newest first; returns the page and the `before_id` of the next one (None at the end)."""
    items: list[Activity] = []
    for _fetch in range(PAGE_FETCHES_MAX):
        page = await ledger.list_postings(uow, profile.wallet_account_id, before_id=before_id,
                                          limit=limit - len(items))
        items += await _describe(uow, profile, [p for p in page.items if _is_shown(p)])
        before_id = page.next_before_id
        if before_id is None or len(items) >= limit:
            break
    return items, before_id


async def statement_csv(uow: UnitOfWork, *, profile: ProfileRow, month: str) -> str:
    """Every movement of one calendar month (UTC), oldest first, as CSV."""
    year, number = rules.parse_month(month)
    start = datetime(year, number, 1, tzinfo=UTC)
    end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=UTC)
    rows: list[Activity] = []
    before_id: int | None = lowest_id_at(end)  # ids are time-sortable: start at the month's end
    while before_id is not None and len(rows) < rules.STATEMENT_ROWS_MAX:
        page = await ledger.list_postings(uow, profile.wallet_account_id, before_id=before_id,
                                          limit=STATEMENT_PAGE_POSTINGS)
        described = await _describe(uow, profile, [p for p in page.items if _is_shown(p)])
        rows += [item for item in described if start <= item.created_at < end]
        if page.items and page.items[-1].created_at < start:
            break
        before_id = page.next_before_id
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["date", "type", "status", "counterparty", "note", "amount", "currency", "transaction_id"])
    for item in reversed(rows[:rules.STATEMENT_ROWS_MAX]):
        writer.writerow([item.created_at.isoformat(), item.type, item.status, item.counterparty or "",
                         _csv_safe(item.note), rules.format_amount(item.amount_minor), rules.CURRENCY,
                         str(item.transaction_id)])
    return out.getvalue()


def _is_shown(posting: ledger.Posting) -> bool:
    """One line per movement: a hold shows (with its outcome as status), not its release or posting."""
    if posting.phase == "pending":
        return True
    return posting.phase == "posted" and posting.kind in ("transfer", "reverse")


async def _describe(uow: UnitOfWork, profile: ProfileRow, postings: list[ledger.Posting]) -> list[Activity]:
    payment_ids = [p.transaction_id for p in postings if p.metadata.get("kind") == payments.P2P]
    refunded_ids = [int(p.metadata["payment_id"]) for p in postings if p.metadata.get("kind") == payments.P2P_REFUND]
    statuses: dict[int, str] = {}
    if payment_ids or refunded_ids:
        found = await uow.session.execute(select(PaymentRow.id, PaymentRow.status)
                                          .where(PaymentRow.id.in_(payment_ids + refunded_ids)))
        statuses = {payment_id: status for payment_id, status in found}
    parties = {int(p.metadata[name]) for p in postings for name in ("sender_id", "recipient_id")
               if name in p.metadata}
    cashtags = await profiles.cashtags_of(uow, parties)
    cards = await card_lines.describe(uow, postings)
    described = []
    for posting in postings:
        if posting.id in cards:  # Cash Card lines read their purchase's outcome, not the hold's
            line = cards[posting.id]
            described.append(Activity(
                posting_id=posting.id, transaction_id=posting.transaction_id, type=line.type, status=line.status,
                amount_minor=line.amount_minor, counterparty=line.counterparty, note=line.note,
                created_at=posting.created_at))
            continue
        signed = posting.amount_minor if posting.side == "credit" else -posting.amount_minor
        kind, status = _type_of(posting.metadata, is_incoming=signed > 0), "completed"
        if posting.phase == "pending":
            status = PENDING_STATUS.get((await ledger.get_transaction(uow, posting.transaction_id)).status, "failed")
        elif posting.metadata.get("kind") == payments.P2P:
            status = statuses.get(posting.transaction_id, "completed")
        other_id = _counterparty_id(posting.metadata, profile.account_id)
        counterparty = cashtags.get(other_id) if other_id else posting.metadata.get("counterparty_name")
        described.append(Activity(
            posting_id=posting.id, transaction_id=posting.transaction_id, type=kind, status=status,
            amount_minor=signed, counterparty=counterparty,
            note=str(posting.metadata.get("note", "")), created_at=posting.created_at))
    return described


def _type_of(metadata: dict[str, Any], *, is_incoming: bool) -> str:
    """Other CashApp features name their line themselves with `activity_type` (and `counterparty_name`)."""
    if isinstance(metadata.get("activity_type"), str):
        return metadata["activity_type"]
    kind = metadata.get("kind")
    if kind == payments.P2P:
        return "payment_received" if is_incoming else "payment_sent"
    if kind == payments.P2P_REFUND:
        return "refund_received" if is_incoming else "refund_sent"
    if metadata.get("payments") == "deposit":
        return "deposit"
    if metadata.get("payments") == "withdrawal":
        return "cash_out"
    return "other"


def _counterparty_id(metadata: dict[str, Any], account_id: int) -> int | None:
    for name in ("sender_id", "recipient_id"):
        if name in metadata and int(metadata[name]) != account_id:
            return int(metadata[name])
    return None


def _csv_safe(text: str) -> str:
    return "'" + text if text.startswith(CSV_FORMULA_PREFIXES) else text


async def feed(platform: Platform, *, account: AuthenticatedAccount, before_id: int | None,
               limit: int) -> tuple[list[Activity], int | None]:
    profile = await profiles.ensure_profile(platform, account)
    async with platform.reader() as reader:
        return await list_activity(reader, profile=profile, before_id=before_id, limit=limit)


async def statement(platform: Platform, *, account: AuthenticatedAccount, month: str) -> str:
    rules.parse_month(month)
    profile = await profiles.ensure_profile(platform, account)
    async with platform.reader() as reader:
        return await statement_csv(reader, profile=profile, month=month)
