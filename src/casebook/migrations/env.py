"""Alembic environment: runs on the connection handed over by casebook.migrations.upgrade."""

from alembic import context

from casebook.migrations import load_models

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations with `casebook migrate`, which provides the connection")

context.configure(
    connection=connection,
    target_metadata=load_models().metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    transaction_per_migration=False,
)
context.run_migrations()
