"""PreparedRead on SQLite and PostgreSQL: the same rows, types and transaction as SQLAlchemy's own execution."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import (
    Boolean,
    Column,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    event,
    exists,
    insert,
    select,
)

from casebook.platform.db.engine import open_database
from casebook.platform.db.prepared import PreparedRead
from casebook.platform.db.types import Snowflake, UTCDateTime
from casebook.platform.settings import Settings

metadata = MetaData()
items = Table("test_prepared_items", metadata, Column("id", Snowflake, primary_key=True, autoincrement=False),
              Column("kind", String(20), nullable=False), Column("at", UTCDateTime, nullable=False),
              Column("done", Boolean, nullable=False))
marks = Table("test_prepared_marks", metadata, Column("item_id", Snowflake, primary_key=True, autoincrement=False),
              Column("by", Integer, primary_key=True, autoincrement=False))

MOMENT = datetime(2026, 11, 21, 12, 30, tzinfo=UTC)

# A constant ("kind"), a typed parameter, a correlated EXISTS, an id list and a LIMIT.
by_ids = PreparedRead(
    select(items.c.id, items.c.at, items.c.done,
           exists().where(marks.c.item_id == items.c.id, marks.c.by == bindparam("viewer")).label("marked"))
    .where(PreparedRead.in_ids(items.c.id, "item_ids"), items.c.kind == "thing",
           items.c.at >= bindparam("since", type_=UTCDateTime()))
    .order_by(items.c.id).limit(bindparam("rows_max", type_=Integer())))


@pytest.fixture
async def db(settings: Settings):
    database = open_database(settings.database_url)
    async with database.writer.begin() as connection:
        await connection.run_sync(metadata.drop_all)
        await connection.run_sync(metadata.create_all)
        await connection.execute(insert(items), [
            {"id": 1, "kind": "thing", "at": MOMENT, "done": True},
            {"id": 2, "kind": "thing", "at": MOMENT - timedelta(days=2), "done": False},
            {"id": 3, "kind": "other", "at": MOMENT, "done": False},
            {"id": 4, "kind": "thing", "at": MOMENT + timedelta(microseconds=5), "done": False}])
        await connection.execute(insert(marks), [{"item_id": 4, "by": 7}])
    yield database
    await database.dispose()


def _params(ids, **extra):
    return {"viewer": 7, "since": MOMENT - timedelta(days=1), "rows_max": 10, "item_ids": ids, **extra}


async def test_rows_come_back_typed_as_through_sqlalchemy(db) -> None:
    async with db.read() as session:
        rows = await by_ids.rows(session, _params([4, 3, 2, 1]))
        expected = (await session.execute(
            by_ids.statement, _params([4, 3, 2, 1]))).all()

    assert rows == [tuple(row) for row in expected]
    assert rows == [(1, MOMENT, True, False), (4, MOMENT + timedelta(microseconds=5), False, True)]
    assert rows[0][1].tzinfo is not None


async def test_any_length_of_id_list_and_the_limit_is_a_parameter(db) -> None:
    async with db.read() as session:
        assert await by_ids.rows(session, _params([1])) == [(1, MOMENT, True, False)]
        assert await by_ids.rows(session, _params([])) == []
        assert [row[0] for row in await by_ids.rows(session, _params([1, 4], rows_max=1))] == [1]
        assert [row[0] for row in await by_ids.rows(session, _params(list(range(1, 500))))] == [1, 4]


async def test_it_reads_inside_the_session_transaction_after_flushing(db) -> None:
    class Undo(Exception):
        pass

    with pytest.raises(Undo):
        async with db.transaction() as session:
            await session.execute(insert(items).values(id=5, kind="thing", at=MOMENT, done=False))
            # Not committed yet: only a read on the same connection and transaction can see it.
            assert [row[0] for row in await by_ids.rows(session, _params([5]))] == [5]
            raise Undo  # rolled back
    async with db.read() as session:
        assert await by_ids.rows(session, _params([5])) == []


async def test_statement_listeners_see_it(db) -> None:
    seen: list[str] = []

    def listener(_connection, _cursor, statement, *_args) -> None:
        seen.append(statement)

    event.listen(db.reader.sync_engine, "before_cursor_execute", listener)
    try:
        async with db.read() as session:
            await by_ids.rows(session, _params([1]))
    finally:
        event.remove(db.reader.sync_engine, "before_cursor_execute", listener)
    assert any("test_prepared_items" in statement for statement in seen)
