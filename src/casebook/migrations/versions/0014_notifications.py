"""notifications engine: grouped notifications

Revision ID: 0014_notifications
Revises: 0013_media
"""

import sqlalchemy as sa
from alembic import op

from casebook.platform.db import types

revision = "0014_notifications"
down_revision = "0013_media"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notifications",
        sa.Column("id", types.Snowflake(), nullable=False, autoincrement=False),
        sa.Column("network", sa.String(40), nullable=False),
        sa.Column("recipient_id", types.Snowflake(), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("group_key", sa.String(200), nullable=True),
        sa.Column("open_group_key", sa.String(200), nullable=True),
        sa.Column("subject_id", types.Snowflake(), nullable=True),
        sa.Column("actor_ids", types.JSONDocument, nullable=False),
        sa.Column("actor_count", sa.Integer(), nullable=False),
        sa.Column("data", types.JSONDocument, nullable=True),
        sa.Column("is_read", sa.Boolean(), nullable=False),
        sa.Column("created_at", types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_notifications"),
    )
    op.create_index("ix_notifications_recipient_updated_at_id", "notifications",
                    ["network", "recipient_id", "updated_at", "id"])
    op.create_index("ix_notifications_recipient_is_read", "notifications",
                    ["network", "recipient_id", "is_read"])
    op.create_index("uq_notifications_open_group_key", "notifications",
                    ["network", "recipient_id", "open_group_key"], unique=True)
    op.create_index("ix_notifications_updated_at", "notifications", ["updated_at"])
    op.create_table(
        "notifications_group_actors",
        sa.Column("notification_id", types.Snowflake(), nullable=False, autoincrement=False),
        sa.Column("actor_id", types.Snowflake(), nullable=False, autoincrement=False),
        sa.Column("position_id", types.Snowflake(), nullable=False),
        sa.PrimaryKeyConstraint("notification_id", "actor_id", name="pk_notifications_group_actors"),
        sa.ForeignKeyConstraint(["notification_id"], ["notifications.id"],
                                name="fk_notifications_group_actors_notification_id_notifications"),
    )
    op.create_index("ix_notifications_group_actors_recency", "notifications_group_actors",
                    ["notification_id", "position_id"])


def downgrade() -> None:
    op.drop_table("notifications_group_actors")
    op.drop_table("notifications")
