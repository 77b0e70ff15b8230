"""social engine: index of accounts by follower count, so "followed accounts over the fan-out threshold"
starts from the few big accounts instead of the reader's whole follow list

Revision ID: 0017_social_counters_followers
Revises: 0016_instagram
"""

from alembic import op

revision = "0017_social_counters_followers"
down_revision = "0016_instagram"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_social_counters_followers", "social_counters", ["network", "followers_count"])


def downgrade() -> None:
    op.drop_index("ix_social_counters_followers", table_name="social_counters")
