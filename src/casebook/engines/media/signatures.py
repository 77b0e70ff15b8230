"""Recognise an upload by its magic bytes, never by its name or the client's Content-Type."""

from __future__ import annotations

import re

from casebook.engines.media.errors import MediaTypeUnsupported
from casebook.engines.media.model import Kind

# ISO base media (ftyp) brands. HEIF stills: HEVC-coded (heic, heix, ...) and the generic mif1/msf1.
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}
_MP4_BRANDS = {b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V ",
               b"MSNV", b"3gp4", b"3gp5", b"3gp6", b"dash", b"f4v "}
_QUICKTIME_BRAND = b"qt  "
_EBML_MAGIC = b"\x1a\x45\xdf\xa3"
_EBML_WEBM_DOCTYPE = re.compile(rb"\x42\x82[\x81-\x88]webm")  # DocType element, 1-byte size
_EBML_HEADER_BYTES = 64  # the DocType element sits in the first few dozen bytes of the EBML header


def sniff(data: bytes) -> tuple[Kind, str]:
    """(kind, content type) of an upload; raises MediaTypeUnsupported for anything else."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image", "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image", "image/png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image", "image/webp"
    if data[4:8] == b"ftyp":
        found = _sniff_ftyp(data)
        if found is not None:
            return found
    if data.startswith(_EBML_MAGIC) and _EBML_WEBM_DOCTYPE.search(data[:_EBML_HEADER_BYTES]):
        return "video", "video/webm"
    raise MediaTypeUnsupported("send a JPEG, PNG, WebP or HEIC photo, or an MP4, MOV or WebM video")


def _sniff_ftyp(data: bytes) -> tuple[Kind, str] | None:
    box_bytes = int.from_bytes(data[:4], "big")
    if not 16 <= box_bytes <= 4096 or len(data) < box_bytes:
        return None
    major = data[8:12]
    compatible = {data[offset:offset + 4] for offset in range(16, box_bytes - 3, 4)}
    if major in _HEIF_BRANDS:
        if not _has_heif_opener():
            return None
        return "image", "image/heif" if major in (b"mif1", b"msf1") else "image/heic"
    if major == _QUICKTIME_BRAND:
        return "video", "video/quicktime"
    if major in _MP4_BRANDS or compatible & _MP4_BRANDS:
        return "video", "video/mp4"
    return None


def _has_heif_opener() -> bool:
    from casebook.engines.media import probe

    return probe.register_heif()
