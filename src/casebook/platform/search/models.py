"""Tables of the search port: the documents every index is built from (`search_documents`).

The full-text structures live outside Base.metadata, created by migration 0004 per dialect:
SQLite has the FTS5 table `search_fts` (external content, kept in sync by triggers),
PostgreSQL a generated `search_vector` tsvector column (configuration `search_simple`) with a GIN index.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from casebook.platform.db.types import Base, JSONDocument, UTCDateTime

# INTEGER PRIMARY KEY on SQLite is the rowid itself: the stable key FTS5's external content needs.
RowId = BigInteger().with_variant(Integer(), "sqlite")


class SearchDocumentRow(Base):
    __tablename__ = "search_documents"
    __table_args__ = (UniqueConstraint("kind", "doc_id"),)

    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(64), nullable=False)
    doc_id: Mapped[str] = mapped_column(String(128), nullable=False)
    title: Mapped[str] = mapped_column(Text(), nullable=False)
    body: Mapped[str] = mapped_column(Text(), nullable=False)
    attributes: Mapped[dict[str, Any]] = mapped_column(JSONDocument, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
