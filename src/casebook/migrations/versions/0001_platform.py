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
    pass


def downgrade() -> None:
    pass
