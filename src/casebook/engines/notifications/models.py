"""Tables of the notifications engine: notifications (grouped while unread) and each group's actors."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from casebook.platform.db.types import Base, JSONDocument, Snowflake, UTCDateTime


class NotificationRow(Base):
    """One line of a recipient's activity list; a grouped one counts every distinct actor of its group."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    network: Mapped[str] = mapped_column(String(40))
    recipient_id: Mapped[int] = mapped_column(Snowflake)
    kind: Mapped[str] = mapped_column(String(40))
    group_key: Mapped[str | None] = mapped_column(String(200))
    # The group key while unread, NULL once read: the unique index below allows one unread group per key
    # (so concurrent notifies cannot open two) on both dialects without a partial index (NULLs never
    # collide).
    open_group_key: Mapped[str | None] = mapped_column(String(200))
    subject_id: Mapped[int | None] = mapped_column(Snowflake)
    actor_ids: Mapped[list[int]] = mapped_column(JSONDocument)  # newest first, GROUP_ACTORS_KEPT at most
    actor_count: Mapped[int] = mapped_column(Integer)
    data: Mapped[Any] = mapped_column(JSONDocument, nullable=True)
    is_read: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_notifications_recipient_updated_at_id", "network", "recipient_id", "updated_at", "id"),
        Index("ix_notifications_recipient_is_read", "network", "recipient_id", "is_read"),
        Index("uq_notifications_open_group_key", "network", "recipient_id", "open_group_key", unique=True),
        Index("ix_notifications_updated_at", "updated_at"),  # the retention purge
        Index("ix_notifications_subject", "network", "subject_id"),  # removal.remove_about
    )


class GroupActorRow(Base):
    """Who is in a grouped notification: exact distinct counts under at-least-once delivery, and who
    moves up into `actor_ids` when a kept actor withdraws."""

    __tablename__ = "notifications_group_actors"

    notification_id: Mapped[int] = mapped_column(Snowflake, ForeignKey("notifications.id"), primary_key=True,
                                                 autoincrement=False)
    actor_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    position_id: Mapped[int] = mapped_column(Snowflake)  # a fresh snowflake at each notify: newest is highest

    __table_args__ = (
        Index("ix_notifications_group_actors_recency", "notification_id", "position_id"),
    )


# The services use Core tables, not ORM entities: a row read after a bulk UPDATE in one session is never
# stale.
notifications_table = NotificationRow.__table__
group_actors_table = GroupActorRow.__table__
