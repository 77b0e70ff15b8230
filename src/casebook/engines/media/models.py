"""Tables of the media engine: one row per uploaded asset, with its renditions as JSON."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from casebook.platform.db.types import Base, JSONDocument, Snowflake, UTCDateTime


class MediaAssetRow(Base):
    """`original_key` is private: only renditions and the poster are ever served."""

    __tablename__ = "media_assets"
    __table_args__ = (Index("ix_media_assets_owner", "namespace", "owner_id", "id"),)

    id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    namespace: Mapped[str] = mapped_column(String(40))
    owner_id: Mapped[int] = mapped_column(Snowflake)
    kind: Mapped[str] = mapped_column(String(10))  # image | video
    state: Mapped[str] = mapped_column(String(12))  # processing | ready | failed
    content_type: Mapped[str] = mapped_column(String(40))  # sniffed from the bytes
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    original_key: Mapped[str] = mapped_column(String(200))
    renditions: Mapped[list[dict[str, Any]]] = mapped_column(JSONDocument)
    poster: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONDocument)
    error: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
