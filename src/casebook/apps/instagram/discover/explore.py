"""Explore: trending hashtags and popular posts by engagement velocity, and suggested accounts.

The candidates are global (public posts of public accounts, see `trending`); each viewer's answer is
filtered again through `audience` (a block hides both ways, a post deleted or turned private since it
was counted drops out) and leaves out the viewer's own posts.
"""

from __future__ import annotations

import dataclasses

from sqlalchemy import select

from casebook.apps.instagram import audience, rules
from casebook.apps.instagram.discover import limits, trending
from casebook.apps.instagram.models import HashtagRow, ProfileRow
from casebook.apps.instagram.posts import views
from casebook.apps.instagram.profiles import service as profiles
from casebook.engines import social
from casebook.platform.uow import UnitOfWork


@dataclasses.dataclass(frozen=True, slots=True)
class TrendingHashtag:
    tag: str
    post_count: int
    score: float  # engagement velocity over the window


@dataclasses.dataclass(frozen=True, slots=True)
class SuggestedAccount:
    profile: ProfileRow
    mutual_count: int  # how many of the viewer's followees follow it


@dataclasses.dataclass(frozen=True, slots=True)
class Explore:
    posts: list[views.PostRead]
    hashtags: list[TrendingHashtag]
    suggestions: list[SuggestedAccount]


async def explore(uow: UnitOfWork, *, viewer: audience.Viewer) -> Explore:
    found = await trending.trending(uow)
    return Explore(posts=await popular_posts(uow, viewer=viewer, post_ids=[post_id for post_id, _ in found.posts]),
                   hashtags=await trending_hashtags(uow, tag_scores=found.hashtags),
                   suggestions=await suggested_accounts(uow, viewer=viewer))


async def popular_posts(uow: UnitOfWork, *, viewer: audience.Viewer, post_ids: list[int]) -> list[views.PostRead]:
    """The candidates still public on public accounts (a post narrowed or an account turned private since it
    was counted drops out, even for followers), that the viewer may see, not the viewer's own."""
    posts = [post for post in await views.load_posts(uow, post_ids)
             if post.author_id != viewer.account_id and post.visibility == "public"]
    private = await audience.private_account_ids(uow, {post.author_id for post in posts})
    shown = [post for post in posts
             if post.author_id not in private and viewer.can_see_post(post, author_is_private=False)]
    return await views.hydrate_posts(uow, viewer, shown[:limits.EXPLORE_POSTS_MAX])


async def trending_hashtags(uow: UnitOfWork, *, tag_scores: list[tuple[str, float]]) -> list[TrendingHashtag]:
    if not tag_scores:
        return []
    rows = {row.tag: row for row in (await uow.session.scalars(select(HashtagRow).where(
        HashtagRow.tag.in_([tag for tag, _ in tag_scores])))).all()}
    return [TrendingHashtag(tag=tag, post_count=rows[tag].post_count, score=score)
            for tag, score in tag_scores if tag in rows and rows[tag].post_count > 0]


async def suggested_accounts(uow: UnitOfWork, *, viewer: audience.Viewer) -> list[SuggestedAccount]:
    """Friends of friends, most mutual followers first (the engine leaves out blocks and who one follows).

    Private accounts may be suggested, as Instagram does; their posts stay behind the follow."""
    if viewer.account_id is None:
        return []
    suggestions = await social.suggest_accounts(uow, network=rules.NETWORK, account_id=viewer.account_id,
                                                limit=limits.EXPLORE_SUGGESTIONS_MAX)
    found = await profiles.profiles_by_id(uow, [suggestion.account_id for suggestion in suggestions])
    return [SuggestedAccount(profile=found[suggestion.account_id], mutual_count=suggestion.followed_by_count)
            for suggestion in suggestions
            if suggestion.account_id in found and suggestion.account_id not in viewer.blocked_ids]
