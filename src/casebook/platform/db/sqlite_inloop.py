"""SQLite connections run on the event loop itself, behind the aiosqlite interface SQLAlchemy drives.

aiosqlite runs every statement in a helper thread: one hop there and one back per statement. A write
transaction is a dozen statements, each a few microseconds of SQLite work but each waiting for the busy
event loop to get around to its answer, so under load a batch of payments spent most of its time in
hand-offs while holding SQLite's only write lock. The writer's statements are short (point reads and
writes by key), so running them inline costs the loop less than handing them off.

The one wait a writer can have, the write lock held by another process, is not taken inline: the
writer's busy timeout is zero and BEGIN IMMEDIATE is retried with `asyncio.sleep` until the database's
busy timeout has passed, so the loop keeps serving while it waits. The price: a long scan (a statement
of thousands of rows) holds the loop while it runs; the app bounds every read it serves.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

LOCK_RETRY_FIRST_S = 0.001
LOCK_RETRY_MAX_S = 0.004


class _ImmediateQueue:
    """Stands in for aiosqlite's request queue, which SQLAlchemy uses to set isolation_level: run at once."""

    def put_nowait(self, item: tuple[asyncio.Future[Any], Callable[[], Any]]) -> None:
        future, function = item
        try:
            future.set_result(function())
        except Exception as error:
            future.set_exception(error)


class Cursor:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._cursor = connection._conn.cursor()
        self.arraysize = 1

    async def __aenter__(self) -> Cursor:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> Cursor:
        await asyncio.sleep(0)  # let the loop run what is ready: a long transaction must not starve requests
        if sql.lstrip()[:5].upper() == "BEGIN":
            await self._connection.begin(self._cursor, sql)
        elif parameters is None:
            self._cursor.execute(sql)
        else:
            self._cursor.execute(sql, parameters)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Sequence[Any]]) -> Cursor:
        await asyncio.sleep(0)
        self._cursor.executemany(sql, parameters)
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(size if size is not None else self.arraysize)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()


class Connection:
    """The subset of aiosqlite.Connection that SQLAlchemy's aiosqlite dialect uses, run inline."""

    def __init__(self, conn: sqlite3.Connection, *, busy_timeout_s: float) -> None:
        self._conn = conn
        self._connection = conn  # SQLAlchemy checks it for "still open" before commit and rollback
        self._tx = _ImmediateQueue()
        self.busy_timeout_s = busy_timeout_s

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    def cursor(self) -> Cursor:
        return Cursor(self)

    async def begin(self, cursor: sqlite3.Cursor, sql: str) -> None:
        """BEGIN (IMMEDIATE takes the write lock): while another process holds it, wait without blocking."""
        deadline = time.monotonic() + self.busy_timeout_s
        pause = LOCK_RETRY_FIRST_S
        while True:
            try:
                cursor.execute(sql)
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() >= deadline:
                    raise
            await asyncio.sleep(pause)
            pause = min(pause * 2, LOCK_RETRY_MAX_S)

    async def commit(self) -> None:
        self._conn.commit()

    async def rollback(self) -> None:
        self._conn.rollback()

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._conn.create_function(*args, **kwargs)

    async def close(self) -> None:
        self.stop()

    def stop(self) -> None:
        if self._connection is not None:
            self._conn.close()
            self._connection = None


def creator(database: str, *, busy_timeout_s: float) -> Callable[[], Any]:
    """An `async_creator` for create_async_engine: a connection whose statements run on the loop."""

    async def connect() -> Connection:
        conn = sqlite3.connect(database, check_same_thread=False, timeout=0)
        return Connection(conn, busy_timeout_s=busy_timeout_s)

    return connect
