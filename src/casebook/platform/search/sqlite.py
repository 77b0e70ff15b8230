"""The embedded search adapter: SQLite FTS5 over `search_documents`, ranked by bm25."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Float, String, text
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from casebook.platform.db.types import JSONDocument
from casebook.platform.search import SearchHit, terms

FTS_TABLE = "search_fts"  # created by migration 0004, kept in sync by triggers
TITLE_WEIGHT = 10.0  # bm25 column weights: a title match outranks a body match
BODY_WEIGHT = 1.0


class SqliteSearch:
    async def index(self, session: AsyncSession, *, kind: str, doc_id: str, title: str, body: str = "",
                    attributes: dict[str, Any] | None = None) -> None:
        values = terms.document_values(kind, doc_id, title, body, attributes)
        await terms.upsert_document(session, sqlite_insert, values)

    async def remove(self, session: AsyncSession, *, kind: str, doc_id: str) -> None:
        await terms.delete_document(session, kind, doc_id)

    async def query(self, session: AsyncSession, *, kind: str, text: str, filters: dict[str, Any] | None = None,
                    limit: int = 20, offset: int = 0) -> Sequence[SearchHit]:
        words = terms.query_terms(text)
        if not words:
            return []
        match = " ".join(f'"{word}"' for word in words)  # each word quoted: no FTS5 syntax gets through
        return await self._run(session, kind, match, filters, limit, offset)

    async def prefix(self, session: AsyncSession, *, kind: str, text: str, filters: dict[str, Any] | None = None,
                     limit: int = 20) -> Sequence[SearchHit]:
        words = terms.query_terms(text)
        if not words:
            return []
        phrases = [f'"{word}"' for word in words]
        phrases[-1] += "*"
        return await self._run(session, kind, "{title} : (" + " ".join(phrases) + ")", filters, limit, 0)

    async def _run(self, session: AsyncSession, kind: str, match: str, filters: dict[str, Any] | None,
                   limit: int, offset: int) -> list[SearchHit]:
        limit = terms.check_page(limit, offset)
        params: dict[str, Any] = {"match": match, "kind": kind, "limit": limit, "offset": offset}
        conditions = [_filter_sql(name, values, index, params)
                      for index, (name, values) in enumerate(terms.check_filters(filters))]
        where = "".join(f" AND {condition}" for condition in conditions)
        rank = f"bm25({FTS_TABLE}, {TITLE_WEIGHT}, {BODY_WEIGHT})"
        statement = text(
            f"SELECT d.doc_id, -{rank} AS score, d.attributes FROM {FTS_TABLE} "
            f"JOIN search_documents d ON d.id = {FTS_TABLE}.rowid "
            f"WHERE {FTS_TABLE} MATCH :match AND d.kind = :kind{where} "
            f"ORDER BY {rank}, d.id LIMIT :limit OFFSET :offset"
        ).columns(doc_id=String, score=Float, attributes=JSONDocument)
        rows = (await session.execute(statement, params)).all()
        return [SearchHit(doc_id=row.doc_id, score=float(row.score), attributes=row.attributes) for row in rows]


def _filter_sql(name: str, values: list[terms.FilterValue], index: int, params: dict[str, Any]) -> str:
    """Any-of equality on one attribute, in SQL; JSON types must match (true is not 1, "1" is not 1)."""
    path = f"p{index}"
    params[path] = f'$."{name}"'
    tests = []
    for position, value in enumerate(values):
        param = f"f{index}_{position}"
        if value is None:
            tests.append(f"json_extract(d.attributes, :{path}) IS NULL")
        elif isinstance(value, bool):
            tests.append(f"json_type(d.attributes, :{path}) = '{'true' if value else 'false'}'")
        elif isinstance(value, str):
            params[param] = value
            tests.append(f"(json_type(d.attributes, :{path}) = 'text' AND json_extract(d.attributes, :{path}) = :{param})")
        else:
            params[param] = value
            tests.append(f"(json_type(d.attributes, :{path}) IN ('integer', 'real') "
                         f"AND json_extract(d.attributes, :{path}) = :{param})")
    return "(" + (" OR ".join(tests) or "0") + ")"
