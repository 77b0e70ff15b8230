"""What both search adapters share: safe query terms, attribute filters, limits, document writes."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from casebook.platform.errors import Invalid
from casebook.platform.search.models import SearchDocumentRow

QUERY_CHARS_MAX = 1000  # longer user input is cut, never an error
TERMS_MAX = 16
TERM_CHARS_MAX = 64
RESULTS_MAX = 100  # the platform's page cap
OFFSET_MAX = 1000  # deep pages are not what full-text search is for
TITLE_CHARS_MAX = 1000
BODY_CHARS_MAX = 100_000  # PostgreSQL caps a tsvector at 1 MB; this stays far below it
ATTRIBUTES_BYTES_MAX = 16 * 1024
FILTER_VALUES_MAX = 100
KIND_PATTERN = re.compile(r"[a-z0-9_.-]{1,64}")
ATTRIBUTE_NAME_PATTERN = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
_TERM_PATTERN = re.compile(r"[^\W_]+")  # letters and digits: what the unicode61 tokenizer keeps
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

FilterValue = str | int | float | bool | None


def clean_text(text: str, chars_max: int) -> str:
    """Cut to `chars_max` and drop control characters (NUL breaks PostgreSQL text and FTS5)."""
    return _CONTROL_CHARS.sub(" ", text[:chars_max])


def query_terms(text: str) -> list[str]:
    """The words of user input, lowercased; FTS syntax (quotes, operators, `*`, `:`) is dropped."""
    words = _TERM_PATTERN.findall(clean_text(text or "", QUERY_CHARS_MAX).casefold())
    return [word[:TERM_CHARS_MAX] for word in words[:TERMS_MAX]]


def check_page(limit: int, offset: int = 0) -> int:
    """The limit to use (capped at RESULTS_MAX); a limit below 1 or a bad offset is Invalid."""
    if limit < 1:
        raise Invalid("limit is at least 1", field="limit")
    if not 0 <= offset <= OFFSET_MAX:
        raise Invalid(f"offset is between 0 and {OFFSET_MAX}", field="offset")
    return min(limit, RESULTS_MAX)


def check_filters(filters: dict[str, Any] | None) -> list[tuple[str, list[FilterValue]]]:
    """(attribute, accepted values) pairs; a scalar is a one-value list, a list means any-of."""
    checked = []
    for name, value in (filters or {}).items():
        if not ATTRIBUTE_NAME_PATTERN.fullmatch(name):
            raise Invalid("filter names are identifiers", field=f"filters.{name}"[:100])
        values = list(value) if isinstance(value, (list, tuple, set, frozenset)) else [value]
        if len(values) > FILTER_VALUES_MAX:
            raise Invalid(f"a filter accepts at most {FILTER_VALUES_MAX} values", field=f"filters.{name}")
        for item in values:
            if item is not None and not isinstance(item, (str, int, float, bool)):
                raise Invalid("filter values are strings, numbers, booleans or null", field=f"filters.{name}")
        checked.append((name, values))
    return checked


def document_values(kind: str, doc_id: str, title: str, body: str,
                    attributes: dict[str, Any] | None) -> dict[str, Any]:
    if not KIND_PATTERN.fullmatch(kind):
        raise Invalid("a search kind is 1-64 of a-z 0-9 _ . -", field="kind")
    if not doc_id or len(doc_id) > 128:
        raise Invalid("a document id has 1-128 characters", field="doc_id")
    attributes = attributes or {}
    try:
        encoded = msgspec.json.encode(attributes)
    except (TypeError, msgspec.EncodeError) as error:
        raise Invalid("attributes must be JSON", field="attributes") from error
    if len(encoded) > ATTRIBUTES_BYTES_MAX:
        raise Invalid(f"attributes take at most {ATTRIBUTES_BYTES_MAX} bytes as JSON", field="attributes")
    return {"kind": kind, "doc_id": doc_id, "title": clean_text(title, TITLE_CHARS_MAX),
            "body": clean_text(body, BODY_CHARS_MAX), "attributes": msgspec.json.decode(encoded),
            "updated_at": datetime.now(UTC)}


async def upsert_document(session: AsyncSession, insert: Callable, values: dict[str, Any]) -> None:
    """Insert or replace by (kind, doc_id); `insert` is the dialect's insert with ON CONFLICT."""
    table = SearchDocumentRow.__table__
    statement = insert(table).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.kind, table.c.doc_id],
        set_={name: statement.excluded[name] for name in ("title", "body", "attributes", "updated_at")},
    )
    await session.execute(statement)


async def delete_document(session: AsyncSession, kind: str, doc_id: str) -> None:
    table = SearchDocumentRow.__table__
    await session.execute(table.delete().where(table.c.kind == kind, table.c.doc_id == doc_id))
