"""cashapp app: identity verification and extra bank links

Revision ID: 0011_cashapp_verification
Revises: 0010_cashapp_investing
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

from casebook.platform.db import types  # noqa: F401

revision = "0011_cashapp_verification"
down_revision = "0010_cashapp_investing"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # placeholder: filled in by the change that adds these tables


def downgrade() -> None:
    pass
