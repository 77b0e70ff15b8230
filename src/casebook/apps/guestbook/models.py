"""Tables of the guestbook example app."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from casebook.platform.db.types import Base, Snowflake, UTCDateTime


class EntryRow(Base):
    __tablename__ = "guestbook_entries"

    id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    author_id: Mapped[int] = mapped_column(Snowflake, index=True)
    author_username: Mapped[str] = mapped_column(String(30))
    body: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ReceiptRow(Base):
    """Written by the bus consumer: proof of which process handled each entry's event, and how often."""

    __tablename__ = "guestbook_receipts"

    entry_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    handled_by_pid: Mapped[int] = mapped_column(Integer)
    handled_at: Mapped[datetime] = mapped_column(UTCDateTime)
