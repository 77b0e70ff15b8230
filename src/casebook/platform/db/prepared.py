"""Hot reads without SQLAlchemy's per-execution work: a Core SELECT compiled once per dialect, then run with the
driver itself on the unit of work's own connection, inside its transaction.

SQLAlchemy builds a cache key, an execution context and a result object for every statement: ~100-150 µs of
Python, against a few µs for an indexed SQLite query. That is most of the cost of a read served many times a
second (a feed page). `PreparedRead` keeps the statement (types, dialects, quoting) in SQLAlchemy and moves
only the execution to the driver: bind values go through each parameter's bind processor, result values through
each column's result processor, so a `UTCDateTime` or a `Boolean` comes back exactly as through the ORM, and
`before_cursor_execute` listeners (statement counters in tests, tracing) still see every statement.

A list of ids is one parameter (`PreparedRead.in_ids`), so one compiled statement serves every page length.
Pending ORM changes are flushed first, as autoflush would.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import (
    BigInteger,
    BindParameter,
    ColumnElement,
    Select,
    Text,
    TypeDecorator,
    bindparam,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.sqltypes import NullType
from sqlalchemy.sql.visitors import InternalTraversal

if TYPE_CHECKING:
    from sqlalchemy.engine import Dialect
    from sqlalchemy.ext.asyncio import AsyncSession

Processor = Callable[[Any], Any] | None


@dataclasses.dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    parameter_names: tuple[str, ...]
    constants: dict[str, Any]  # values fixed in the statement itself (`network == "instagram"`)
    bind_processors: tuple[Processor, ...]
    result_processors: tuple[tuple[int, Callable[[Any], Any]], ...]  # (column index, processor), where one is
    is_postgresql: bool


class PreparedRead:
    """A SELECT run on the driver; `rows(session, params)` answers plain tuples in the statement's column order,
    on the session's connection and inside its transaction."""

    def __init__(self, statement: Select[Any]) -> None:
        self.statement = statement
        self._compiled: dict[str, _Compiled] = {}

    @staticmethod
    def in_ids(column: ColumnElement[Any], name: str) -> ColumnElement[bool]:
        """`column` is one of the ids bound as `name` (a list of ints): `= ANY($n::BIGINT[])` on PostgreSQL,
        `IN (SELECT value FROM json_each(?))` on SQLite. One parameter whatever the list's length, so the SQL
        never changes and PostgreSQL can keep one generic plan for it."""
        return _InIds(column, bindparam(name, type_=IdList()))

    async def rows(self, session: AsyncSession, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        if session.new or session.dirty or session.deleted:
            await session.flush()
        connection = await _connection(session)
        compiled = self._compiled.get(connection.dialect.name)
        if compiled is None:
            compiled = self._compiled[connection.dialect.name] = _compile(self.statement, connection.dialect)
        values = {**compiled.constants, **params}
        arguments = [value if process is None else process(value) for value, process in zip(
            [values[name] for name in compiled.parameter_names], compiled.bind_processors, strict=True)]
        if connection.sync_connection.dispatch.before_cursor_execute:
            # Listeners that count or log statements (tests, tracing) see these as any other statement.
            connection.sync_connection.dispatch.before_cursor_execute(
                connection.sync_connection, None, compiled.sql, tuple(arguments), None, False)
        driver = connection.driver
        if compiled.is_postgresql:
            fetched = await driver.fetch(compiled.sql, *arguments)
        else:
            cursor = driver.cursor()
            await cursor.execute(compiled.sql, arguments)
            fetched = await cursor.fetchall()
            await cursor.close()
        processors = compiled.result_processors
        if not processors:
            return [tuple(row) for row in fetched]
        rows = []
        for row in fetched:
            values = list(row)
            for index, process in processors:
                values[index] = process(values[index])
            rows.append(tuple(values))
        return rows


class IdList(TypeDecorator[list[int]]):
    """A list of integer ids as one bound value: a BIGINT[] on PostgreSQL, a JSON array text on SQLite."""

    impl = Text
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(postgresql.ARRAY(BigInteger()))
        return dialect.type_descriptor(Text())

    def process_bind_param(self, value: Sequence[int] | None, dialect: Dialect) -> Any:
        ids = [int(item) for item in value or ()]
        return ids if dialect.name == "postgresql" else json.dumps(ids)


class _InIds(ColumnElement[bool]):
    inherit_cache = True
    # Not Boolean: SQLite, without a native boolean, would render a Boolean expression in WHERE as
    # `(...) = 1`, which hides the IN from the planner (a full scan instead of primary key lookups).
    type = NullType()

    def __init__(self, column: ColumnElement[Any], ids: BindParameter[Any]) -> None:
        self.column = column
        self.ids = ids

    _traverse_internals: ClassVar[list[tuple[str, InternalTraversal]]] = [
        ("column", InternalTraversal.dp_clauseelement), ("ids", InternalTraversal.dp_clauseelement)]


@compiles(_InIds, "postgresql")
def _in_ids_postgresql(element: _InIds, compiler: Any, **kw: Any) -> str:
    return f"{compiler.process(element.column, **kw)} = ANY({compiler.process(element.ids, **kw)})"


@compiles(_InIds)
def _in_ids_default(element: _InIds, compiler: Any, **kw: Any) -> str:
    ids = compiler.process(element.ids, **kw)
    return f"{compiler.process(element.column, **kw)} IN (SELECT value FROM json_each({ids}))"


@dataclasses.dataclass(frozen=True, slots=True)
class _Connection:
    transaction: object  # the session's transaction this was looked up in
    dialect: Dialect
    sync_connection: Any
    driver: Any


_CONNECTION_INFO_KEY = "casebook.prepared.connection"


async def _connection(session: AsyncSession) -> _Connection:
    """The driver connection of the session's current transaction, looked up once per transaction (two
    greenlet hops each time otherwise); asking for it begins the transaction if it has not begun."""
    known = session.info.get(_CONNECTION_INFO_KEY)
    transaction = session.sync_session.get_transaction()
    if known is not None and transaction is not None and known.transaction is transaction:
        return known
    connection = await session.connection()
    driver = (await connection.get_raw_connection()).driver_connection
    found = _Connection(transaction=session.sync_session.get_transaction(), dialect=connection.dialect,
                        sync_connection=connection.sync_connection, driver=driver)
    session.info[_CONNECTION_INFO_KEY] = found
    return found


def _compile(statement: Select[Any], dialect: Dialect) -> _Compiled:
    compiled = statement.compile(dialect=dialect)
    names = tuple(compiled.positiontup or ())
    if not names and compiled.binds:
        raise ValueError(f"{dialect.name}: PreparedRead needs a positional paramstyle")
    binds = compiled.binds
    return _Compiled(
        sql=compiled.string,
        parameter_names=names,
        constants={name: bind.effective_value for name, bind in binds.items() if not bind.required},
        bind_processors=tuple(binds[name].type._cached_bind_processor(dialect) for name in names),
        result_processors=tuple(
            (index, process) for index, process in enumerate(
                column.type._cached_result_processor(dialect, None) for column in statement.selected_columns)
            if process is not None),
        is_postgresql=dialect.name == "postgresql")
