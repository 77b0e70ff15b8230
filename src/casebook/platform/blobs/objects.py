"""The obstore-backed operations both blob adapters share: put, get, ranges, streams, errors."""

from __future__ import annotations

import contextlib
import mimetypes
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any

import obstore
import structlog
from obstore.exceptions import BaseError as ObstoreError

from casebook.platform.blobs import BlobInfo
from casebook.platform.blobs.keys import validate_key
from casebook.platform.blobs.signing import UrlSigner
from casebook.platform.errors import Invalid, NotFound, RangeNotSatisfiable, Unavailable

log = structlog.get_logger(__name__)

STREAM_CHUNK_BYTES = 256 * 1024  # big enough to keep syscalls rare, small enough to start sending fast
PUT_CHUNK_BYTES = 8 * 1024 * 1024  # multipart part size for streamed puts (S3's minimum is 5 MiB)
CONTENT_TYPE_CHARS_MAX = 255
DEFAULT_CONTENT_TYPE = "application/octet-stream"
_CONTENT_TYPE_PATTERN = re.compile(r"[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+(\s*;\s*[\x20-\x7e]*)?")


def validate_content_type(content_type: str | None) -> str | None:
    if content_type is None:
        return None
    if len(content_type) > CONTENT_TYPE_CHARS_MAX or not _CONTENT_TYPE_PATTERN.fullmatch(content_type):
        raise Invalid("a content type looks like type/subtype", field="content_type")
    return content_type


# Media types the system's mime.types often lacks or gets wrong (.ts is not Qt Linguist here).
MEDIA_CONTENT_TYPES = {".ts": "video/mp2t", ".m3u8": "application/vnd.apple.mpegurl", ".m4s": "video/iso.segment",
                       ".webp": "image/webp", ".avif": "image/avif", ".opus": "audio/ogg", ".webm": "video/webm"}


def guess_content_type(key: str) -> str:
    """The type a key's extension implies; the generic binary type otherwise."""
    extension = "." + key.rsplit(".", 1)[-1].lower() if "." in key.rsplit("/", 1)[-1] else ""
    return (MEDIA_CONTENT_TYPES.get(extension) or mimetypes.guess_type(key, strict=False)[0]
            or DEFAULT_CONTENT_TYPE)


def bare_etag(etag: str | None) -> str:
    return (etag or "").removeprefix("W/").strip('"')


@contextlib.contextmanager
def translate_errors(key: str) -> Iterator[None]:
    """Driver errors become platform errors at the boundary: missing → 404, bad range → 416."""
    try:
        yield
    except FileNotFoundError as error:
        raise NotFound(f"no blob at {key!r}") from error
    except ObstoreError as error:
        text = str(error)
        if "range" in text.lower() and ("invalid" in text.lower() or "416" in text):
            raise RangeNotSatisfiable(f"the range is outside blob {key!r}") from error
        log.warning("blob_store_error", key=key, error=text.splitlines()[0] if text else repr(error))
        raise Unavailable("the blob store failed; try again") from error


class ObstoreBlobs:
    """The Blobs port over one obstore store; subclasses add content types and URL signing."""

    def __init__(self, store: Any, *, signer: UrlSigner) -> None:
        self.store = store
        self.signer = signer

    # Adapter hooks.
    def _put_attributes(self, content_type: str | None) -> dict[str, str] | None:
        return None

    async def _after_put(self, key: str, content_type: str | None) -> None:
        pass

    async def _after_delete(self, key: str) -> None:
        pass

    async def _head(self, key: str) -> BlobInfo:
        raise NotImplementedError

    async def put(self, key: str, data: bytes, *, content_type: str | None = None) -> BlobInfo:
        validate_key(key)
        content_type = validate_content_type(content_type) or guess_content_type(key)
        with translate_errors(key):
            result = await obstore.put_async(self.store, key, data, attributes=self._put_attributes(content_type),
                                             use_multipart=False)
        await self._after_put(key, content_type)
        return BlobInfo(key=key, size_bytes=len(data), etag=bare_etag(result["e_tag"]), content_type=content_type)

    async def put_stream(self, key: str, chunks: AsyncIterator[bytes], *,
                         content_type: str | None = None) -> BlobInfo:
        """Atomic: readers see the old object (or none) until the last chunk is stored.

        An exception raised by `chunks` aborts the write and leaves no object behind.
        """
        validate_key(key)
        content_type = validate_content_type(content_type) or guess_content_type(key)
        size_bytes = 0

        async def counted() -> AsyncIterator[bytes]:
            nonlocal size_bytes
            async for chunk in chunks:
                size_bytes += len(chunk)
                yield chunk

        with translate_errors(key):
            result = await obstore.put_async(self.store, key, counted(), attributes=self._put_attributes(content_type),
                                             chunk_size=PUT_CHUNK_BYTES)
        await self._after_put(key, content_type)
        return BlobInfo(key=key, size_bytes=size_bytes, etag=bare_etag(result["e_tag"]), content_type=content_type)

    async def get(self, key: str) -> bytes:
        validate_key(key)
        with translate_errors(key):
            result = await obstore.get_async(self.store, key)
            return bytes(await result.bytes_async())

    async def get_range(self, key: str, start: int, end: int) -> bytes:
        """Bytes [start, end); `end` past the object's end is cut to it; `start` past it is a 416."""
        validate_key(key)
        if start < 0 or end < start:
            raise Invalid("a byte range needs 0 <= start <= end", field="range")
        if start == end:
            await self.head(key)  # still a 404 for a missing object
            return b""
        with translate_errors(key):
            result = await obstore.get_async(self.store, key, options={"range": (start, end)})
            return bytes(await result.bytes_async())

    async def stream(self, key: str, *, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        """Chunks of bytes [start, end) (to the end when `end` is None), without loading the object."""
        validate_key(key)
        if start < 0 or (end is not None and end < start):
            raise Invalid("a byte range needs 0 <= start <= end", field="range")
        if end is not None and start == end:
            return
        options: dict[str, Any] = {}
        if end is not None:
            options["range"] = (start, end)
        elif start:
            options["range"] = {"offset": start}
        with translate_errors(key):
            result = await obstore.get_async(self.store, key, options=options or None)
            async for chunk in result.stream(min_chunk_size=STREAM_CHUNK_BYTES):
                yield chunk

    async def head(self, key: str) -> BlobInfo:
        validate_key(key)
        with translate_errors(key):
            return await self._head(key)

    async def delete(self, key: str) -> None:
        """Idempotent: deleting a missing object is not an error."""
        validate_key(key)
        with contextlib.suppress(NotFound), translate_errors(key):
            await obstore.delete_async(self.store, key)
        await self._after_delete(key)

    async def close(self) -> None:
        pass
