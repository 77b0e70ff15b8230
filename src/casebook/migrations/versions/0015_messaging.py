"""messaging engine: conversations, members, messages

Revision ID: 0015_messaging
Revises: 0014_notifications
"""

import sqlalchemy as sa
from alembic import op

from casebook.platform.db import types

revision = "0015_messaging"
down_revision = "0014_notifications"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
