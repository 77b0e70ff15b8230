"""Tables of the CashApp app: profiles, cashtags (with their release holds), P2P payments, money requests,
identity verifications and their attempts."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from casebook.platform.db.types import Base, MoneyMinor, Snowflake, UTCDateTime


class ProfileRow(Base):
    """One per identity account that has used CashApp: its cashtag, wallet and first bank link."""

    __tablename__ = "cashapp_profiles"

    account_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    cashtag: Mapped[str] = mapped_column(String(21), unique=True)  # "$" + 3-20 of [a-z0-9_]
    display_name: Mapped[str] = mapped_column(String(80))
    phone: Mapped[str | None] = mapped_column(String(16), unique=True)  # E.164, found by exact match only
    wallet_account_id: Mapped[int] = mapped_column(Snowflake, unique=True)
    bank_link_id: Mapped[int] = mapped_column(Snowflake)
    is_verified: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CashtagRow(Base):
    """Every cashtag ever claimed. The primary key makes claims race-safe; a released one keeps its last
    owner and cannot be claimed by anyone else before `reusable_at`."""

    __tablename__ = "cashapp_cashtags"

    cashtag: Mapped[str] = mapped_column(String(21), primary_key=True)
    account_id: Mapped[int] = mapped_column(Snowflake, index=True)
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reusable_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PaymentRow(Base):
    """A P2P payment; its id is the ledger transaction's id, and `key` the ledger key it moved money under."""

    __tablename__ = "cashapp_payments"

    id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    key: Mapped[str] = mapped_column(String(128), unique=True)
    sender_id: Mapped[int] = mapped_column(Snowflake)
    recipient_id: Mapped[int] = mapped_column(Snowflake, index=True)
    amount_minor: Mapped[int] = mapped_column(MoneyMinor)
    currency: Mapped[str] = mapped_column(String(8))
    note: Mapped[str] = mapped_column(String(140))
    request_id: Mapped[int | None] = mapped_column(Snowflake, unique=True)
    status: Mapped[str] = mapped_column(String(10))  # completed | refunded
    refund_transaction_id: Mapped[int | None] = mapped_column(Snowflake)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    refunded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_cashapp_payments_sender_id_created_at", "sender_id", "created_at"),)


class MoneyRequestRow(Base):
    """A request for money: pending, then paid, declined (by the payer) or canceled (by the requester)."""

    __tablename__ = "cashapp_requests"

    id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    requester_id: Mapped[int] = mapped_column(Snowflake, index=True)
    payer_id: Mapped[int] = mapped_column(Snowflake, index=True)
    amount_minor: Mapped[int] = mapped_column(MoneyMinor)
    currency: Mapped[str] = mapped_column(String(8))
    note: Mapped[str] = mapped_column(String(140))
    status: Mapped[str] = mapped_column(String(10))  # pending | paid | declined | canceled
    payment_id: Mapped[int | None] = mapped_column(Snowflake)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class VerificationRow(Base):
    """A profile's verified identity, written once when the (simulated) check passes. Only what a US money
    transmitter keeps to show whom it verified: the legal name, the date of birth and the tax id's last 4."""

    __tablename__ = "cashapp_verifications"

    account_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    legal_name: Mapped[str] = mapped_column(String(100))
    date_of_birth: Mapped[date] = mapped_column(Date)
    ssn_last4: Mapped[str] = mapped_column(String(4))
    attempts: Mapped[int] = mapped_column(Integer)  # checks run, this successful one included
    verified_at: Mapped[datetime] = mapped_column(UTCDateTime)


class VerificationAttemptRow(Base):
    """One run of the identity check, kept without the details tried (a failure stores no PII): the
    failures of the last day rate-limit guessing."""

    __tablename__ = "cashapp_verification_attempts"

    id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    account_id: Mapped[int] = mapped_column(Snowflake)
    outcome: Mapped[str] = mapped_column(String(10))  # verified | failed
    failure_code: Mapped[str | None] = mapped_column(String(40))  # underage | verification_failed
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_cashapp_verification_attempts_account_id_created_at", "account_id", "created_at"),)
