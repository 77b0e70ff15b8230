"""The database port: a writer and a reader over SQLAlchemy 2 async, tuned per dialect."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import AsyncIterator

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from casebook.platform.db import sqlite_inloop

SQLITE_BUSY_TIMEOUT_MS = 10_000
SQLITE_READERS_MAX = 4
# A WAL reader waits only in rare moments (another connection recovering or resetting the WAL), and that
# wait blocks the loop: keep it short; a reader that still finds the database busy fails with 503.
SQLITE_READER_BUSY_TIMEOUT_MS = 200
POSTGRES_POOL_SIZE = 10
POSTGRES_POOL_OVERFLOW = 10
POSTGRES_RECYCLE_S = 1800  # under the idle timeouts of proxies and load balancers in front of PostgreSQL


class Database:
    """Opens sessions: `transaction()` for read-then-write work, `read()` for consistent reads.

    SQLite allows one writer at a time, so its writer is a single pooled connection that
    starts every transaction with BEGIN IMMEDIATE: writers queue in-process instead of
    failing later with SQLITE_BUSY on lock upgrade. Readers use their own WAL connections.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        parsed = make_url(url)
        self.dialect = parsed.get_backend_name()
        if self.dialect == "sqlite":
            database = parsed.database or ""
            if database and database != ":memory:":
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            # Statements run on the event loop (see sqlite_inloop): a hop to aiosqlite's thread and back cost
            # more than the point reads and writes themselves (payments 2x, a profile read 2.4x faster).
            self.writer = create_async_engine(
                url, pool_size=1, max_overflow=0, pool_timeout=60,
                async_creator=sqlite_inloop.creator(database or ":memory:",
                                                    busy_timeout_s=SQLITE_BUSY_TIMEOUT_MS / 1000))
            self.reader = create_async_engine(url, pool_size=SQLITE_READERS_MAX, max_overflow=0, pool_timeout=60,
                async_creator=sqlite_inloop.creator(database or ":memory:",
                                                    busy_timeout_s=SQLITE_BUSY_TIMEOUT_MS / 1000))
            _tune_sqlite(self.writer, begin="BEGIN IMMEDIATE", busy_timeout_ms=0)
            _tune_sqlite(self.reader, begin="BEGIN", busy_timeout_ms=SQLITE_READER_BUSY_TIMEOUT_MS)
        elif self.dialect == "postgresql":
            # No pre-ping: it was a round trip before every unit of work (~0.3 ms of a 1 ms read). A connection
            # that died (a PostgreSQL restart) fails its next statement instead; SQLAlchemy then drops the
            # whole pool, so one request per process sees the error (a 503) and the next ones reconnect.
            self.writer = create_async_engine(
                url, pool_size=POSTGRES_POOL_SIZE, max_overflow=POSTGRES_POOL_OVERFLOW,
                pool_recycle=POSTGRES_RECYCLE_S)
            # Readers share the pool in autocommit: at READ COMMITTED every statement sees its own snapshot
            # anyway, so a reader's BEGIN and COMMIT were two round trips that bought nothing.
            self.reader = self.writer.execution_options(isolation_level="AUTOCOMMIT")
        else:
            raise ValueError(f"unsupported database URL scheme: {parsed.drivername}")
        self._write_sessions = async_sessionmaker(self.writer, expire_on_commit=False)
        self._read_sessions = async_sessionmaker(self.reader, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @property
    def pooled_engines(self) -> tuple[AsyncEngine, ...]:
        """One engine per connection pool: listen on these to see every statement once (PostgreSQL's reader
        is the writer's pool in autocommit, and the writer's listeners already hear it)."""
        return (self.writer, self.reader) if self.is_sqlite else (self.writer,)

    def write_session(self) -> AsyncSession:
        return self._write_sessions()

    def read_session(self) -> AsyncSession:
        return self._read_sessions()

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A write transaction, committed on success and rolled back on any exception."""
        async with self._write_sessions() as session, session.begin():
            yield session

    @contextlib.asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        async with self._read_sessions() as session, session.begin():
            yield session

    async def ping(self) -> None:
        async with self.reader.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.writer.dispose()
        if self.is_sqlite:  # PostgreSQL's reader shares the writer's pool
            await self.reader.dispose()


def _tune_sqlite(engine: AsyncEngine, *, begin: str, busy_timeout_ms: int) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection, _record) -> None:
        # Take BEGIN out of the driver's hands so we choose IMMEDIATE or DEFERRED ourselves.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA temp_store=MEMORY")
        # Set-up (above) may wait once; later waits would block the loop (see sqlite_inloop).
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(connection) -> None:
        connection.exec_driver_sql(begin)


def open_database(url: str) -> Database:
    return Database(url)
