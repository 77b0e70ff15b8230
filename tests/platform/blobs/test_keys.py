"""Key validation: no key can name anything outside the store's root."""

from __future__ import annotations

import urllib.parse

import pytest

from casebook.platform.blobs.keys import KEY_CHARS_MAX, validate_key
from casebook.platform.errors import Invalid

HOSTILE_KEYS = ["../x", "a/../../b", "/etc/passwd", "a//b", "%2e%2e/x", "..", ".", "a/./b", "a/", "",
                "a\\..\\b", "C:/x", "a b", "a\x00b", "a\nb", ".meta/a", "a/.hidden", "~/x", "a?b", "a#b",
                "x" * (KEY_CHARS_MAX + 1)]


@pytest.mark.parametrize("key", HOSTILE_KEYS + [urllib.parse.unquote(key) for key in HOSTILE_KEYS])
def test_refuses_keys_that_could_leave_the_root(key: str) -> None:
    with pytest.raises(Invalid) as refused:
        validate_key(key)
    assert refused.value.extra["errors"][0]["path"] == "key"
    assert refused.value.status == 422


@pytest.mark.parametrize("key", ["a", "media/123/seg_001.ts", "uploads-final/7/9", "a=b/c-d.e_f",
                                 "x" * KEY_CHARS_MAX, "a..b/c"])
def test_accepts_plain_relative_keys(key: str) -> None:
    assert validate_key(key) == key
