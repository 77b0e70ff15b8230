"""platform: accounts, refresh tokens, sessions

Revision ID: 0003_identity
Revises: 0002_scheduler
"""

from alembic import op
import sqlalchemy as sa

import casebook.platform.db.types as types

revision = "0003_identity"
down_revision = "0002_scheduler"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
