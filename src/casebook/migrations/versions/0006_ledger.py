"""ledger engine: accounts with running totals, transactions, postings, idempotency keys

Revision ID: 0006_ledger
Revises: 0005_guestbook
"""

from alembic import op
import sqlalchemy as sa

import casebook.platform.db.types as types

revision = "0006_ledger"
down_revision = "0005_guestbook"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ledger_accounts",
        sa.Column("id", types.Snowflake(), nullable=False, autoincrement=False),
        sa.Column("code", sa.String(120), nullable=False),
        sa.Column("currency", sa.String(8), nullable=False),
        sa.Column("normal_side", sa.String(6), nullable=False),
        sa.Column("debits_must_not_exceed_credits", sa.Boolean(), nullable=False),
        sa.Column("credits_must_not_exceed_debits", sa.Boolean(), nullable=False),
        sa.Column("overdraft_minor", types.MoneyMinor(), nullable=False),
        sa.Column("is_closed", sa.Boolean(), nullable=False),
        sa.Column("owner_ref", sa.String(120), nullable=True),
        sa.Column("metadata", types.JSONDocument, nullable=False),
        sa.Column("debits_posted_minor", types.MoneyMinor(), nullable=False),
        sa.Column("credits_posted_minor", types.MoneyMinor(), nullable=False),
        sa.Column("debits_pending_minor", types.MoneyMinor(), nullable=False),
        sa.Column("credits_pending_minor", types.MoneyMinor(), nullable=False),
        sa.Column("created_at", types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ledger_accounts"),
        sa.UniqueConstraint("code", name="uq_ledger_accounts_code"),
    )
    op.create_index("ix_ledger_accounts_owner_ref", "ledger_accounts", ["owner_ref"])
    op.create_table(
        "ledger_transactions",
        sa.Column("id", types.Snowflake(), nullable=False, autoincrement=False),
        sa.Column("key", sa.String(128), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("pending_id", types.Snowflake(), nullable=True),
        sa.Column("reverses_id", types.Snowflake(), nullable=True),
        sa.Column("expires_at", types.UTCDateTime(), nullable=True),
        sa.Column("metadata", types.JSONDocument, nullable=False),
        sa.Column("created_at", types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ledger_transactions"),
        sa.UniqueConstraint("pending_id", name="uq_ledger_transactions_pending_id"),
        sa.UniqueConstraint("reverses_id", name="uq_ledger_transactions_reverses_id"),
    )
    op.create_index("ix_ledger_transactions_status_expires_at", "ledger_transactions", ["status", "expires_at"])
    op.create_table(
        "ledger_entries",
        sa.Column("id", types.Snowflake(), nullable=False, autoincrement=False),
        sa.Column("transaction_id", types.Snowflake(), nullable=False),
        sa.Column("account_id", types.Snowflake(), nullable=False),
        sa.Column("currency", sa.String(8), nullable=False),
        sa.Column("side", sa.String(6), nullable=False),
        sa.Column("phase", sa.String(8), nullable=False),
        sa.Column("amount_minor", types.MoneyMinor(), nullable=False),
        sa.Column("created_at", types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ledger_entries"),
        sa.ForeignKeyConstraint(["transaction_id"], ["ledger_transactions.id"],
                                name="fk_ledger_entries_transaction_id_ledger_transactions"),
        sa.ForeignKeyConstraint(["account_id"], ["ledger_accounts.id"],
                                name="fk_ledger_entries_account_id_ledger_accounts"),
    )
    op.create_index("ix_ledger_entries_transaction_id", "ledger_entries", ["transaction_id"])
    op.create_index("ix_ledger_entries_account_id_id", "ledger_entries", ["account_id", "id"])
    op.create_index("ix_ledger_entries_account_id_created_at", "ledger_entries", ["account_id", "created_at"])
    op.create_table(
        "ledger_requests",
        sa.Column("key", sa.String(128), nullable=False),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("transaction_id", types.Snowflake(), nullable=True),
        sa.Column("error_code", sa.String(64), nullable=True),
        sa.Column("error_detail", sa.String(500), nullable=True),
        sa.Column("created_at", types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_ledger_requests"),
    )


def downgrade() -> None:
    op.drop_table("ledger_requests")
    op.drop_table("ledger_entries")
    op.drop_table("ledger_transactions")
    op.drop_table("ledger_accounts")
