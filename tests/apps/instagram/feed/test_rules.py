"""The ranked feed's score: pure functions of age, engagement and affinity."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from casebook.apps.instagram.feed import rules

counts = st.integers(min_value=0, max_value=10**7)


def test_recency_halves_every_half_life() -> None:
    assert rules.recency_factor(0) == 1.0
    assert rules.recency_factor(rules.RECENCY_HALF_LIFE_H) == 0.5
    assert rules.recency_factor(3 * rules.RECENCY_HALF_LIFE_H) == 0.125
    assert rules.recency_factor(-5) == 1.0  # a post "from the future" (clock skew) is not boosted


def test_engagement_weighs_comments_double_on_a_log_scale() -> None:
    assert rules.engagement(like_count=0, comment_count=0, save_count=0) == 0.0
    assert rules.engagement(like_count=1, comment_count=1, save_count=1) == math.log(5)
    assert rules.engagement(like_count=2, comment_count=0, save_count=0) == \
        rules.engagement(like_count=0, comment_count=1, save_count=0)


def test_score_of_a_known_case() -> None:
    value = rules.score(age_h=6, like_count=3, comment_count=0, save_count=0, interaction_count=1)
    assert value == (1 + math.log(4) + 2 * math.log(2)) * 0.5


def test_an_interaction_outweighs_a_strangers_like() -> None:
    friend = rules.score(age_h=1, like_count=0, comment_count=0, save_count=0, interaction_count=1)
    stranger = rules.score(age_h=1, like_count=1, comment_count=0, save_count=0, interaction_count=0)
    assert friend > stranger


def test_age_hours() -> None:
    now = datetime(2026, 3, 1, 12, tzinfo=UTC)
    assert rules.age_hours(now - timedelta(minutes=90), now) == 1.5


@given(age=st.floats(min_value=0, max_value=24 * 30), likes=counts, comments=counts, saves=counts,
       interactions=counts, more=st.integers(min_value=1, max_value=1000))
def test_score_grows_with_engagement_and_affinity_and_falls_with_age(age, likes, comments, saves, interactions,
                                                                    more) -> None:
    base = rules.score(age_h=age, like_count=likes, comment_count=comments, save_count=saves,
                       interaction_count=interactions)
    assert base > 0
    assert rules.score(age_h=age, like_count=likes + more, comment_count=comments, save_count=saves,
                       interaction_count=interactions) >= base
    assert rules.score(age_h=age, like_count=likes, comment_count=comments, save_count=saves,
                       interaction_count=interactions + more) > base
    assert rules.score(age_h=age + more, like_count=likes, comment_count=comments, save_count=saves,
                       interaction_count=interactions) < base
