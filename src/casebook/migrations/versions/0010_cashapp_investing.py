"""cashapp app: bitcoin and stock trades and holdings

Revision ID: 0010_cashapp_investing
Revises: 0009_cashapp_card
"""

import sqlalchemy as sa
from alembic import op

from casebook.platform.db import types

revision = "0010_cashapp_investing"
down_revision = "0009_cashapp_card"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cashapp_holdings",
        sa.Column("account_id", types.Snowflake(), nullable=False, autoincrement=False),
        sa.Column("symbol", sa.String(12), nullable=False),
        sa.Column("ledger_account_id", types.Snowflake(), nullable=False),
        sa.Column("cost_basis_minor", types.MoneyMinor(), nullable=False),
        sa.Column("currency", sa.String(8), nullable=False),
        sa.Column("created_at", types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("account_id", "symbol", name="pk_cashapp_holdings"),
        sa.UniqueConstraint("ledger_account_id", name="uq_cashapp_holdings_ledger_account_id"),
    )
    op.create_table(
        "cashapp_trades",
        sa.Column("id", types.Snowflake(), nullable=False, autoincrement=False),
        sa.Column("key", sa.String(128), nullable=False),
        sa.Column("account_id", types.Snowflake(), nullable=False),
        sa.Column("symbol", sa.String(12), nullable=False),
        sa.Column("side", sa.String(4), nullable=False),
        sa.Column("order_amount_minor", types.MoneyMinor(), nullable=True),
        sa.Column("order_quantity_units", sa.BigInteger(), nullable=True),
        sa.Column("quantity_units", sa.BigInteger(), nullable=False),
        sa.Column("quantity_exponent", sa.Integer(), nullable=False),
        sa.Column("price_minor", types.MoneyMinor(), nullable=False),
        sa.Column("amount_minor", types.MoneyMinor(), nullable=False),
        sa.Column("fee_minor", types.MoneyMinor(), nullable=False),
        sa.Column("currency", sa.String(8), nullable=False),
        sa.Column("quoted_at", types.UTCDateTime(), nullable=False),
        sa.Column("created_at", types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_cashapp_trades"),
        sa.UniqueConstraint("key", name="uq_cashapp_trades_key"),
    )
    op.create_index("ix_cashapp_trades_account_id_id", "cashapp_trades", ["account_id", "id"])


def downgrade() -> None:
    op.drop_table("cashapp_trades")
    op.drop_table("cashapp_holdings")
