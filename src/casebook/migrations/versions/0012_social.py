"""social engine: follows, follow requests, blocks, counters

Revision ID: 0012_social
Revises: 0011_cashapp_verification
"""

import sqlalchemy as sa
from alembic import op

from casebook.platform.db import types

revision = "0012_social"
down_revision = "0011_cashapp_verification"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "social_follows",
        sa.Column("network", sa.String(32), nullable=False),
        sa.Column("follower_id", types.Snowflake(), nullable=False, autoincrement=False),
        sa.Column("followee_id", types.Snowflake(), nullable=False, autoincrement=False),
        sa.Column("created_at", types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("network", "follower_id", "followee_id", name="pk_social_follows"),
    )
    op.create_index("ix_social_follows_followee_created", "social_follows",
                    ["network", "followee_id", "created_at", "follower_id"])
    op.create_index("ix_social_follows_follower_created", "social_follows",
                    ["network", "follower_id", "created_at", "followee_id"])
    op.create_index("ix_social_follows_followee_follower", "social_follows", ["network", "followee_id", "follower_id"])
    op.create_table(
        "social_follow_requests",
        sa.Column("id", types.Snowflake(), nullable=False, autoincrement=False),
        sa.Column("network", sa.String(32), nullable=False),
        sa.Column("requester_id", types.Snowflake(), nullable=False),
        sa.Column("target_id", types.Snowflake(), nullable=False),
        sa.Column("created_at", types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_social_follow_requests"),
        sa.UniqueConstraint("network", "requester_id", "target_id", name="uq_social_follow_requests_pair"),
    )
    op.create_index("ix_social_follow_requests_target", "social_follow_requests", ["network", "target_id", "id"])
    op.create_table(
        "social_blocks",
        sa.Column("network", sa.String(32), nullable=False),
        sa.Column("blocker_id", types.Snowflake(), nullable=False, autoincrement=False),
        sa.Column("blocked_id", types.Snowflake(), nullable=False, autoincrement=False),
        sa.Column("created_at", types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("network", "blocker_id", "blocked_id", name="pk_social_blocks"),
    )
    op.create_index("ix_social_blocks_blocked", "social_blocks", ["network", "blocked_id", "blocker_id"])
    op.create_table(
        "social_counters",
        sa.Column("network", sa.String(32), nullable=False),
        sa.Column("account_id", types.Snowflake(), nullable=False, autoincrement=False),
        sa.Column("followers_count", sa.BigInteger(), nullable=False),
        sa.Column("following_count", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("network", "account_id", name="pk_social_counters"),
    )


def downgrade() -> None:
    op.drop_table("social_counters")
    op.drop_table("social_blocks")
    op.drop_table("social_follow_requests")
    op.drop_table("social_follows")
