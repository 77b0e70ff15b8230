"""Request and response shapes of the upload API."""

from __future__ import annotations

from datetime import datetime

import msgspec

from casebook.platform.blobs import BlobInfo
from casebook.platform.blobs.uploads import Upload


class Schema(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    pass


class UploadCreate(Schema):
    content_type: str
    size_bytes: int
    key: str | None = None


class UploadComplete(Schema):
    sha256: str


class UploadRead(Schema):
    id: str
    key: str
    content_type: str
    offset_bytes: int
    size_bytes_max: int
    expires_at: datetime
    completed_at: datetime | None

    @classmethod
    def from_upload(cls, upload: Upload) -> UploadRead:
        return cls(id=str(upload.id), key=upload.key, content_type=upload.content_type,
                   offset_bytes=upload.offset_bytes, size_bytes_max=upload.size_bytes_max,
                   expires_at=upload.expires_at, completed_at=upload.completed_at)


class BlobRead(Schema):
    key: str
    size_bytes: int
    etag: str
    content_type: str | None

    @classmethod
    def from_info(cls, info: BlobInfo) -> BlobRead:
        return cls(key=info.key, size_bytes=info.size_bytes, etag=info.etag, content_type=info.content_type)
