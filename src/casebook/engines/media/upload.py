"""Read an upload body with a hard byte bound: an over-limit body is refused, never buffered."""

from __future__ import annotations

from collections.abc import AsyncIterator

from casebook.engines.media.errors import UploadTooLarge


async def read_upload(stream: AsyncIterator[bytes], *, bytes_max: int, declared_length: int | None) -> bytes:
    """The whole body, at most `bytes_max` bytes.

    Refuses before reading anything when the declared length (Content-Length) is over the bound, and
    stops reading at the first chunk that crosses it otherwise (the rest of the stream is left unread).
    """
    if declared_length is not None and declared_length > bytes_max:
        raise UploadTooLarge(f"an upload has at most {bytes_max} bytes", bytes_max=bytes_max)
    parts: list[bytes] = []
    size_bytes = 0
    async for chunk in stream:
        size_bytes += len(chunk)
        if size_bytes > bytes_max:
            raise UploadTooLarge(f"an upload has at most {bytes_max} bytes", bytes_max=bytes_max)
        parts.append(chunk)
    return b"".join(parts)
