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
    pass


def downgrade() -> None:
    pass
