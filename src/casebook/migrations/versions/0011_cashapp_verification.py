"""cashapp app: identity verification and extra bank links

Revision ID: 0011_cashapp_verification
Revises: 0010_cashapp_investing
"""

import sqlalchemy as sa
from alembic import op

from casebook.platform.db import types

revision = "0011_cashapp_verification"
down_revision = "0010_cashapp_investing"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cashapp_verifications",
        sa.Column("account_id", types.Snowflake(), nullable=False, autoincrement=False),
        sa.Column("legal_name", sa.String(100), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
        sa.Column("ssn_last4", sa.String(4), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("verified_at", types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("account_id", name="pk_cashapp_verifications"),
    )
    op.create_table(
        "cashapp_verification_attempts",
        sa.Column("id", types.Snowflake(), nullable=False, autoincrement=False),
        sa.Column("account_id", types.Snowflake(), nullable=False),
        sa.Column("outcome", sa.String(10), nullable=False),
        sa.Column("failure_code", sa.String(40), nullable=True),
        sa.Column("created_at", types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_cashapp_verification_attempts"),
    )
    op.create_index("ix_cashapp_verification_attempts_account_id_created_at", "cashapp_verification_attempts",
                    ["account_id", "created_at"])


def downgrade() -> None:
    op.drop_table("cashapp_verification_attempts")
    op.drop_table("cashapp_verifications")
