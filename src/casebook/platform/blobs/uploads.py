"""Resumable uploads: create, append chunks at the committed offset, complete with a SHA-256 check."""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import msgspec
from sqlalchemy import select

from casebook.platform.blobs import BlobInfo
from casebook.platform.blobs.keys import UPLOAD_PARTS_PREFIX, part_key, validate_key
from casebook.platform.blobs.models import BlobUploadRow
from casebook.platform.blobs.objects import validate_content_type
from casebook.platform.errors import Conflict, Gone, Invalid, NotFound, PayloadTooLarge
from casebook.platform.uow import UnitOfWork

UPLOAD_BYTES_MAX = 10 * 1024**3  # 10 GiB: a feature film or a large OneDrive file
UPLOAD_PART_BYTES_MAX = 64 * 1024**2  # one PATCH; the HTTP layer's body limit is usually lower
UPLOAD_TTL_S = 24 * 3600  # tus servers commonly keep unfinished uploads a day
UPLOADS_PURGED_MAX = 100  # per purge call, so one call stays short
FINAL_KEY_PREFIX = "uploads-final/"
_SHA256_PATTERN = re.compile(r"[0-9a-f]{64}")


class Upload(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    owner_id: int | None
    key: str
    content_type: str
    offset_bytes: int
    size_bytes_max: int
    created_at: datetime
    expires_at: datetime
    completed_at: datetime | None

    @classmethod
    def from_row(cls, row: BlobUploadRow) -> Upload:
        return cls(id=row.id, owner_id=row.owner_id, key=row.key, content_type=row.content_type,
                   offset_bytes=row.offset_bytes, size_bytes_max=row.size_bytes_max, created_at=row.created_at,
                   expires_at=row.expires_at, completed_at=row.completed_at)


async def create_upload(uow: UnitOfWork, *, owner_id: int | None, key: str | None, content_type: str,
                        size_bytes_max: int) -> Upload:
    """Start an upload of at most `size_bytes_max` bytes into `key` (default `uploads-final/<owner>/<id>`)."""
    validate_content_type(content_type)
    if not content_type:
        raise Invalid("a content type is required", field="content_type")
    if size_bytes_max < 0:
        raise Invalid("the size cannot be negative", field="size_bytes")
    if size_bytes_max > UPLOAD_BYTES_MAX:
        raise PayloadTooLarge(f"an upload has at most {UPLOAD_BYTES_MAX} bytes", size_bytes_max=UPLOAD_BYTES_MAX)
    upload_id = uow.new_id()
    if key is None:
        key = f"{FINAL_KEY_PREFIX}{owner_id if owner_id is not None else 'system'}/{upload_id}"
    validate_key(key)
    if key.startswith(UPLOAD_PARTS_PREFIX):
        raise Invalid(f"keys under {UPLOAD_PARTS_PREFIX} are reserved for upload parts", field="key")
    now = uow.now()
    row = BlobUploadRow(id=upload_id, owner_id=owner_id, key=key, content_type=content_type, offset_bytes=0,
                        size_bytes_max=size_bytes_max, created_at=now,
                        expires_at=now + timedelta(seconds=UPLOAD_TTL_S), completed_at=None)
    uow.session.add(row)
    await uow.session.flush()
    return Upload.from_row(row)


async def get_upload(uow: UnitOfWork, *, upload_id: int, owner_id: int | None) -> Upload:
    """The upload and its committed offset; another owner's upload is NotFound."""
    return Upload.from_row(await _load(uow, upload_id, owner_id, for_update=False))


async def append_upload(uow: UnitOfWork, *, upload_id: int, owner_id: int | None, offset: int,
                        data: bytes) -> Upload:
    """Store `data` as the part at `offset`, then move the committed offset past it.

    The row is locked first, so two appends at one offset cannot both pass the check. A crash
    after the part is written and before commit leaves an orphan part that the retry (at the
    same, still committed offset) overwrites.
    """
    if len(data) > UPLOAD_PART_BYTES_MAX:
        raise PayloadTooLarge(f"a chunk has at most {UPLOAD_PART_BYTES_MAX} bytes")
    row = await _load(uow, upload_id, owner_id, for_update=True)
    _check_open(row, uow.now())
    if offset != row.offset_bytes:
        raise Conflict(f"the upload is at offset {row.offset_bytes}, not {offset}", code="upload_offset_mismatch",
                       offset=row.offset_bytes)
    if row.offset_bytes + len(data) > row.size_bytes_max:
        raise PayloadTooLarge(f"the upload is limited to {row.size_bytes_max} bytes",
                              size_bytes_max=row.size_bytes_max, offset=row.offset_bytes)
    if data:  # an empty part would stop complete_upload's walk from moving on
        await uow.platform.blobs.put(part_key(row.id, offset), data)
        row.offset_bytes = offset + len(data)
        await uow.session.flush()
    return Upload.from_row(row)


async def complete_upload(uow: UnitOfWork, *, upload_id: int, owner_id: int | None, sha256_hex: str) -> BlobInfo:
    """Stream the parts in order into the final key, hashing on the way.

    On a hash mismatch the streamed write is aborted from inside its iterator, so the final
    object is neither created nor replaced. Parts are deleted only after the commit.
    """
    sha256_hex = sha256_hex.lower()
    if not _SHA256_PATTERN.fullmatch(sha256_hex):
        raise Invalid("sha256 is 64 hexadecimal digits", field="sha256")
    row = await _load(uow, upload_id, owner_id, for_update=True)
    _check_open(row, uow.now())
    blobs = uow.platform.blobs
    part_keys: list[str] = []

    async def chunks() -> AsyncIterator[bytes]:
        digest = hashlib.sha256()
        async for chunk in _parts(blobs, row, part_keys):
            digest.update(chunk)
            yield chunk
        if digest.hexdigest() != sha256_hex:
            raise Invalid("the uploaded bytes do not match the given SHA-256", code="checksum_mismatch",
                          field="sha256")

    info = await blobs.put_stream(row.key, chunks(), content_type=row.content_type)
    row.completed_at = uow.now()
    await uow.session.flush()
    leftovers = [*part_keys, part_key(row.id, row.offset_bytes)]  # plus a possible orphan past the end

    async def delete_parts() -> None:
        for key in leftovers:
            await blobs.delete(key)

    uow.after_commit(delete_parts)
    return info


async def purge_expired_uploads(uow: UnitOfWork, *, limit: int = UPLOADS_PURGED_MAX) -> int:
    """Delete expired uploads (finished or not) and their parts; returns how many were purged."""
    rows = (await uow.session.scalars(
        select(BlobUploadRow).where(BlobUploadRow.expires_at <= uow.now())
        .order_by(BlobUploadRow.expires_at).limit(min(limit, UPLOADS_PURGED_MAX)).with_for_update()
    )).all()
    blobs = uow.platform.blobs
    for row in rows:
        if row.completed_at is None:
            part_keys: list[str] = []
            with contextlib.suppress(NotFound):  # an earlier, interrupted purge deleted the tail
                async for _ in _parts(blobs, row, part_keys, read=False):
                    pass
            # Last part first: if this stops halfway, the next purge still walks to the rest.
            for key in reversed([*part_keys, part_key(row.id, row.offset_bytes)]):
                await blobs.delete(key)
        await uow.session.delete(row)
    await uow.session.flush()
    return len(rows)


async def _parts(blobs, row: BlobUploadRow, part_keys: list[str], *,
                 read: bool = True) -> AsyncIterator[bytes]:
    """The committed parts in order: each starts where the previous one ended."""
    offset = 0
    while offset < row.offset_bytes:
        key = part_key(row.id, offset)
        part_keys.append(key)
        size_bytes = 0
        if read:
            async for chunk in blobs.stream(key):
                size_bytes += len(chunk)
                yield chunk
        else:
            size_bytes = (await blobs.head(key)).size_bytes
        assert size_bytes > 0, f"empty upload part {key}"
        offset += size_bytes
    assert offset == row.offset_bytes, f"upload {row.id} parts end at {offset}, not {row.offset_bytes}"


async def _load(uow: UnitOfWork, upload_id: int, owner_id: int | None, *, for_update: bool) -> BlobUploadRow:
    query = select(BlobUploadRow).where(BlobUploadRow.id == upload_id).execution_options(populate_existing=True)
    if for_update:
        query = query.with_for_update()
    row = await uow.session.scalar(query)
    if row is None or row.owner_id != owner_id:
        raise NotFound("no such upload")
    return row


def _check_open(row: BlobUploadRow, now: datetime) -> None:
    if row.completed_at is not None:
        raise Conflict("the upload is already complete", code="upload_completed")
    if row.expires_at <= now:
        raise Gone("the upload has expired; start a new one", code="upload_expired")
