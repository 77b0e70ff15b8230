"""media engine: assets and renditions

Revision ID: 0013_media
Revises: 0012_social
"""

import sqlalchemy as sa
from alembic import op

from casebook.platform.db import types

revision = "0013_media"
down_revision = "0012_social"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
