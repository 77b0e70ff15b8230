"""cashapp app: Cash Card screens and boosts

Revision ID: 0009_cashapp_card
Revises: 0008_cashapp
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

from casebook.platform.db import types  # noqa: F401

revision = "0009_cashapp_card"
down_revision = "0008_cashapp"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # placeholder: filled in by the change that adds these tables


def downgrade() -> None:
    pass
