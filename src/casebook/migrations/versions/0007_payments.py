"""payments engine: bank links, bank transfers, cards with sealed secrets, card authorizations

Revision ID: 0007_payments
Revises: 0006_ledger
"""

from alembic import op
import sqlalchemy as sa

import casebook.platform.db.types as types

revision = "0007_payments"
down_revision = "0006_ledger"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "payments_bank_links",
        sa.Column("id", types.Snowflake(), nullable=False, autoincrement=False),
        sa.Column("owner_ref", sa.String(120), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("account_last4", sa.String(4), nullable=False),
        sa.Column("is_failing_next", sa.Boolean(), nullable=False),
        sa.Column("created_at", types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_payments_bank_links"),
    )
    op.create_index("ix_payments_bank_links_owner_ref", "payments_bank_links", ["owner_ref"])
    op.create_table(
        "payments_bank_transfers",
        sa.Column("id", types.Snowflake(), nullable=False, autoincrement=False),
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("direction", sa.String(10), nullable=False),
        sa.Column("speed", sa.String(10), nullable=False),
        sa.Column("link_id", types.Snowflake(), nullable=False),
        sa.Column("wallet_account_id", types.Snowflake(), nullable=False),
        sa.Column("amount_minor", types.MoneyMinor(), nullable=False),
        sa.Column("fee_minor", types.MoneyMinor(), nullable=False),
        sa.Column("currency", sa.String(8), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("failure_reason", sa.String(40), nullable=True),
        sa.Column("ledger_pending_id", types.Snowflake(), nullable=True),
        sa.Column("ledger_posted_id", types.Snowflake(), nullable=True),
        sa.Column("created_at", types.UTCDateTime(), nullable=False),
        sa.Column("settles_at", types.UTCDateTime(), nullable=False),
        sa.Column("settled_at", types.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_payments_bank_transfers"),
        sa.UniqueConstraint("key", name="uq_payments_bank_transfers_key"),
        sa.ForeignKeyConstraint(["link_id"], ["payments_bank_links.id"],
                                name="fk_payments_bank_transfers_link_id_payments_bank_links"),
        sa.ForeignKeyConstraint(["wallet_account_id"], ["ledger_accounts.id"],
                                name="fk_payments_bank_transfers_wallet_account_id_ledger_accounts"),
    )
    op.create_index("ix_payments_bank_transfers_wallet_account_id", "payments_bank_transfers",
                    ["wallet_account_id"])
    op.create_table(
        "payments_cards",
        sa.Column("id", types.Snowflake(), nullable=False, autoincrement=False),
        sa.Column("owner_ref", sa.String(120), nullable=False),
        sa.Column("wallet_account_id", types.Snowflake(), nullable=False),
        sa.Column("open_wallet_account_id", types.Snowflake(), nullable=True),
        sa.Column("number_digest", sa.String(64), nullable=False),
        sa.Column("number_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("cvv_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("last4", sa.String(4), nullable=False),
        sa.Column("expiry_month", sa.Integer(), nullable=False),
        sa.Column("expiry_year", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("created_at", types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_payments_cards"),
        sa.UniqueConstraint("open_wallet_account_id", name="uq_payments_cards_open_wallet_account_id"),
        sa.UniqueConstraint("number_digest", name="uq_payments_cards_number_digest"),
        sa.ForeignKeyConstraint(["wallet_account_id"], ["ledger_accounts.id"],
                                name="fk_payments_cards_wallet_account_id_ledger_accounts"),
    )
    op.create_index("ix_payments_cards_owner_ref", "payments_cards", ["owner_ref"])
    op.create_table(
        "payments_authorizations",
        sa.Column("id", types.Snowflake(), nullable=False, autoincrement=False),
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("card_id", types.Snowflake(), nullable=False),
        sa.Column("wallet_account_id", types.Snowflake(), nullable=False),
        sa.Column("amount_minor", types.MoneyMinor(), nullable=False),
        sa.Column("captured_minor", types.MoneyMinor(), nullable=False),
        sa.Column("discount_minor", types.MoneyMinor(), nullable=False),
        sa.Column("discount_source_account_id", types.Snowflake(), nullable=True),
        sa.Column("currency", sa.String(8), nullable=False),
        sa.Column("merchant_name", sa.String(100), nullable=False),
        sa.Column("merchant_category", sa.String(40), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("decline_reason", sa.String(40), nullable=True),
        sa.Column("ledger_pending_id", types.Snowflake(), nullable=True),
        sa.Column("ledger_capture_id", types.Snowflake(), nullable=True),
        sa.Column("ledger_discount_id", types.Snowflake(), nullable=True),
        sa.Column("ledger_reversal_id", types.Snowflake(), nullable=True),
        sa.Column("capture_key", sa.String(100), nullable=True),
        sa.Column("reverse_key", sa.String(100), nullable=True),
        sa.Column("created_at", types.UTCDateTime(), nullable=False),
        sa.Column("expires_at", types.UTCDateTime(), nullable=True),
        sa.Column("resolved_at", types.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_payments_authorizations"),
        sa.UniqueConstraint("key", name="uq_payments_authorizations_key"),
        sa.UniqueConstraint("capture_key", name="uq_payments_authorizations_capture_key"),
        sa.UniqueConstraint("reverse_key", name="uq_payments_authorizations_reverse_key"),
        sa.ForeignKeyConstraint(["card_id"], ["payments_cards.id"],
                                name="fk_payments_authorizations_card_id_payments_cards"),
        sa.ForeignKeyConstraint(["wallet_account_id"], ["ledger_accounts.id"],
                                name="fk_payments_authorizations_wallet_account_id_ledger_accounts"),
    )
    op.create_index("ix_payments_authorizations_card_id_id", "payments_authorizations", ["card_id", "id"])
    op.create_index("ix_payments_authorizations_status_expires_at", "payments_authorizations",
                    ["status", "expires_at"])


def downgrade() -> None:
    op.drop_table("payments_authorizations")
    op.drop_table("payments_cards")
    op.drop_table("payments_bank_transfers")
    op.drop_table("payments_bank_links")
