"""cashapp app: Cash Card screens and boosts

Revision ID: 0009_cashapp_card
Revises: 0008_cashapp
"""

import sqlalchemy as sa
from alembic import op

from casebook.platform.db import types

revision = "0009_cashapp_card"
down_revision = "0008_cashapp"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Cards and authorizations themselves are the payments engine's tables (0007_payments).
    op.create_table(
        "cashapp_boost_selections",
        sa.Column("account_id", types.Snowflake(), nullable=False, autoincrement=False),
        sa.Column("boost_id", sa.String(40), nullable=False),
        sa.Column("activated_at", types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("account_id", name="pk_cashapp_boost_selections"),
    )
    op.create_table(
        "cashapp_boost_redemptions",
        sa.Column("authorization_id", types.Snowflake(), nullable=False, autoincrement=False),
        sa.Column("account_id", types.Snowflake(), nullable=False),
        sa.Column("boost_id", sa.String(40), nullable=False),
        sa.Column("discount_minor", types.MoneyMinor(), nullable=False),
        sa.Column("currency", sa.String(8), nullable=False),
        sa.Column("created_at", types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("authorization_id", name="pk_cashapp_boost_redemptions"),
    )
    op.create_index("ix_cashapp_boost_redemptions_account_id_created_at", "cashapp_boost_redemptions",
                    ["account_id", "created_at"])


def downgrade() -> None:
    op.drop_table("cashapp_boost_redemptions")
    op.drop_table("cashapp_boost_selections")
