"""guestbook example app: entries and consumer receipts

Revision ID: 0005_guestbook
Revises: 0004_blobs_search
"""

from alembic import op
import sqlalchemy as sa

import casebook.platform.db.types as types

revision = "0005_guestbook"
down_revision = "0004_blobs_search"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "guestbook_entries",
        sa.Column("id", types.Snowflake(), nullable=False, autoincrement=False),
        sa.Column("author_id", types.Snowflake(), nullable=False),
        sa.Column("author_username", sa.String(30), nullable=False),
        sa.Column("body", sa.String(500), nullable=False),
        sa.Column("created_at", types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_guestbook_entries"),
    )
    op.create_index("ix_guestbook_entries_author_id", "guestbook_entries", ["author_id"])
    op.create_table(
        "guestbook_receipts",
        sa.Column("entry_id", types.Snowflake(), nullable=False, autoincrement=False),
        sa.Column("handled_by_pid", sa.Integer(), nullable=False),
        sa.Column("handled_at", types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("entry_id", name="pk_guestbook_receipts"),
    )


def downgrade() -> None:
    op.drop_table("guestbook_receipts")
    op.drop_table("guestbook_entries")
