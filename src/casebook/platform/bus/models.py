"""Tables of the bus: the transactional outbox, consumer de-duplication and dead letters."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from casebook.platform.db.types import Base, JSONDocument, Snowflake, UTCDateTime


class OutboxRow(Base):
    """An event committed with the state change it describes; the relay publishes it."""

    __tablename__ = "bus_outbox"

    id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    subject: Mapped[str] = mapped_column(String(200))
    payload: Mapped[dict] = mapped_column(JSONDocument)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    __table_args__ = (Index("ix_bus_outbox_unpublished", "published_at", "id"),)


class ProcessedRow(Base):
    """One row per (consumer, event) handled: the de-duplication record."""

    __tablename__ = "bus_processed"

    consumer: Mapped[str] = mapped_column(String(100), primary_key=True)
    event_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    processed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DeadLetterRow(Base):
    """An event a consumer gave up on after its attempts; kept for inspection and replay."""

    __tablename__ = "bus_dead_letters"

    id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    consumer: Mapped[str] = mapped_column(String(100))
    event_id: Mapped[int] = mapped_column(Snowflake)
    subject: Mapped[str] = mapped_column(String(200))
    payload: Mapped[dict] = mapped_column(JSONDocument)
    attempts: Mapped[int] = mapped_column(Integer)
    error: Mapped[str] = mapped_column(Text)
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime)
