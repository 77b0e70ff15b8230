"""instagram app

Revision ID: 0016_instagram
Revises: 0015_messaging
"""

import sqlalchemy as sa
from alembic import op

from casebook.platform.db import types

revision = "0016_instagram"
down_revision = "0015_messaging"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
