"""The database port on SQLite and PostgreSQL: pragmas, write serialization, shared column types."""

import asyncio
import sqlite3
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, select, text, update

from casebook.platform.db.engine import open_database
from casebook.platform.db.types import JSONDocument, MoneyMinor, Snowflake, UTCDateTime
from casebook.platform.settings import Settings

metadata = MetaData()
counters = Table("test_counters", metadata, Column("name", String(20), primary_key=True),
                 Column("value", Integer, nullable=False))
things = Table("test_things", metadata, Column("id", Snowflake, primary_key=True, autoincrement=False),
               Column("at", UTCDateTime), Column("amount_minor", MoneyMinor), Column("doc", JSONDocument))


@pytest.fixture
async def db(settings: Settings):
    database = open_database(settings.database_url)
    async with database.writer.begin() as connection:
        await connection.run_sync(metadata.drop_all)
        await connection.run_sync(metadata.create_all)
    yield database
    await database.dispose()


async def test_sqlite_connections_are_tuned(tmp_path) -> None:
    db = open_database(f"sqlite+aiosqlite:///{tmp_path / 'tuned.db'}")
    try:
        # The writer waits for another process's lock in BEGIN IMMEDIATE without blocking the loop, so its
        # own busy timeout is zero; a WAL reader's rare waits are kept short.
        for session_factory, busy_timeout_ms in ((db.read, 200), (db.transaction, 0)):
            async with session_factory() as session:
                assert (await session.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
                assert (await session.execute(text("PRAGMA synchronous"))).scalar() == 1  # NORMAL
                assert (await session.execute(text("PRAGMA foreign_keys"))).scalar() == 1
                assert (await session.execute(text("PRAGMA busy_timeout"))).scalar() == busy_timeout_ms
    finally:
        await db.dispose()


async def test_a_writer_waits_for_another_process_lock_without_blocking_the_loop(tmp_path) -> None:
    path = tmp_path / "locked.db"
    db = open_database(f"sqlite+aiosqlite:///{path}")
    try:
        async with db.writer.begin() as connection:
            await connection.run_sync(metadata.create_all)
        other = sqlite3.connect(path, isolation_level=None)  # another process's writer, as SQLite sees it
        other.execute("BEGIN IMMEDIATE")
        ticks = 0

        async def tick() -> None:
            nonlocal ticks
            while True:
                ticks += 1
                await asyncio.sleep(0.01)

        async def write() -> None:
            async with db.transaction() as session:
                await session.execute(counters.insert().values(name="after-lock", value=1))

        ticker = asyncio.create_task(tick())
        writing = asyncio.create_task(write())
        await asyncio.sleep(0.3)
        assert not writing.done()  # still waiting for the lock
        ticks_while_locked = ticks
        other.execute("COMMIT")
        other.close()
        await asyncio.wait_for(writing, timeout=5)
        ticker.cancel()
        assert ticks_while_locked > 1  # the loop kept running other work during the wait
        async with db.read() as session:
            assert (await session.execute(select(counters.c.value).where(counters.c.name == "after-lock"))
                    ).scalar() == 1
    finally:
        await db.dispose()


async def test_concurrent_read_then_write_transactions_lose_no_update(db) -> None:
    async with db.transaction() as session:
        await session.execute(counters.insert().values(name="hits", value=0))

    async def increment() -> None:
        async with db.transaction() as session:
            if db.dialect == "postgresql":
                current = (await session.execute(
                    select(counters.c.value).where(counters.c.name == "hits").with_for_update())).scalar_one()
            else:  # BEGIN IMMEDIATE already holds the write lock
                current = (await session.execute(select(counters.c.value).where(counters.c.name == "hits"))).scalar_one()
            await asyncio.sleep(0)  # let other tasks try to interleave
            await session.execute(update(counters).where(counters.c.name == "hits").values(value=current + 1))

    await asyncio.gather(*(increment() for _ in range(60)))

    async with db.read() as session:
        assert (await session.execute(select(counters.c.value))).scalar_one() == 60


async def test_a_failed_transaction_leaves_nothing(db) -> None:
    with pytest.raises(RuntimeError):
        async with db.transaction() as session:
            await session.execute(counters.insert().values(name="ghost", value=1))
            raise RuntimeError("boom")

    async with db.read() as session:
        assert (await session.execute(select(counters))).all() == []


async def test_column_types_round_trip_exactly(db) -> None:
    moment = datetime(2026, 3, 1, 12, 30, 15, 123456, tzinfo=timezone(timedelta(hours=5)))
    async with db.transaction() as session:
        await session.execute(things.insert().values(id=2**62 + 5, at=moment, amount_minor=9_007_199_254_740_993,
                                                     doc={"a": [1, "b"], "c": None}))

    async with db.read() as session:
        row = (await session.execute(select(things))).one()

    assert row.id == 2**62 + 5
    assert row.at == moment and row.at.tzinfo == UTC
    assert row.amount_minor == 9_007_199_254_740_993  # beyond float precision: proves integers, not floats
    assert row.doc == {"a": [1, "b"], "c": None}


async def test_naive_datetimes_and_float_money_are_refused(db) -> None:
    with pytest.raises(Exception):
        async with db.transaction() as session:
            await session.execute(things.insert().values(id=1, at=datetime(2026, 1, 1)))
    with pytest.raises(Exception):
        async with db.transaction() as session:
            await session.execute(things.insert().values(id=2, amount_minor=12.5))
