"""platform: scheduler leases, slots and delayed jobs

Revision ID: 0002_scheduler
Revises: 0001_platform
"""

import sqlalchemy as sa
from alembic import op

import casebook.platform.db.types as types

revision = "0002_scheduler"
down_revision = "0001_platform"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scheduler_leases",
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("holder", sa.String(200), nullable=False),
        sa.Column("expires_at", types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_scheduler_leases")),
    )
    op.create_table(
        "scheduler_slot_runs",
        sa.Column("job", sa.String(100), nullable=False),
        sa.Column("slot", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("ran_at", types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("job", "slot", name=op.f("pk_scheduler_slot_runs")),
    )
    op.create_table(
        "scheduler_jobs",
        sa.Column("id", types.Snowflake(), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("key", sa.String(200), nullable=True),
        sa.Column("run_at", types.UTCDateTime(), nullable=False),
        sa.Column("payload", types.JSONDocument, nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheduler_jobs")),
        sa.UniqueConstraint("name", "key", name=op.f("uq_scheduler_jobs_name")),
    )
    op.create_index("ix_scheduler_jobs_due", "scheduler_jobs", ["status", "run_at"])


def downgrade() -> None:
    op.drop_index("ix_scheduler_jobs_due", table_name="scheduler_jobs")
    op.drop_table("scheduler_jobs")
    op.drop_table("scheduler_slot_runs")
    op.drop_table("scheduler_leases")
