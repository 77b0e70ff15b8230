"""Tables of the payments engine: bank links, bank transfers, cards (secrets sealed), card authorizations."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from casebook.platform.db.types import Base, MoneyMinor, Snowflake, UTCDateTime


class BankLinkRow(Base):
    __tablename__ = "payments_bank_links"

    id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    owner_ref: Mapped[str] = mapped_column(String(120), index=True)
    name: Mapped[str] = mapped_column(String(100))
    account_last4: Mapped[str] = mapped_column(String(4))
    is_failing_next: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class BankTransferRow(Base):
    """A deposit or a withdrawal; `key` is the caller's idempotency key."""

    __tablename__ = "payments_bank_transfers"

    id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    direction: Mapped[str] = mapped_column(String(10))  # deposit | withdrawal
    speed: Mapped[str] = mapped_column(String(10))  # standard | instant (deposits are standard)
    link_id: Mapped[int] = mapped_column(Snowflake, ForeignKey("payments_bank_links.id"))
    wallet_account_id: Mapped[int] = mapped_column(Snowflake, ForeignKey("ledger_accounts.id"), index=True)
    amount_minor: Mapped[int] = mapped_column(MoneyMinor)
    fee_minor: Mapped[int] = mapped_column(MoneyMinor)
    currency: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(10))  # pending | settled | failed
    failure_reason: Mapped[str | None] = mapped_column(String(40))
    ledger_pending_id: Mapped[int | None] = mapped_column(Snowflake)
    ledger_posted_id: Mapped[int | None] = mapped_column(Snowflake)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    settles_at: Mapped[datetime] = mapped_column(UTCDateTime)
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CardRow(Base):
    """Number and CVV are AES-GCM sealed; `number_digest` (keyed HMAC) finds a card by number without them."""

    __tablename__ = "payments_cards"

    id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    owner_ref: Mapped[str] = mapped_column(String(120), index=True)
    wallet_account_id: Mapped[int] = mapped_column(Snowflake, ForeignKey("ledger_accounts.id"))
    # Set while the card is open and NULL once closed: the unique index allows one open card per wallet.
    open_wallet_account_id: Mapped[int | None] = mapped_column(Snowflake, unique=True)
    number_digest: Mapped[str] = mapped_column(String(64), unique=True)
    number_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    cvv_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    last4: Mapped[str] = mapped_column(String(4))
    expiry_month: Mapped[int] = mapped_column(Integer)
    expiry_year: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10))  # active | frozen | closed
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AuthorizationRow(Base):
    """One network authorization and its outcome; the capture and reversal keys make those retries safe."""

    __tablename__ = "payments_authorizations"

    id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    card_id: Mapped[int] = mapped_column(Snowflake, ForeignKey("payments_cards.id"))
    wallet_account_id: Mapped[int] = mapped_column(Snowflake, ForeignKey("ledger_accounts.id"))
    amount_minor: Mapped[int] = mapped_column(MoneyMinor)
    captured_minor: Mapped[int] = mapped_column(MoneyMinor)
    discount_minor: Mapped[int] = mapped_column(MoneyMinor)
    discount_source_account_id: Mapped[int | None] = mapped_column(Snowflake)
    currency: Mapped[str] = mapped_column(String(8))
    merchant_name: Mapped[str] = mapped_column(String(100))
    merchant_category: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(12))  # authorized | declined | captured | reversed | expired
    decline_reason: Mapped[str | None] = mapped_column(String(40))
    ledger_pending_id: Mapped[int | None] = mapped_column(Snowflake)
    ledger_capture_id: Mapped[int | None] = mapped_column(Snowflake)
    ledger_discount_id: Mapped[int | None] = mapped_column(Snowflake)
    ledger_reversal_id: Mapped[int | None] = mapped_column(Snowflake)
    capture_key: Mapped[str | None] = mapped_column(String(100), unique=True)
    reverse_key: Mapped[str | None] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_payments_authorizations_card_id_id", "card_id", "id"),
        Index("ix_payments_authorizations_status_expires_at", "status", "expires_at"),
    )
