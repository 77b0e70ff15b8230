"""Hot reads without SQLAlchemy's per-execution work: a Core SELECT compiled once per dialect, then run with the
driver itself on the unit of work's own connection, inside its transaction.

SQLAlchemy builds a cache key, an execution context and a result object for every statement: ~100-150 µs of
Python, against a few µs for an indexed SQLite query. That is most of the cost of a read served many times a
second (a feed page). `PreparedRead` keeps the statement (types, dialects, quoting) in SQLAlchemy and moves
only the execution to the driver: bind values go through each parameter's bind processor, result values through
each column's result processor, so a `UTCDateTime` or a `Boolean` comes back exactly as through the ORM, and
`before_cursor_execute` listeners (statement counters in tests, tracing) still see every statement.

Lists are fixed-size: `PreparedRead.id_slots(column, name, size)` renders `column IN (:name_0 ... :name_{size-1})`
and `slot_values(name, ids, size)` fills the unused slots with NULL (which matches nothing), so one compiled
statement serves every page length. Pending ORM changes are flushed first, as autoflush would.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Select, bindparam

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
    def id_slots(column: ColumnElement[Any], name: str, size: int) -> ColumnElement[bool]:
        """`column IN (:name_0, ..., :name_{size-1})`, typed like the column."""
        return column.in_([bindparam(f"{name}_{index}", type_=column.type) for index in range(size)])

    @staticmethod
    def slot_values(name: str, values: Sequence[Any], size: int) -> dict[str, Any]:
        """The parameters of `id_slots(..., name, size)` for `values` (at most `size`)."""
        if len(values) > size:
            raise ValueError(f"{len(values)} values for {size} slots")
        return dict(zip(_slot_names(name, size), [*values, *[None] * (size - len(values))], strict=True))

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


@functools.lru_cache(maxsize=64)
def _slot_names(name: str, size: int) -> tuple[str, ...]:
    return tuple(f"{name}_{index}" for index in range(size))


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
