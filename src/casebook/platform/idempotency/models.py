"""The stored answers of write requests sent with an Idempotency-Key."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from casebook.platform.db.types import Base, JSONDocument, UTCDateTime


class IdempotencyRow(Base):
    __tablename__ = "platform_idempotency"

    scope: Mapped[str] = mapped_column(String(80), primary_key=True)  # account id or client address
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    is_complete: Mapped[bool] = mapped_column(default=False)
    status_code: Mapped[int | None] = mapped_column(Integer, default=None)
    headers: Mapped[list | None] = mapped_column(JSONDocument, default=None)
    body: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    locked_until: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_platform_idempotency_expires_at", "expires_at"),)
