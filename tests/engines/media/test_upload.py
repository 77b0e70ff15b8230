"""read_upload stops at the bound: an over-limit body is refused without being read to its end."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from casebook.engines import media


class Body:
    """An upload body of `chunks`, counting what was read."""

    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks
        self.read_chunks = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            self.read_chunks += 1
            yield chunk


async def test_reads_a_body_within_the_bound() -> None:
    body = Body([b"a" * 10, b"b" * 10])

    assert await media.read_upload(body.__aiter__(), bytes_max=20, declared_length=20) == b"a" * 10 + b"b" * 10
    assert body.read_chunks == 2


async def test_refuses_a_declared_length_over_the_bound_before_reading() -> None:
    body = Body([b"a" * 10] * 5)

    with pytest.raises(media.UploadTooLarge) as refused:
        await media.read_upload(body.__aiter__(), bytes_max=20, declared_length=50)

    assert refused.value.status == 413
    assert body.read_chunks == 0


async def test_refuses_at_the_first_chunk_over_the_bound_and_leaves_the_rest_unread() -> None:
    body = Body([b"a" * 10] * 100)

    with pytest.raises(media.UploadTooLarge) as refused:
        await media.read_upload(body.__aiter__(), bytes_max=25, declared_length=None)

    assert refused.value.status == 413
    assert refused.value.code == "upload_too_large"
    assert body.read_chunks == 3


async def test_a_lying_declared_length_does_not_lift_the_bound() -> None:
    body = Body([b"a" * 10] * 100)

    with pytest.raises(media.UploadTooLarge):
        await media.read_upload(body.__aiter__(), bytes_max=25, declared_length=5)

    assert body.read_chunks == 3
