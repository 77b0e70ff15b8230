"""Tables of the blob port: resumable uploads in progress (`blob_uploads`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from casebook.platform.db.types import Base, Snowflake, UTCDateTime


class BlobUploadRow(Base):
    """One resumable upload: bytes [0, offset_bytes) are stored as parts `uploads/<id>/<offset>`."""

    __tablename__ = "blob_uploads"

    id: Mapped[int] = mapped_column(Snowflake(), primary_key=True, autoincrement=False)
    owner_id: Mapped[int | None] = mapped_column(Snowflake(), nullable=True, index=True)
    key: Mapped[str] = mapped_column(String(512), nullable=False)
    content_type: Mapped[str] = mapped_column(String(255), nullable=False)
    offset_bytes: Mapped[int] = mapped_column(BigInteger(), nullable=False)
    size_bytes_max: Mapped[int] = mapped_column(BigInteger(), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, index=True)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
