"""The real PostgreSQL, Redis and NATS on localhost, for CASEBOOK_TEST_BACKENDS=all."""

from __future__ import annotations

import os
from pathlib import Path

from casebook.platform.settings import Settings

DISTRIBUTED = os.environ.get("CASEBOOK_TEST_BACKENDS", "embedded") == "all"
POSTGRES_ADMIN_DSN = os.environ.get("CASEBOOK_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_HOST = os.environ.get("CASEBOOK_TEST_REDIS", "redis://127.0.0.1:6379")
NATS_URL = os.environ.get("CASEBOOK_TEST_NATS", "nats://127.0.0.1:4222")

_worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
WORKER_INDEX = int(_worker.removeprefix("gw") or 0)
TEST_DATABASE = f"casebook_test_{WORKER_INDEX}"
# db 0 is left to whoever else uses this Redis; e2e tests and benchmarks use 12-15; Redis has 16 dbs
REDIS_DB = 1 + WORKER_INDEX % 11
_created: set[str] = set()


def distributed_settings(tmp_path: Path, *, secret_key: str, run_id: str) -> Settings:
    redis_url = f"{REDIS_HOST}/{REDIS_DB}"
    return Settings(
        data_dir=tmp_path / "var",
        secret_key=secret_key,
        database_url=f"postgresql+asyncpg://postgres@127.0.0.1:5432/{TEST_DATABASE}",
        cache_url=redis_url,
        bus_url=f"{NATS_URL}?stream=TEST_{run_id}&subject_prefix=t{run_id}",
    )


async def reset_distributed(settings: Settings, *, fresh_schema: bool = False) -> None:
    """A clean slate: this worker's database with empty tables (an empty schema when it is not at the
    migrations' head, or when `fresh_schema` asks for one) and an empty Redis db."""
    import asyncpg
    import redis.asyncio as redis

    admin = await asyncpg.connect(POSTGRES_ADMIN_DSN)
    try:
        if TEST_DATABASE not in _created:
            exists = await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", TEST_DATABASE)
            if not exists:
                await admin.execute(f'CREATE DATABASE "{TEST_DATABASE}"')
            _created.add(TEST_DATABASE)
    finally:
        await admin.close()
    connection = await asyncpg.connect(f"postgresql://postgres@127.0.0.1:5432/{TEST_DATABASE}")
    try:
        if not fresh_schema and await _is_at_head(connection):
            # Emptying ~60 tables costs a tenth of migrating them again, on every distributed test.
            tables = await connection.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                                            "AND tablename <> 'alembic_version'")
            names = ", ".join(f'"{row["tablename"]}"' for row in tables)
            await connection.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        else:
            await connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    finally:
        await connection.close()
    client = redis.Redis.from_url(settings.cache_url)
    try:
        await client.flushdb()
    finally:
        await client.aclose()


async def delete_test_stream(settings: Settings) -> None:
    """Each test's JetStream stream is its own; delete it so the server does not pile them up."""
    import nats
    from urllib.parse import parse_qs, urlsplit

    stream = parse_qs(urlsplit(settings.bus_url).query).get("stream", [""])[0]
    if not stream.startswith("TEST_"):
        return
    connection = await nats.connect(NATS_URL, connect_timeout=5)
    try:
        try:
            await connection.jetstream().delete_stream(stream)
        except nats.js.errors.NotFoundError:
            pass  # the test never opened the bus
    finally:
        await connection.close()


async def _is_at_head(connection) -> bool:
    from casebook.migrations import head_revision

    has_versions = await connection.fetchval("SELECT to_regclass('public.alembic_version') IS NOT NULL")
    return bool(has_versions) and await connection.fetchval("SELECT version_num FROM alembic_version") == head_revision()


_sqlite_template: Path | None = None


async def migrated_sqlite_template() -> Path:
    """A SQLite database at the migrations' head, built once per test process; tests start from a copy."""
    global _sqlite_template
    if _sqlite_template is None:
        import tempfile

        from casebook.migrations import upgrade
        from casebook.platform.db.engine import open_database

        path = Path(tempfile.mkdtemp(prefix="casebook-schema-")) / "casebook.db"
        db = open_database(f"sqlite+aiosqlite:///{path}")
        try:
            await upgrade(db)
        finally:
            await db.dispose()
        _sqlite_template = path
    return _sqlite_template
