"""The activity list's wording and the message-request rule: pure, no I/O."""

from __future__ import annotations

import pytest

from casebook.apps.instagram.inbox import rules


@pytest.mark.parametrize(("names", "count", "expected"), [
    (["alice"], 1, "alice liked your post"),
    (["alice", "bob"], 2, "alice and bob liked your post"),
    (["alice", "bob", "carol"], 3, "alice and 2 others liked your post"),
    (["alice", "bob", "carol"], 13, "alice and 12 others liked your post"),
    (["alice"], 2, "alice and 1 other liked your post"),
])
def test_groups_name_the_newest_actor_and_count_the_rest(names: list[str], count: int, expected: str) -> None:
    assert rules.notification_text("like", names, count) == expected


def test_a_single_commenter_is_quoted_and_a_crowd_is_not() -> None:
    assert rules.notification_text("comment", ["alice"], 1, "so good") == "alice commented on your post: so good"
    assert rules.notification_text("comment", ["alice", "bob"], 2, "so good") == \
        "alice and bob commented on your post"
    assert rules.notification_text("follow_approved", ["bob"], 1) == "bob accepted your follow request"


def test_excerpts_are_one_bounded_line() -> None:
    assert rules.excerpt_of("a\n  b\tc") == "a b c"
    long = rules.excerpt_of("x" * 500)
    assert len(long) == rules.EXCERPT_CHARS_MAX and long.endswith("…")


def test_only_followers_of_the_sender_skip_the_requests_folder() -> None:
    assert rules.is_message_request(recipient_follows_sender=False) is True
    assert rules.is_message_request(recipient_follows_sender=True) is False
