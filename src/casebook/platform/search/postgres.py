"""The distributed search adapter: a weighted tsvector with a GIN index on PostgreSQL.

The text search configuration `search_simple` (migration 0004) is 'simple' plus unaccent.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec
from sqlalchemy import Float, String, text
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.ext.asyncio import AsyncSession

from casebook.platform.db.types import JSONDocument
from casebook.platform.search import SearchHit, terms

# ts_rank_cd's default weights give title (A) 1.0 against body (B) 0.4.


class PostgresSearch:
    async def index(self, session: AsyncSession, *, kind: str, doc_id: str, title: str, body: str = "",
                    attributes: dict[str, Any] | None = None) -> None:
        values = terms.document_values(kind, doc_id, title, body, attributes)
        await terms.upsert_document(session, postgres_insert, values)

    async def remove(self, session: AsyncSession, *, kind: str, doc_id: str) -> None:
        await terms.delete_document(session, kind, doc_id)

    async def query(self, session: AsyncSession, *, kind: str, text: str, filters: dict[str, Any] | None = None,
                    limit: int = 20, offset: int = 0) -> Sequence[SearchHit]:
        if not terms.query_terms(text):
            return []
        # plainto_tsquery parses like to_tsvector (e-mails, hyphenated words) and accepts any text.
        cleaned = terms.clean_text(text, terms.QUERY_CHARS_MAX)
        return await self._run(session, kind, "plainto_tsquery('search_simple', :query)", cleaned, filters, limit, offset)

    async def prefix(self, session: AsyncSession, *, kind: str, text: str, filters: dict[str, Any] | None = None,
                     limit: int = 20) -> Sequence[SearchHit]:
        words = terms.query_terms(text)
        if not words:
            return []
        # Quoted lexemes restricted to weight A (the title); the last one is a prefix.
        lexemes = [f"'{word}':A" for word in words]
        lexemes[-1] = f"'{words[-1]}':*A"
        return await self._run(session, kind, "to_tsquery('search_simple', :query)", " & ".join(lexemes), filters,
                               limit, 0)

    async def _run(self, session: AsyncSession, kind: str, tsquery_sql: str, query: str,
                   filters: dict[str, Any] | None, limit: int, offset: int) -> list[SearchHit]:
        limit = terms.check_page(limit, offset)
        params: dict[str, Any] = {"query": query, "kind": kind, "limit": limit, "offset": offset}
        conditions = [_filter_sql(name, values, index, params)
                      for index, (name, values) in enumerate(terms.check_filters(filters))]
        where = "".join(f" AND {condition}" for condition in conditions)
        statement = text(
            f"SELECT d.doc_id, ts_rank_cd(d.search_vector, q) AS score, d.attributes "
            f"FROM search_documents d, {tsquery_sql} q "
            f"WHERE d.kind = :kind AND d.search_vector @@ q{where} "
            f"ORDER BY score DESC, d.id LIMIT :limit OFFSET :offset"
        ).columns(doc_id=String, score=Float, attributes=JSONDocument)
        rows = (await session.execute(statement, params)).all()
        return [SearchHit(doc_id=row.doc_id, score=float(row.score), attributes=row.attributes) for row in rows]


def _filter_sql(name: str, values: list[terms.FilterValue], index: int, params: dict[str, Any]) -> str:
    """Any-of equality on one attribute, compared as jsonb so types must match (true is not 1)."""
    params[f"a{index}"] = name
    attribute = f"(d.attributes -> CAST(:a{index} AS text))"
    tests = []
    for position, value in enumerate(values):
        if value is None:
            tests.append(f"({attribute} IS NULL OR {attribute} = 'null'::jsonb)")
        else:
            param = f"f{index}_{position}"
            params[param] = msgspec.json.encode(value).decode()
            tests.append(f"{attribute} = CAST(:{param} AS jsonb)")
    return "(" + (" OR ".join(tests) or "false") + ")"
