"""The Brownian path: the same value at a step however it is reached, and cheap to read in order."""

from __future__ import annotations

import itertools
import math

from hypothesis import given
from hypothesis import strategies as st

from casebook.engines.markets import limits
from casebook.engines.markets.feed import fold
from casebook.engines.markets.walk import BrownianPath, normal, path_key

KEY = path_key(7, "TEST")
STEPS_MAX = 1 << limits.PATH_LEVELS


def test_reading_in_order_equals_reading_each_step_from_scratch() -> None:
    walked = BrownianPath(KEY)
    start = 1_767_225_600  # 2026-01-01 in seconds since the epoch
    in_order = [walked.at(step) for step in range(start, start + 300)]
    from_scratch = [BrownianPath(KEY).at(step) for step in range(start, start + 300)]
    assert in_order == from_scratch  # bit for bit, not approximately


@given(st.lists(st.integers(min_value=0, max_value=STEPS_MAX), min_size=1, max_size=30))
def test_any_read_order_gives_the_same_values(steps: list[int]) -> None:
    shared = BrownianPath(KEY)
    assert [shared.at(step) for step in steps] == [BrownianPath(KEY).at(step) for step in steps]


def test_reading_consecutive_steps_draws_about_two_levels_each() -> None:
    path = BrownianPath(KEY)
    path.at(1_767_225_600)
    drawn_before = path.levels_computed
    for step in range(1_767_225_601, 1_767_225_601 + 4_096):
        path.at(step)
    assert path.levels_computed - drawn_before <= 2 * 4_096 + limits.PATH_LEVELS


def test_starts_at_zero_and_keys_give_independent_paths() -> None:
    assert BrownianPath(KEY).at(0) == 0.0
    assert BrownianPath(KEY).at(12_345) != BrownianPath(path_key(8, "TEST")).at(12_345)
    assert BrownianPath(KEY).at(12_345) != BrownianPath(path_key(7, "OTHER")).at(12_345)


def test_increments_have_unit_variance() -> None:
    path = BrownianPath(KEY)
    values = [path.at(step) for step in range(1_000_000, 1_008_193)]
    increments = [after - before for before, after in itertools.pairwise(values)]
    mean = sum(increments) / len(increments)
    variance = sum(increment * increment for increment in increments) / len(increments)
    # A fixed key makes these fixed numbers; the bounds are ~5 standard errors for 8,192 draws.
    assert abs(mean) < 0.06 and 0.92 < variance < 1.08


def test_normal_variates_are_finite_and_spread_like_a_standard_normal() -> None:
    draws = [normal(KEY, point) for point in range(20_000)]
    assert all(math.isfinite(draw) for draw in draws)
    within_one = sum(abs(draw) < 1.0 for draw in draws) / len(draws)
    assert 0.66 < within_one < 0.70  # 68.27% for N(0, 1)


@given(st.floats(min_value=-1e6, max_value=1e6), st.floats(min_value=0.1, max_value=5.0))
def test_fold_keeps_values_within_the_band_and_leaves_the_inside_alone(value: float, bound: float) -> None:
    folded = fold(value, bound)
    assert -bound - 1e-9 <= folded <= bound + 1e-9
    if -bound < value < bound:
        assert math.isclose(folded, value, abs_tol=1e-9)
    assert math.isclose(fold(value + 4 * bound, bound), folded, abs_tol=1e-6)  # period 4 * bound
