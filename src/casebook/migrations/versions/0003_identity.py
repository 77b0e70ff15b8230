"""platform: accounts, refresh tokens, sessions

Revision ID: 0003_identity
Revises: 0002_scheduler
"""

import sqlalchemy as sa
from alembic import op

from casebook.platform.db import types

revision = "0003_identity"
down_revision = "0002_scheduler"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "identity_accounts",
        sa.Column("id", types.Snowflake(), nullable=False, autoincrement=False),
        sa.Column("username", sa.String(30), nullable=False),
        sa.Column("username_normalized", sa.String(30), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("email_normalized", sa.String(254), nullable=False),
        sa.Column("display_name", sa.String(80), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("created_at", types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_identity_accounts"),
        sa.UniqueConstraint("username_normalized", name="uq_identity_accounts_username_normalized"),
        sa.UniqueConstraint("email_normalized", name="uq_identity_accounts_email_normalized"),
    )
    op.create_table(
        "identity_refresh_tokens",
        sa.Column("id", types.Snowflake(), nullable=False, autoincrement=False),
        sa.Column("family_id", types.Snowflake(), nullable=False),
        sa.Column("account_id", types.Snowflake(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", types.UTCDateTime(), nullable=False),
        sa.Column("expires_at", types.UTCDateTime(), nullable=False),
        sa.Column("used_at", types.UTCDateTime(), nullable=True),
        sa.Column("revoked_at", types.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_identity_refresh_tokens"),
        sa.ForeignKeyConstraint(["account_id"], ["identity_accounts.id"], ondelete="CASCADE",
                                name="fk_identity_refresh_tokens_account_id_identity_accounts"),
        sa.UniqueConstraint("token_hash", name="uq_identity_refresh_tokens_token_hash"),
    )
    op.create_index("ix_identity_refresh_tokens_family_id", "identity_refresh_tokens", ["family_id"])
    op.create_index("ix_identity_refresh_tokens_account_id", "identity_refresh_tokens", ["account_id"])
    op.create_table(
        "identity_sessions",
        sa.Column("id", types.Snowflake(), nullable=False, autoincrement=False),
        sa.Column("account_id", types.Snowflake(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", types.UTCDateTime(), nullable=False),
        sa.Column("expires_at", types.UTCDateTime(), nullable=False),
        sa.Column("revoked_at", types.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_identity_sessions"),
        sa.ForeignKeyConstraint(["account_id"], ["identity_accounts.id"], ondelete="CASCADE",
                                name="fk_identity_sessions_account_id_identity_accounts"),
        sa.UniqueConstraint("token_hash", name="uq_identity_sessions_token_hash"),
    )
    op.create_index("ix_identity_sessions_account_id", "identity_sessions", ["account_id"])


def downgrade() -> None:
    op.drop_index("ix_identity_sessions_account_id", table_name="identity_sessions")
    op.drop_table("identity_sessions")
    op.drop_index("ix_identity_refresh_tokens_account_id", table_name="identity_refresh_tokens")
    op.drop_index("ix_identity_refresh_tokens_family_id", table_name="identity_refresh_tokens")
    op.drop_table("identity_refresh_tokens")
    op.drop_table("identity_accounts")
