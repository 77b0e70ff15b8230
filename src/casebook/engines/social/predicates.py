"""The graph as SQL expressions an app puts inside its own queries, so that a page of rows (a feed's posts,
a list of comments) is filtered or annotated by the viewer's relations in the same statement instead of
after loading the viewer's whole follow list.

Each predicate is correlated to a column that holds an account id (`subject`); `viewer_id` may be a value or
a bind parameter, and a NULL viewer (signed out) matches nothing. Every one is answered from a primary key
or an index of the graph's tables, one index probe per row.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Exists, Select, and_, exists, or_, select

from casebook.engines.social.models import BlockRow, CounterRow, FollowRow


def followees(network: str, viewer_id: Any) -> Select[tuple[int]]:
    """The accounts the viewer follows (a subquery of ids, for `column.in_(...)`)."""
    return select(FollowRow.followee_id).where(FollowRow.network == network, FollowRow.follower_id == viewer_id)


def follows(network: str, viewer_id: Any, subject: ColumnElement[int]) -> Exists:
    """The viewer follows `subject`."""
    return exists().where(FollowRow.network == network, FollowRow.follower_id == viewer_id,
                          FollowRow.followee_id == subject)


def blocked_either_way(network: str, viewer_id: Any, subject: ColumnElement[int]) -> Exists:
    """The viewer blocked `subject`, or `subject` blocked the viewer."""
    return exists().where(BlockRow.network == network, or_(
        and_(BlockRow.blocker_id == viewer_id, BlockRow.blocked_id == subject),
        and_(BlockRow.blocker_id == subject, BlockRow.blocked_id == viewer_id)))


def followed_with_followers_over(network: str, viewer_id: Any, followers_min: int) -> Select[tuple[int]]:
    """The accounts the viewer follows that have more than `followers_min` followers (a subquery of ids).

    Starts from the few accounts over the bound (index on the counter), not from the viewer's follows, so it
    costs the same for a viewer following 5 accounts or 7,500."""
    return (select(CounterRow.account_id)
            .where(CounterRow.network == network, CounterRow.followers_count > followers_min,
                   follows(network, viewer_id, CounterRow.account_id)))
