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
    op.create_table(
        "media_assets",
        sa.Column("id", types.Snowflake(), nullable=False, autoincrement=False),
        sa.Column("namespace", sa.String(40), nullable=False),
        sa.Column("owner_id", types.Snowflake(), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("content_type", sa.String(40), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=True),
        sa.Column("original_key", sa.String(200), nullable=False),
        sa.Column("renditions", types.JSONDocument, nullable=False),
        sa.Column("poster", types.JSONDocument, nullable=True),
        sa.Column("error", sa.String(200), nullable=True),
        sa.Column("created_at", types.UTCDateTime(), nullable=False),
        sa.Column("processed_at", types.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_media_assets"),
    )
    op.create_index("ix_media_assets_owner", "media_assets", ["namespace", "owner_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_media_assets_owner", table_name="media_assets")
    op.drop_table("media_assets")
