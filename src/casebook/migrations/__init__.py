"""Alembic migrations: one history for every table of every layer; run with `casebook migrate`."""

from __future__ import annotations

import importlib
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.engine import Connection

from casebook.platform.db.engine import Database
from casebook.platform.db.types import Base

MIGRATIONS_DIR = Path(__file__).parent
PLATFORM_MODEL_MODULES = (
    "casebook.platform.bus.models",
    "casebook.platform.idempotency.models",
    "casebook.platform.scheduler.models",
    "casebook.platform.identity.models",
    "casebook.platform.blobs.models",
    "casebook.platform.search.models",
)
ENGINE_MODEL_MODULES = (
    "casebook.engines.ledger.models",
    "casebook.engines.payments.models",
    "casebook.engines.social.models",
    "casebook.engines.media.models",
    "casebook.engines.notifications.models",
    "casebook.engines.messaging.models",
)
POSTGRES_MIGRATION_LOCK = 7_318_002  # pg_advisory_xact_lock key: one migrator at a time


def load_models() -> type[Base]:
    """Import every table definition (platform, engines and all registered apps) into Base.metadata."""
    from casebook.apps import ALL_APPS

    for module in (*PLATFORM_MODEL_MODULES, *ENGINE_MODEL_MODULES):
        importlib.import_module(module)
    for app in ALL_APPS:
        for module in app.model_modules:
            importlib.import_module(module)
    return Base


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    config.attributes["connection"] = connection
    return config


async def upgrade(db: Database, revision: str = "head") -> None:
    """Bring the schema to `revision`; safe when several processes start at once."""
    async with db.writer.begin() as connection:  # SQLite: BEGIN IMMEDIATE serializes migrators
        if db.dialect == "postgresql":
            await connection.execute(text(f"SELECT pg_advisory_xact_lock({POSTGRES_MIGRATION_LOCK})"))
        await connection.run_sync(lambda sync: command.upgrade(alembic_config(sync), revision))


async def current_revision(db: Database) -> str | None:
    from alembic.runtime.migration import MigrationContext

    async with db.reader.connect() as connection:
        return await connection.run_sync(lambda sync: MigrationContext.configure(sync).get_current_revision())


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()
