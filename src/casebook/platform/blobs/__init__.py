"""The blob port: objects by key on local disk or S3, signed download URLs, resumable uploads."""

from __future__ import annotations

from typing import AsyncIterator, NamedTuple, Protocol


class BlobInfo(NamedTuple):
    key: str
    size_bytes: int
    etag: str
    content_type: str | None


class Blobs(Protocol):
    async def put(self, key: str, data: bytes, *, content_type: str | None = None) -> BlobInfo: ...
    async def put_stream(self, key: str, chunks: AsyncIterator[bytes], *,
                         content_type: str | None = None) -> BlobInfo: ...
    async def get(self, key: str) -> bytes:
        """Raises platform.errors.NotFound."""
    async def get_range(self, key: str, start: int, end: int) -> bytes:
        """Bytes [start, end) of the object."""
    async def stream(self, key: str, *, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]: ...
    async def head(self, key: str) -> BlobInfo: ...
    async def delete(self, key: str) -> None: ...
    def signed_url(self, key: str, *, expires_s: int = 3600, filename: str | None = None) -> str:
        """A URL anyone holding it can GET until it expires (Range supported, cacheable)."""
    async def ping(self) -> None: ...
    async def close(self) -> None: ...


def open_blobs(url: str, *, secret_key: str, public_url: str) -> Blobs:
    """`file://<dir>` (obstore LocalStore + HMAC-signed URLs) or `s3://bucket?endpoint=…&region=…`."""
    if url.startswith("file://"):
        from casebook.platform.blobs.local import LocalBlobs

        return LocalBlobs(url, secret_key=secret_key, public_url=public_url)
    if url.startswith("s3://"):
        from casebook.platform.blobs.s3 import S3Blobs

        return S3Blobs(url, secret_key=secret_key, public_url=public_url)
    raise ValueError(f"unsupported blob URL: {url}")
