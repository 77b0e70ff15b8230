"""Throwaway backends for one run: a data directory, and for distributed runs a fresh PostgreSQL
database, a flushed Redis db and a NATS stream of their own, removed again afterwards."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import secrets
from collections.abc import Mapping
from pathlib import Path

import asyncpg
import nats
import redis.asyncio as redis

POSTGRES_ADMIN_DSN_DEFAULT = "postgresql://postgres@127.0.0.1:5432/postgres"
REDIS_URL_DEFAULT = "redis://127.0.0.1:6379"
NATS_URL_DEFAULT = "nats://127.0.0.1:4222"
BACKEND_KINDS = ("embedded", "distributed")


@dataclasses.dataclass(frozen=True, kw_only=True)
class Backends:
    """Where one run keeps its state; `env` is what every casebook process of the run gets."""

    kind: str  # embedded | distributed
    data_dir: Path
    secret_key: str
    database_name: str | None = None
    database_url: str | None = None
    cache_url: str | None = None
    bus_url: str | None = None
    stream: str | None = None

    @property
    def is_distributed(self) -> bool:
        return self.kind == "distributed"

    def env(self, base: Mapping[str, str] | None = None, **extra: str) -> dict[str, str]:
        """`base` (default os.environ) without inherited CASEBOOK_* settings, plus this run's."""
        env = {name: value for name, value in (os.environ if base is None else base).items()
               if not name.startswith("CASEBOOK_")}
        env.update({
            "CASEBOOK_DATA_DIR": str(self.data_dir),
            "CASEBOOK_SECRET_KEY": self.secret_key,  # every process must verify the others' tokens
            "CASEBOOK_ACCESS_LOG": "false",
            "CASEBOOK_LOG_LEVEL": "WARNING",
        })
        if self.is_distributed:
            assert self.database_url and self.cache_url and self.bus_url
            env.update({"CASEBOOK_DATABASE_URL": self.database_url, "CASEBOOK_CACHE_URL": self.cache_url,
                        "CASEBOOK_BUS_URL": self.bus_url, "CASEBOOK_MIGRATE_ON_START": "false"})
        env.update(extra)
        return env

    @property
    def sqlite_path(self) -> Path:
        assert not self.is_distributed
        return self.data_dir / "casebook.db"

    @property
    def postgres_dsn(self) -> str:
        """The run's database for asyncpg (no SQLAlchemy driver suffix)."""
        assert self.database_url is not None
        return self.database_url.replace("postgresql+asyncpg://", "postgresql://", 1)


def embedded(data_dir: Path) -> Backends:
    data_dir.mkdir(parents=True, exist_ok=True)
    return Backends(kind="embedded", data_dir=data_dir, secret_key=secrets.token_urlsafe(32))


async def provision_distributed(data_dir: Path, *, label: str, redis_db: int) -> Backends:
    """A fresh database `casebook_<label>_<id>`, Redis db `redis_db` flushed, stream `<LABEL>_<ID>`.

    `redis_db` is chosen by the caller so that concurrent suites never flush each other's keys.
    """
    run_id = secrets.token_hex(4)
    database_name = f"casebook_{label}_{run_id}"
    admin_dsn = os.environ.get("CASEBOOK_TEST_POSTGRES", POSTGRES_ADMIN_DSN_DEFAULT)
    admin = await asyncpg.connect(admin_dsn)
    try:
        await admin.execute(f'CREATE DATABASE "{database_name}"')
    finally:
        await admin.close()
    redis_url = f"{os.environ.get('CASEBOOK_TEST_REDIS', REDIS_URL_DEFAULT)}/{redis_db}"
    client = redis.Redis.from_url(redis_url)
    try:
        await client.flushdb()
    finally:
        await client.aclose()
    stream = f"{label.upper()}_{run_id.upper()}"
    nats_url = os.environ.get("CASEBOOK_TEST_NATS", NATS_URL_DEFAULT)
    server_dsn = admin_dsn.rsplit("/", 1)[0]
    data_dir.mkdir(parents=True, exist_ok=True)
    return Backends(
        kind="distributed", data_dir=data_dir, secret_key=secrets.token_urlsafe(32),
        database_name=database_name,
        database_url=server_dsn.replace("postgresql://", "postgresql+asyncpg://", 1) + f"/{database_name}",
        cache_url=redis_url,
        bus_url=f"{nats_url}?stream={stream}&subject_prefix={label[:1]}{run_id}",
        stream=stream,
    )


async def release(backends: Backends) -> None:
    """Drop what `provision_distributed` created; best effort, so teardown never hides a test failure."""
    if not backends.is_distributed:
        return
    admin = await asyncpg.connect(os.environ.get("CASEBOOK_TEST_POSTGRES", POSTGRES_ADMIN_DSN_DEFAULT))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{backends.database_name}" WITH (FORCE)')
    finally:
        await admin.close()
    assert backends.bus_url is not None
    with contextlib.suppress(Exception):  # the stream exists only once a process has connected
        client = await nats.connect(backends.bus_url.split("?", 1)[0], connect_timeout=5)
        try:
            await client.jetstream().delete_stream(backends.stream)
        finally:
            await client.close()
    assert backends.cache_url is not None
    client = redis.Redis.from_url(backends.cache_url)
    try:
        await client.flushdb()
    finally:
        await client.aclose()
