"""Engagement velocity: hourly sorted sets of posts and hashtags in the cache, summed over the last 24 hours.

A bus consumer adds each like, comment, save and new post to the bucket of the hour it happened in
(`ig:trend:posts:{hour}`, `ig:trend:tags:{hour}`, kept 25 hours, each trimmed to its top members). Only
public posts of public accounts count, so explore's candidates never include what not everyone may see.
The cache is rebuildable, never the truth: when it holds nothing (a fresh cache), the window is ranked
from the database instead, over a bounded number of the newest posts.
"""

from __future__ import annotations

import collections
from collections.abc import Sequence
from datetime import datetime, timedelta

import msgspec
from sqlalchemy import select

from casebook.apps.instagram import events
from casebook.apps.instagram.discover import limits, rules
from casebook.apps.instagram.models import PostHashtagRow, PostRow, ProfileRow
from casebook.platform import ids
from casebook.platform.bus import Consumer, Event
from casebook.platform.cache import Cache
from casebook.platform.uow import UnitOfWork

# What an event adds to its post and to each of its hashtags. Taking back a like or a comment takes its
# weight back, so liking and unliking in a loop does not push a post up.
_POST_WEIGHTS = {
    events.POST_LIKED: rules.LIKE_WEIGHT, events.POST_UNLIKED: -rules.LIKE_WEIGHT,
    events.COMMENT_ADDED: rules.COMMENT_WEIGHT, events.COMMENT_DELETED: -rules.COMMENT_WEIGHT,
    events.POST_SAVED: rules.SAVE_WEIGHT, events.POST_PUBLISHED: 0.0,
}
_TAG_WEIGHTS = _POST_WEIGHTS | {events.POST_PUBLISHED: rules.NEW_POST_WEIGHT}


async def on_engagement(uow: UnitOfWork, event: Event) -> None:
    """Count the event in its hour's buckets, after this consumer's commit (so a redelivery that the
    platform de-duplicates never counts twice)."""
    if not rules.is_in_window(event.occurred_at, now=uow.now()):
        return
    post_id = int(event.payload["post_id"])
    found = (await uow.session.execute(
        select(PostRow.visibility, PostRow.deleted_at, ProfileRow.is_private)
        .join(ProfileRow, ProfileRow.account_id == PostRow.author_id).where(PostRow.id == post_id))).first()
    if found is None or found.deleted_at is not None or found.is_private or found.visibility != "public":
        return
    tags = (await uow.session.scalars(select(PostHashtagRow.tag).where(PostHashtagRow.post_id == post_id))).all()
    cache, moment = uow.platform.cache, event.occurred_at
    post_weight, tag_weight = _POST_WEIGHTS[event.subject], _TAG_WEIGHTS[event.subject]

    async def count() -> None:
        if post_weight:
            await _add(cache, rules.posts_bucket_key(moment), str(post_id), post_weight)
        for tag in tags:
            await _add(cache, rules.tags_bucket_key(moment), tag, tag_weight)

    uow.after_commit(count)


async def on_post_deleted(uow: UnitOfWork, event: Event) -> None:
    """A deleted post leaves the window's buckets (explore filters it anyway; this frees its place)."""
    cache, member, now = uow.platform.cache, str(event.payload["post_id"]), uow.now()

    async def forget() -> None:
        for hour in rules.window_hours(now):
            await cache.zrem(rules.posts_bucket_key(hour), member)

    uow.after_commit(forget)


async def _add(cache: Cache, key: str, member: str, weight: float) -> None:
    await cache.zincrby(key, member, weight)
    await cache.expire(key, limits.TREND_BUCKET_TTL_S)
    await cache.zadd(key, {}, keep_top=limits.TREND_BUCKET_MEMBERS_MAX)


async def handle(uow: UnitOfWork, event: Event) -> None:
    if event.subject == events.POST_DELETED:
        await on_post_deleted(uow, event)
    else:
        await on_engagement(uow, event)


consumer = Consumer(name="instagram.trending", handler=handle, subjects=(*_POST_WEIGHTS, events.POST_DELETED))


async def _sum_window(cache: Cache, key_of, *, now: datetime) -> dict[str, float]:
    totals: collections.Counter[str] = collections.Counter()
    for hour in rules.window_hours(now):
        for member, score in await cache.zrevrange(key_of(hour), 0, limits.TREND_READ_PER_BUCKET_MAX - 1):
            totals[member] += score
    return {member: score for member, score in totals.items() if score > 0}


def _ranked(totals: dict[str, float], count: int) -> list[tuple[str, float]]:
    return sorted(totals.items(), key=lambda item: (-item[1], item[0]))[:count]


class Trending(msgspec.Struct, frozen=True, array_like=True):
    posts: list[tuple[int, float]]  # (post id, score), highest first
    hashtags: list[tuple[str, float]]  # (tag, score), highest first


async def trending(uow: UnitOfWork) -> Trending:
    """Posts and hashtags of the last 24 hours by velocity, bounded; summed from the cache's buckets (or
    ranked from the database when the cache has no post counters), and that sum kept for a minute, since
    every explore read would otherwise cost 48 cache reads."""
    now = uow.now()
    summary_key = rules.trend_summary_key(now)
    kept = await uow.cache.get(summary_key)
    if kept is not None:
        return msgspec.msgpack.decode(kept, type=Trending)
    posts = await _sum_window(uow.cache, rules.posts_bucket_key, now=now)
    if posts:
        tags = await _sum_window(uow.cache, rules.tags_bucket_key, now=now)
        found = Trending(posts=sorted(((int(member), score) for member, score in posts.items()),
                                      key=lambda item: (-item[1], -item[0]))[:limits.EXPLORE_POST_CANDIDATES_MAX],
                         hashtags=_ranked(tags, limits.EXPLORE_HASHTAGS_MAX))
    else:
        found = await _trending_from_database(uow, now=now)
    await uow.cache.set(summary_key, msgspec.msgpack.encode(found), ttl_s=limits.TREND_SUMMARY_TTL_S)
    return found


async def _trending_from_database(uow: UnitOfWork, *, now: datetime) -> Trending:
    """The newest public posts of public accounts in the window (bounded), ranked by their engagement."""
    since = now - timedelta(hours=limits.TREND_WINDOW_HOURS)
    # The id bound keeps the scan on the primary key's range (ids are time-sortable); the slack allows for
    # ids made by another clock than `created_at` (a skewed node, a test's frozen clock).
    lowest_id = ids.lowest_id_at(since - timedelta(hours=limits.TREND_ID_CLOCK_SLACK_HOURS))
    rows: Sequence = (await uow.session.execute(
        select(PostRow.id, PostRow.like_count, PostRow.comment_count, PostRow.save_count)
        .join(ProfileRow, ProfileRow.account_id == PostRow.author_id)
        .where(PostRow.id >= lowest_id, PostRow.created_at >= since, PostRow.deleted_at.is_(None),
               PostRow.visibility == "public", ProfileRow.is_private.is_(False))
        .order_by(PostRow.id.desc()).limit(limits.TREND_FALLBACK_POSTS_MAX))).all()
    scores = {row.id: rules.engagement_score(like_count=row.like_count, comment_count=row.comment_count,
                                             save_count=row.save_count) for row in rows}
    tags: collections.Counter[str] = collections.Counter()
    if scores:
        for tag, post_id in (await uow.session.execute(select(PostHashtagRow.tag, PostHashtagRow.post_id).where(
                PostHashtagRow.post_id.in_(list(scores))))).all():
            tags[tag] += scores[post_id] + rules.NEW_POST_WEIGHT
    posts = sorted(((post_id, score) for post_id, score in scores.items() if score > 0),
                   key=lambda item: (-item[1], -item[0]))[:limits.EXPLORE_POST_CANDIDATES_MAX]
    return Trending(posts=posts, hashtags=_ranked(dict(tags), limits.EXPLORE_HASHTAGS_MAX))
