"""Uploads are recognised by their bytes, whatever their name says."""

from __future__ import annotations

import pytest
from PIL import Image

from casebook.engines import media
from tests.engines.media import factories


@pytest.mark.parametrize(("image_format", "content_type"), [
    ("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp"), ("HEIF", "image/heic")])
def test_recognises_images_by_their_magic_bytes(image_format: str, content_type: str) -> None:
    from casebook.engines.media import probe

    assert probe.register_heif() is True
    data = factories.encoded(Image.new("RGB", (64, 48), factories.RED), image_format)

    assert media.sniff(data) == ("image", content_type)


def test_recognises_mp4_and_webm_videos() -> None:
    assert media.sniff(factories.video(width=64, height=48, seconds=0.25, audio=False)) == ("video", "video/mp4")
    assert media.sniff(factories.video(width=64, height=48, seconds=0.25, audio=False, container="webm")) == (
        "video", "video/webm")


def test_recognises_quicktime_by_its_brand() -> None:
    ftyp = b"\x00\x00\x00\x14ftypqt  \x00\x00\x02\x00qt  "

    assert media.sniff(ftyp + b"\x00" * 64) == ("video", "video/quicktime")


@pytest.mark.parametrize("data", [
    b"hello, I am a text file named photo.jpg\n",
    b"",
    b"GIF89a\x01\x00\x01\x00",
    b"%PDF-1.7\n",
    b"\x00\x00\x00\x18ftypM4A \x00\x00\x00\x00M4A mp42"[:20],  # an ftyp box cut short
    b"\x00\x00\x00\x14ftypM4A \x00\x00\x00\x00M4A ",  # audio-only brand
    b"\x1a\x45\xdf\xa3\x9f\x42\x82\x88matroska",  # Matroska, not WebM
])
def test_refuses_anything_else_with_415(data: bytes) -> None:
    with pytest.raises(media.MediaTypeUnsupported) as refused:
        media.sniff(data)

    assert refused.value.status == 415
    assert refused.value.code == "media_type_unsupported"
