"""The Blobs contract, on the local adapter and on S3 (moto)."""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import AsyncIterator

import pytest

from casebook.platform.blobs import Blobs
from casebook.platform.errors import Invalid, NotFound, RangeNotSatisfiable


async def test_put_then_get_head_and_delete(blobs: Blobs) -> None:
    info = await blobs.put("docs/a.bin", b"hello world", content_type="application/x-test")

    assert info.key == "docs/a.bin"
    assert info.size_bytes == 11
    assert info.etag
    assert await blobs.get("docs/a.bin") == b"hello world"
    head = await blobs.head("docs/a.bin")
    assert (head.key, head.size_bytes, head.etag, head.content_type) == ("docs/a.bin", 11, info.etag,
                                                                         "application/x-test")
    await blobs.delete("docs/a.bin")
    with pytest.raises(NotFound):
        await blobs.get("docs/a.bin")


async def test_content_type_defaults_to_a_guess_from_the_key(blobs: Blobs) -> None:
    await blobs.put("img/cat.png", b"\x89PNG")
    await blobs.put("raw/blob", b"x")

    assert (await blobs.head("img/cat.png")).content_type == "image/png"
    assert (await blobs.head("raw/blob")).content_type == "application/octet-stream"


async def test_overwrite_replaces_bytes_content_type_and_etag(blobs: Blobs) -> None:
    first = await blobs.put("a.ts", b"one", content_type="video/mp2t")
    second = await blobs.put("a.ts", b"second", content_type="application/octet-stream")

    head = await blobs.head("a.ts")
    assert await blobs.get("a.ts") == b"second"
    assert head.etag == second.etag != first.etag
    assert head.content_type == "application/octet-stream"


async def test_missing_key_is_not_found_everywhere(blobs: Blobs) -> None:
    for read in (blobs.get("nope"), blobs.head("nope"), blobs.get_range("nope", 0, 1)):
        with pytest.raises(NotFound):
            await read
    with pytest.raises(NotFound):
        [chunk async for chunk in blobs.stream("nope")]


async def test_delete_of_a_missing_key_is_a_no_op(blobs: Blobs) -> None:
    await blobs.delete("never/was")

    with pytest.raises(NotFound):
        await blobs.head("never/was")


async def test_ranges_and_streams_return_the_asked_bytes(blobs: Blobs) -> None:
    data = bytes(range(256)) * 4
    await blobs.put("r.bin", data)

    assert await blobs.get_range("r.bin", 10, 20) == data[10:20]
    assert await blobs.get_range("r.bin", 1000, 5000) == data[1000:]
    assert await blobs.get_range("r.bin", 5, 5) == b""
    assert b"".join([chunk async for chunk in blobs.stream("r.bin")]) == data
    assert b"".join([chunk async for chunk in blobs.stream("r.bin", start=100)]) == data[100:]
    assert b"".join([chunk async for chunk in blobs.stream("r.bin", start=3, end=9)]) == data[3:9]
    with pytest.raises(RangeNotSatisfiable):
        await blobs.get_range("r.bin", 2000, 2010)


async def test_put_stream_writes_a_large_object_in_parts(blobs: Blobs) -> None:
    chunk = os.urandom(1024 * 1024)

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(9):  # 9 MiB: more than one multipart part
            yield chunk

    info = await blobs.put_stream("big/file.bin", chunks(), content_type="application/zip")

    assert info.size_bytes == 9 * 1024 * 1024
    head = await blobs.head("big/file.bin")
    assert (head.size_bytes, head.content_type) == (9 * 1024 * 1024, "application/zip")
    digest = hashlib.sha256()
    async for part in blobs.stream("big/file.bin"):
        digest.update(part)
    assert digest.hexdigest() == hashlib.sha256(chunk * 9).hexdigest()


async def test_readers_never_see_a_half_written_object(blobs: Blobs) -> None:
    await blobs.put("atomic.bin", b"old")
    halfway = asyncio.Event()
    resume = asyncio.Event()

    async def chunks() -> AsyncIterator[bytes]:
        yield b"n" * 1000
        halfway.set()
        await resume.wait()
        yield b"e" * 1000

    writer = asyncio.create_task(blobs.put_stream("atomic.bin", chunks()))
    await halfway.wait()
    assert await blobs.get("atomic.bin") == b"old"
    resume.set()
    await writer
    assert await blobs.get("atomic.bin") == b"n" * 1000 + b"e" * 1000


async def test_a_failing_stream_leaves_no_object(blobs: Blobs) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b"partial"
        raise Invalid("refused by the producer", code="checksum_mismatch")

    with pytest.raises(Invalid):
        await blobs.put_stream("aborted.bin", chunks())
    with pytest.raises(NotFound):
        await blobs.head("aborted.bin")


@pytest.mark.parametrize("key", ["../x", "a/../../b", "/etc/passwd", "a//b", "%2e%2e/x", ".meta/x"])
async def test_every_operation_refuses_traversal_keys(blobs: Blobs, key: str) -> None:
    operations = [blobs.put(key, b"x"), blobs.get(key), blobs.head(key), blobs.delete(key),
                  blobs.get_range(key, 0, 1)]
    for operation in operations:
        with pytest.raises(Invalid):
            await operation
    with pytest.raises(Invalid):
        blobs.signed_url(key)


async def test_ping_answers(blobs: Blobs) -> None:
    await blobs.ping()
