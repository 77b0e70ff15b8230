"""Identity tables: accounts, refresh-token families and UI sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from casebook.platform.db.types import Base, Snowflake, UTCDateTime

USERNAME_LENGTH_MAX = 30
EMAIL_LENGTH_MAX = 254  # RFC 5321 path limit
DISPLAY_NAME_LENGTH_MAX = 80
TOKEN_HASH_LENGTH = 64  # SHA-256, hex


class Account(Base):
    __tablename__ = "identity_accounts"

    id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    username: Mapped[str] = mapped_column(String(USERNAME_LENGTH_MAX))
    username_normalized: Mapped[str] = mapped_column(String(USERNAME_LENGTH_MAX), unique=True)
    email: Mapped[str] = mapped_column(String(EMAIL_LENGTH_MAX))
    email_normalized: Mapped[str] = mapped_column(String(EMAIL_LENGTH_MAX), unique=True)
    display_name: Mapped[str] = mapped_column(String(DISPLAY_NAME_LENGTH_MAX))
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RefreshToken(Base):
    """One refresh token; every token minted from one login shares its `family_id`."""

    __tablename__ = "identity_refresh_tokens"

    id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    family_id: Mapped[int] = mapped_column(Snowflake)
    account_id: Mapped[int] = mapped_column(Snowflake, ForeignKey("identity_accounts.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(TOKEN_HASH_LENGTH), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    __table_args__ = (
        Index("ix_identity_refresh_tokens_family_id", "family_id"),
        Index("ix_identity_refresh_tokens_account_id", "account_id"),
    )


class Session(Base):
    """A signed-in browser: the cookie holds the token, this row only its SHA-256."""

    __tablename__ = "identity_sessions"

    id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    account_id: Mapped[int] = mapped_column(Snowflake, ForeignKey("identity_accounts.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(TOKEN_HASH_LENGTH), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    __table_args__ = (Index("ix_identity_sessions_account_id", "account_id"),)
