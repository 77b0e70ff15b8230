"""Tables of the messaging engine: conversations, their members (with each one's inbox state), messages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from casebook.platform.db.types import Base, JSONDocument, Snowflake, UTCDateTime


class ConversationRow(Base):
    """A direct (1:1) or group conversation within one network (product)."""

    __tablename__ = "messaging_conversations"

    id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    network: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(8))  # direct | group
    title: Mapped[str | None] = mapped_column(String(100))
    created_by: Mapped[int] = mapped_column(Snowflake)
    # "<smaller id>:<larger id>" for a direct conversation, NULL for a group: the unique key is what makes two
    # people's simultaneous first messages land in ONE conversation.
    direct_key: Mapped[str | None] = mapped_column(String(41))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_message_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_message_id: Mapped[int | None] = mapped_column(Snowflake)

    __table_args__ = (UniqueConstraint("network", "direct_key", name="uq_messaging_conversations_network"),)


class MemberRow(Base):
    """One account in one conversation, and that account's inbox row for it.

    `activity_id` and `unread_count` are copied onto every member row when a message is sent (one UPDATE per
    message), so an inbox page is one index range scan, never a join or a count over messages.
    """

    __tablename__ = "messaging_members"

    conversation_id: Mapped[int] = mapped_column(
        Snowflake, ForeignKey("messaging_conversations.id"), primary_key=True, autoincrement=False)
    account_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    network: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(10))  # active | requested | left
    # The newest message id (or the group's id at creation); NULL until a direct conversation has a message,
    # so opening a thread and sending nothing leaves no trace in the inbox.
    activity_id: Mapped[int | None] = mapped_column(Snowflake)
    last_read_message_id: Mapped[int | None] = mapped_column(Snowflake)
    unread_count: Mapped[int] = mapped_column(Integer)
    is_muted: Mapped[bool] = mapped_column(Boolean)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_messaging_members_inbox", "account_id", "network", "status", "activity_id"),
    )


class MessageRow(Base):
    """A message; `attachment` is the app's reference (media asset id, shared post id), never the content."""

    __tablename__ = "messaging_messages"

    id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    conversation_id: Mapped[int] = mapped_column(Snowflake, ForeignKey("messaging_conversations.id"))
    sender_id: Mapped[int] = mapped_column(Snowflake)
    kind: Mapped[str] = mapped_column(String(8))  # text | media | shared
    body: Mapped[str] = mapped_column(Text)
    attachment: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_messaging_messages_conversation_id_id", "conversation_id", "id"),)
