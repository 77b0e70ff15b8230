"""platform: bus outbox, de-duplication, dead letters, idempotency

Revision ID: 0001_platform
Revises: None
"""

from alembic import op
import sqlalchemy as sa

import casebook.platform.db.types as types

revision = "0001_platform"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bus_outbox",
        sa.Column("id", types.Snowflake(), primary_key=True, autoincrement=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("payload", types.JSONDocument, nullable=False),
        sa.Column("occurred_at", types.UTCDateTime(), nullable=False),
        sa.Column("published_at", types.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_bus_outbox"),
    )
    op.create_index("ix_bus_outbox_unpublished", "bus_outbox", ["published_at", "id"])
    op.create_table(
        "bus_processed",
        sa.Column("consumer", sa.String(100), nullable=False),
        sa.Column("event_id", types.Snowflake(), nullable=False, autoincrement=False),
        sa.Column("processed_at", types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("consumer", "event_id", name="pk_bus_processed"),
    )
    op.create_table(
        "bus_dead_letters",
        sa.Column("id", types.Snowflake(), nullable=False, autoincrement=False),
        sa.Column("consumer", sa.String(100), nullable=False),
        sa.Column("event_id", types.Snowflake(), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("payload", types.JSONDocument, nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("failed_at", types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_bus_dead_letters"),
    )
    op.create_table(
        "platform_idempotency",
        sa.Column("scope", sa.String(80), nullable=False),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("is_complete", sa.Boolean(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("headers", types.JSONDocument, nullable=True),
        sa.Column("body", sa.LargeBinary(), nullable=True),
        sa.Column("locked_until", types.UTCDateTime(), nullable=False),
        sa.Column("expires_at", types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("scope", "key", name="pk_platform_idempotency"),
    )
    op.create_index("ix_platform_idempotency_expires_at", "platform_idempotency", ["expires_at"])


def downgrade() -> None:
    op.drop_table("platform_idempotency")
    op.drop_table("bus_dead_letters")
    op.drop_table("bus_processed")
    op.drop_table("bus_outbox")
