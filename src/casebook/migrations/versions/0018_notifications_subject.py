"""notifications engine: index by subject, so a deleted post's notifications are found without a scan

Revision ID: 0018_notifications_subject
Revises: 0017_social_counters_followers
"""

from alembic import op

revision = "0018_notifications_subject"
down_revision = "0017_social_counters_followers"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_notifications_subject", "notifications", ["network", "subject_id"])


def downgrade() -> None:
    op.drop_index("ix_notifications_subject", table_name="notifications")
