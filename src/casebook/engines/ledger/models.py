"""Tables of the ledger engine: accounts with running totals, immutable transactions and postings, keys."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from casebook.platform.db.types import Base, JSONDocument, MoneyMinor, Snowflake, UTCDateTime


class AccountRow(Base):
    """An account and its running totals: the row the writer locks, and the one balances are read from."""

    __tablename__ = "ledger_accounts"

    id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    code: Mapped[str] = mapped_column(String(120), unique=True)
    currency: Mapped[str] = mapped_column(String(8))
    normal_side: Mapped[str] = mapped_column(String(6))
    debits_must_not_exceed_credits: Mapped[bool] = mapped_column(Boolean)
    credits_must_not_exceed_debits: Mapped[bool] = mapped_column(Boolean)
    overdraft_minor: Mapped[int] = mapped_column(MoneyMinor)
    is_closed: Mapped[bool] = mapped_column(Boolean)
    owner_ref: Mapped[str | None] = mapped_column(String(120), index=True)
    meta: Mapped[dict[str, Any]] = mapped_column("metadata", JSONDocument)
    debits_posted_minor: Mapped[int] = mapped_column(MoneyMinor)
    credits_posted_minor: Mapped[int] = mapped_column(MoneyMinor)
    debits_pending_minor: Mapped[int] = mapped_column(MoneyMinor)
    credits_pending_minor: Mapped[int] = mapped_column(MoneyMinor)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class TransactionRow(Base):
    """Immutable once written, except a pending one's status, which moves once (posted/voided/expired)."""

    __tablename__ = "ledger_transactions"

    id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    key: Mapped[str] = mapped_column(String(128))  # unique in ledger_requests
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    # unique: a pending is resolved once and a transaction reversed once, whatever the writers race
    pending_id: Mapped[int | None] = mapped_column(Snowflake, unique=True)
    reverses_id: Mapped[int | None] = mapped_column(Snowflake, unique=True)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    meta: Mapped[dict[str, Any]] = mapped_column("metadata", JSONDocument)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_ledger_transactions_status_expires_at", "status", "expires_at"),)


class EntryRow(Base):
    """One posting line; never updated or deleted, so balances at any past time can be rebuilt."""

    __tablename__ = "ledger_entries"

    id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    transaction_id: Mapped[int] = mapped_column(Snowflake, ForeignKey("ledger_transactions.id"), index=True)
    account_id: Mapped[int] = mapped_column(Snowflake, ForeignKey("ledger_accounts.id"))
    currency: Mapped[str] = mapped_column(String(8))
    side: Mapped[str] = mapped_column(String(6))
    phase: Mapped[str] = mapped_column(String(8))
    amount_minor: Mapped[int] = mapped_column(MoneyMinor)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_ledger_entries_account_id_id", "account_id", "id"),
        Index("ix_ledger_entries_account_id_created_at", "account_id", "created_at"),
    )


class RequestRow(Base):
    """The first result of each idempotency key: its transaction, or the refusal it met."""

    __tablename__ = "ledger_requests"

    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    transaction_id: Mapped[int | None] = mapped_column(Snowflake)
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_detail: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
