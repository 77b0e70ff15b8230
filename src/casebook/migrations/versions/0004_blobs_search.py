"""platform: resumable uploads and the search index

Revision ID: 0004_blobs_search
Revises: 0003_identity
"""

from alembic import op
import sqlalchemy as sa

import casebook.platform.db.types as types

revision = "0004_blobs_search"
down_revision = "0003_identity"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
