"""platform: scheduler leases, slots and delayed jobs

Revision ID: 0002_scheduler
Revises: 0001_platform
"""

from alembic import op
import sqlalchemy as sa

import casebook.platform.db.types as types

revision = "0002_scheduler"
down_revision = "0001_platform"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
