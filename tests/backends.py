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


async def reset_distributed(settings: Settings) -> None:
    """A clean slate: an empty schema in this worker's database and an empty Redis db."""
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
