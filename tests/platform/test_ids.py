from datetime import UTC, datetime

from hypothesis import given, strategies as st

from casebook.platform.ids import IdGenerator, id_time, lowest_id_at


def test_ids_are_unique_and_increasing_within_one_millisecond() -> None:
    generator = IdGenerator(7, now_ms=lambda: 1_800_000_000_000)

    ids = [generator.next_id() for _ in range(10_000)]  # more than 4096: spills into the next ms

    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)
    assert all(i < 2**63 for i in ids)


def test_ids_never_go_back_when_the_clock_does() -> None:
    times = iter([1_800_000_000_500, 1_800_000_000_100, 1_800_000_000_600])
    generator = IdGenerator(1, now_ms=lambda: next(times))

    first, second, third = generator.next_id(), generator.next_id(), generator.next_id()

    assert first < second < third


@given(st.integers(min_value=1_704_067_200_000, max_value=4_000_000_000_000), st.integers(0, 1023))
def test_id_time_recovers_the_millisecond(ms: int, node: int) -> None:
    snowflake = IdGenerator(node, now_ms=lambda: ms).next_id()

    assert id_time(snowflake) == datetime.fromtimestamp(ms / 1000, tz=UTC)
    assert lowest_id_at(id_time(snowflake)) <= snowflake
