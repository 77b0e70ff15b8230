"""The search port: index documents, remove them, ranked full-text queries with equality filters."""

from __future__ import annotations

from typing import Any, NamedTuple, Protocol, Sequence

from sqlalchemy.ext.asyncio import AsyncSession


class SearchHit(NamedTuple):
    doc_id: str
    score: float
    attributes: dict[str, Any]


class Search(Protocol):
    async def index(self, session: AsyncSession, *, kind: str, doc_id: str, title: str, body: str = "",
                    attributes: dict[str, Any] | None = None) -> None:
        """Insert or replace, inside the caller's transaction (usually a bus consumer's)."""
    async def remove(self, session: AsyncSession, *, kind: str, doc_id: str) -> None: ...
    async def query(self, session: AsyncSession, *, kind: str, text: str,
                    filters: dict[str, Any] | None = None, limit: int = 20, offset: int = 0) -> Sequence[SearchHit]:
        """Best matches first; `filters` are equality tests on attributes (a list value means any-of)."""
    async def prefix(self, session: AsyncSession, *, kind: str, text: str,
                     filters: dict[str, Any] | None = None, limit: int = 20) -> Sequence[SearchHit]:
        """Type-ahead: documents whose title has a word starting with `text`."""


def open_search(url: str, *, dialect: str) -> Search:
    """`db://`: SQLite FTS5 on SQLite, tsvector + GIN on PostgreSQL."""
    if not url.startswith("db://"):
        raise ValueError(f"unsupported search URL: {url}")
    if dialect == "sqlite":
        from casebook.platform.search.sqlite import SqliteSearch

        return SqliteSearch()
    from casebook.platform.search.postgres import PostgresSearch

    return PostgresSearch()
