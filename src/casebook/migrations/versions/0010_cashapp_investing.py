"""cashapp app: bitcoin and stock trades and holdings

Revision ID: 0010_cashapp_investing
Revises: 0009_cashapp_card
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

from casebook.platform.db import types  # noqa: F401

revision = "0010_cashapp_investing"
down_revision = "0009_cashapp_card"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # placeholder: filled in by the change that adds these tables


def downgrade() -> None:
    pass
