"""HTTP Range parsing and entity-tag matching."""

from __future__ import annotations

import pytest

from casebook.platform.blobs.ranges import Unsatisfiable, etag_matches, parse_range


@pytest.mark.parametrize(("header", "expected"), [
    ("bytes=0-0", (0, 1)),
    ("bytes=2-5", (2, 6)),
    ("bytes=2-", (2, 10)),
    ("bytes=-3", (7, 10)),
    ("bytes=-30", (0, 10)),
    ("bytes=5-99", (5, 10)),
    (None, None),
    ("", None),
    ("bytes=0-1,4-5", None),  # several ranges: the whole object
    ("bytes=5-2", None),  # invalid: ignored
    ("items=0-1", None),
    ("bytes=-", None),
    ("bytes=a-b", None),
])
def test_parses_one_range_of_a_ten_byte_object(header: str | None, expected: tuple[int, int] | None) -> None:
    assert parse_range(header, 10) == expected


@pytest.mark.parametrize(("header", "size_bytes"), [("bytes=10-", 10), ("bytes=10-12", 10), ("bytes=-0", 10),
                                                    ("bytes=0-", 0), ("bytes=-1", 0)])
def test_a_range_past_the_end_is_unsatisfiable(header: str, size_bytes: int) -> None:
    with pytest.raises(Unsatisfiable):
        parse_range(header, size_bytes)


def test_etags_match_weakly_and_by_star() -> None:
    assert etag_matches('"abc"', "abc")
    assert etag_matches('W/"abc"', "abc")
    assert etag_matches('"x", "abc"', "abc")
    assert etag_matches("*", "abc")
    assert not etag_matches('"abd"', "abc")
    assert not etag_matches(None, "abc")
