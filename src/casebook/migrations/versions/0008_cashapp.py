"""cashapp app: profiles, cashtags with release holds, P2P payments, money requests

Revision ID: 0008_cashapp
Revises: 0007_payments
"""

import sqlalchemy as sa
from alembic import op

from casebook.platform.db import types

revision = "0008_cashapp"
down_revision = "0007_payments"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cashapp_profiles",
        sa.Column("account_id", types.Snowflake(), nullable=False, autoincrement=False),
        sa.Column("cashtag", sa.String(21), nullable=False),
        sa.Column("display_name", sa.String(80), nullable=False),
        sa.Column("phone", sa.String(16), nullable=True),
        sa.Column("wallet_account_id", types.Snowflake(), nullable=False),
        sa.Column("bank_link_id", types.Snowflake(), nullable=False),
        sa.Column("is_verified", sa.Boolean(), nullable=False),
        sa.Column("created_at", types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("account_id", name="pk_cashapp_profiles"),
        sa.UniqueConstraint("cashtag", name="uq_cashapp_profiles_cashtag"),
        sa.UniqueConstraint("phone", name="uq_cashapp_profiles_phone"),
        sa.UniqueConstraint("wallet_account_id", name="uq_cashapp_profiles_wallet_account_id"),
    )
    op.create_table(
        "cashapp_cashtags",
        sa.Column("cashtag", sa.String(21), nullable=False),
        sa.Column("account_id", types.Snowflake(), nullable=False),
        sa.Column("claimed_at", types.UTCDateTime(), nullable=False),
        sa.Column("released_at", types.UTCDateTime(), nullable=True),
        sa.Column("reusable_at", types.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("cashtag", name="pk_cashapp_cashtags"),
    )
    op.create_index("ix_cashapp_cashtags_account_id", "cashapp_cashtags", ["account_id"])
    op.create_table(
        "cashapp_payments",
        sa.Column("id", types.Snowflake(), nullable=False, autoincrement=False),
        sa.Column("key", sa.String(128), nullable=False),
        sa.Column("sender_id", types.Snowflake(), nullable=False),
        sa.Column("recipient_id", types.Snowflake(), nullable=False),
        sa.Column("amount_minor", types.MoneyMinor(), nullable=False),
        sa.Column("currency", sa.String(8), nullable=False),
        sa.Column("note", sa.String(140), nullable=False),
        sa.Column("request_id", types.Snowflake(), nullable=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("refund_transaction_id", types.Snowflake(), nullable=True),
        sa.Column("created_at", types.UTCDateTime(), nullable=False),
        sa.Column("refunded_at", types.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_cashapp_payments"),
        sa.UniqueConstraint("key", name="uq_cashapp_payments_key"),
        sa.UniqueConstraint("request_id", name="uq_cashapp_payments_request_id"),
    )
    op.create_index("ix_cashapp_payments_recipient_id", "cashapp_payments", ["recipient_id"])
    op.create_index("ix_cashapp_payments_sender_id_created_at", "cashapp_payments", ["sender_id", "created_at"])
    op.create_table(
        "cashapp_requests",
        sa.Column("id", types.Snowflake(), nullable=False, autoincrement=False),
        sa.Column("requester_id", types.Snowflake(), nullable=False),
        sa.Column("payer_id", types.Snowflake(), nullable=False),
        sa.Column("amount_minor", types.MoneyMinor(), nullable=False),
        sa.Column("currency", sa.String(8), nullable=False),
        sa.Column("note", sa.String(140), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("payment_id", types.Snowflake(), nullable=True),
        sa.Column("created_at", types.UTCDateTime(), nullable=False),
        sa.Column("resolved_at", types.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_cashapp_requests"),
    )
    op.create_index("ix_cashapp_requests_requester_id", "cashapp_requests", ["requester_id"])
    op.create_index("ix_cashapp_requests_payer_id", "cashapp_requests", ["payer_id"])


def downgrade() -> None:
    op.drop_table("cashapp_requests")
    op.drop_table("cashapp_payments")
    op.drop_table("cashapp_cashtags")
    op.drop_table("cashapp_profiles")
