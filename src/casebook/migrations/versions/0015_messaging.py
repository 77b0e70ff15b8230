"""messaging engine: conversations, members, messages

Revision ID: 0015_messaging
Revises: 0014_notifications
"""

import sqlalchemy as sa
from alembic import op

from casebook.platform.db import types

revision = "0015_messaging"
down_revision = "0014_notifications"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "messaging_conversations",
        sa.Column("id", types.Snowflake(), nullable=False, autoincrement=False),
        sa.Column("network", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("title", sa.String(100), nullable=True),
        sa.Column("created_by", types.Snowflake(), nullable=False),
        sa.Column("direct_key", sa.String(41), nullable=True),
        sa.Column("created_at", types.UTCDateTime(), nullable=False),
        sa.Column("last_message_at", types.UTCDateTime(), nullable=True),
        sa.Column("last_message_id", types.Snowflake(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_messaging_conversations"),
        sa.UniqueConstraint("network", "direct_key", name="uq_messaging_conversations_network"),
    )
    op.create_table(
        "messaging_members",
        sa.Column("conversation_id", types.Snowflake(), nullable=False, autoincrement=False),
        sa.Column("account_id", types.Snowflake(), nullable=False, autoincrement=False),
        sa.Column("network", sa.String(40), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("activity_id", types.Snowflake(), nullable=True),
        sa.Column("last_read_message_id", types.Snowflake(), nullable=True),
        sa.Column("unread_count", sa.Integer(), nullable=False),
        sa.Column("is_muted", sa.Boolean(), nullable=False),
        sa.Column("joined_at", types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["conversation_id"], ["messaging_conversations.id"],
                                name="fk_messaging_members_conversation_id_messaging_conversations"),
        sa.PrimaryKeyConstraint("conversation_id", "account_id", name="pk_messaging_members"),
    )
    op.create_index("ix_messaging_members_inbox", "messaging_members",
                    ["account_id", "network", "status", "activity_id"])
    op.create_table(
        "messaging_messages",
        sa.Column("id", types.Snowflake(), nullable=False, autoincrement=False),
        sa.Column("conversation_id", types.Snowflake(), nullable=False),
        sa.Column("sender_id", types.Snowflake(), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("attachment", types.JSONDocument, nullable=True),
        sa.Column("created_at", types.UTCDateTime(), nullable=False),
        sa.Column("deleted_at", types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["conversation_id"], ["messaging_conversations.id"],
                                name="fk_messaging_messages_conversation_id_messaging_conversations"),
        sa.PrimaryKeyConstraint("id", name="pk_messaging_messages"),
    )
    op.create_index("ix_messaging_messages_conversation_id_id", "messaging_messages", ["conversation_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_messaging_messages_conversation_id_id", table_name="messaging_messages")
    op.drop_table("messaging_messages")
    op.drop_index("ix_messaging_members_inbox", table_name="messaging_members")
    op.drop_table("messaging_members")
    op.drop_table("messaging_conversations")
