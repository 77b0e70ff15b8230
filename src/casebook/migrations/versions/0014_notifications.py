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
    pass


def downgrade() -> None:
    pass
