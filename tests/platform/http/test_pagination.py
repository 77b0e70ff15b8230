import msgspec
import pytest

from casebook.platform.errors import Invalid
from casebook.platform.http.pagination import PAGE_SIZE_MAX, Cursors, clamp_limit


class Position(msgspec.Struct):
    before_id: int


def test_a_cursor_round_trips_into_its_type() -> None:
    cursors = Cursors("secret")

    assert cursors.decode(cursors.encode({"before_id": 42}), type=Position) == Position(before_id=42)
    assert cursors.decode(None) is None
    assert cursors.decode("") is None


@pytest.mark.parametrize("bad", ["x", "!!!", "a" * 2000, "eyJiZWZvcmVfaWQiOjF9", "AAAAAAAAAAAAAAAAAAAAAAAA"])
def test_garbage_cursors_are_a_422_on_the_cursor_field(bad: str) -> None:
    with pytest.raises(Invalid) as caught:
        Cursors("secret").decode(bad, type=Position)

    assert caught.value.status == 422
    assert caught.value.extra["errors"][0]["path"] == "cursor"


def test_a_cursor_signed_with_another_key_or_shape_is_refused() -> None:
    foreign = Cursors("other").encode({"before_id": 1})
    wrong_shape = Cursors("secret").encode({"before_id": "not a number"})

    with pytest.raises(Invalid):
        Cursors("secret").decode(foreign, type=Position)
    with pytest.raises(Invalid):
        Cursors("secret").decode(wrong_shape, type=Position)


def test_limits_outside_the_range_are_refused_not_clamped() -> None:
    assert clamp_limit(None) == 20
    assert clamp_limit(PAGE_SIZE_MAX) == PAGE_SIZE_MAX
    for bad in (0, -1, PAGE_SIZE_MAX + 1):
        with pytest.raises(Invalid):
            clamp_limit(bad)
