"""Tables of the scheduler: the leader lease, periodic slots already run, delayed one-off jobs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from casebook.platform.db.types import Base, JSONDocument, Snowflake, UTCDateTime

JOB_PENDING = "pending"
JOB_DONE = "done"
JOB_DEAD = "dead"


class LeaseRow(Base):
    """Who runs the jobs: one row per lease, held until `expires_at` unless renewed."""

    __tablename__ = "scheduler_leases"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SlotRunRow(Base):
    """A periodic job ran for this slot (floor(epoch seconds / every_s)); never twice."""

    __tablename__ = "scheduler_slot_runs"

    job: Mapped[str] = mapped_column(String(100), primary_key=True)
    slot: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    ran_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DelayedJobRow(Base):
    """A one-off job due at `run_at`; `key`, when given, makes scheduling it idempotent."""

    __tablename__ = "scheduler_jobs"

    id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(100))
    key: Mapped[str | None] = mapped_column(String(200), default=None)
    run_at: Mapped[datetime] = mapped_column(UTCDateTime)
    payload: Mapped[dict] = mapped_column(JSONDocument)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(10), default=JOB_PENDING)  # pending | done | dead
    last_error: Mapped[str | None] = mapped_column(Text, default=None)

    __table_args__ = (
        UniqueConstraint("name", "key"),
        Index("ix_scheduler_jobs_due", "status", "run_at"),
    )
