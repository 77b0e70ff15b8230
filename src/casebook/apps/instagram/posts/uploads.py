"""Media uploads: a raw request body streamed with a bound that depends on what the first bytes say it is."""

from __future__ import annotations

from collections.abc import AsyncIterator

from casebook.apps.instagram import rules
from casebook.apps.instagram.posts import rules as post_rules
from casebook.engines import media
from casebook.platform.uow import UnitOfWork


def bytes_max_of(kind: str) -> int:
    return post_rules.PHOTO_BYTES_MAX if kind == "image" else post_rules.VIDEO_BYTES_MAX


async def read_body(stream: AsyncIterator[bytes], *, declared_length: int | None) -> bytes:
    """The body, refused with 413 as soon as it is known to be over its kind's bound (from Content-Length
    once the kind is sniffed, else while streaming) and with 415 as soon as its first bytes are no media."""
    return await media.read_upload(_sniffed(stream, declared_length), bytes_max=post_rules.UPLOAD_BYTES_MAX,
                                   declared_length=declared_length)


async def _sniffed(stream: AsyncIterator[bytes], declared_length: int | None) -> AsyncIterator[bytes]:
    head = b""
    bytes_max = post_rules.UPLOAD_BYTES_MAX
    size_bytes = 0
    async for chunk in stream:
        size_bytes += len(chunk)
        if len(head) < post_rules.SNIFF_BYTES:
            head += chunk[:post_rules.SNIFF_BYTES - len(head)]
            if len(head) >= post_rules.SNIFF_BYTES:
                bytes_max = _bound(head, declared_length)
        if size_bytes > bytes_max:
            raise media.UploadTooLarge(f"an upload has at most {bytes_max} bytes", bytes_max=bytes_max)
        yield chunk
    # A body shorter than SNIFF_BYTES is sniffed and bounded whole by `accept`.


def _bound(head: bytes, declared_length: int | None) -> int:
    kind, _content_type = media.sniff(head)  # 415 here, before reading the rest
    bytes_max = bytes_max_of(kind)
    if declared_length is not None and declared_length > bytes_max:
        raise media.UploadTooLarge(f"an upload has at most {bytes_max} bytes", bytes_max=bytes_max)
    return bytes_max


async def accept(uow: UnitOfWork, *, owner_id: int, data: bytes) -> media.MediaAsset:
    """Validate and store the upload; rendering continues on the bus (state "processing")."""
    kind, _content_type = media.sniff(data)
    return await media.accept_upload(uow, namespace=rules.NETWORK, owner_id=owner_id, data=data,
                                     bytes_max=bytes_max_of(kind))
