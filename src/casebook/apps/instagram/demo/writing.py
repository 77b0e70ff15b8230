"""Writing a planned demo world in bulk: identity accounts, profiles, the graph, posts and everything on them,
as multi-row INSERTs inside the caller's one transaction, then every counter set to what the rows say.

No events per row: timelines rebuild on first read, explore falls back to the database, and the search
index is filled afterwards (see `index_search`). Ids of posts, comments and stories are snowflakes of their
planned (past) creation time, so id order is time order as for live rows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from casebook.apps.instagram import rules
from casebook.apps.instagram.demo.world import PLACES, World
from casebook.apps.instagram.discover import indexing
from casebook.apps.instagram.discover import rules as discover_rules
from casebook.apps.instagram.models import (
    CloseFriendRow,
    CommentRow,
    HashtagRow,
    LikeRow,
    MentionRow,
    PlaceRow,
    PostHashtagRow,
    PostMediaRow,
    PostRow,
    ProfileRow,
    SaveRow,
    StoryRow,
    StoryViewRow,
    UserTagRow,
)
from casebook.apps.instagram.posts import rules as post_rules
from casebook.engines.social.models import CounterRow, FollowRequestRow, FollowRow
from casebook.platform import ids as snowflakes
from casebook.platform.identity.models import Account
from casebook.platform.uow import UnitOfWork

ROWS_PER_STATEMENT = 2_000  # rows per executemany batch: bounded memory, few round trips
IDS_PER_STATEMENT = 500  # ids per IN (...) list
STORY_LIFETIME_S = 24 * 3600


class BackdatedIds:
    """Snowflakes for moments in the past, unique within one demo load (a sequence per millisecond)."""

    def __init__(self, node_id: int) -> None:
        self.node_id = node_id
        self._used: dict[int, int] = {}

    def at(self, moment: datetime) -> int:
        ms = int(moment.timestamp() * 1000) - snowflakes.EPOCH_MS
        while self._used.get(ms, 0) > snowflakes.SEQUENCE_MAX:
            ms += 1
        sequence = self._used.get(ms, 0)
        self._used[ms] = sequence + 1
        return (ms << (snowflakes.NODE_BITS + snowflakes.SEQUENCE_BITS)) | (self.node_id << snowflakes.SEQUENCE_BITS) \
            | sequence


def _insert(uow: UnitOfWork, table: Any) -> Any:
    return (postgresql.insert if uow.session.bind.dialect.name == "postgresql" else sqlite.insert)(table)


async def insert_rows(uow: UnitOfWork, table: Table | Any, rows: Sequence[dict[str, Any]], *,
                      skip_existing: bool = False) -> None:
    statement = _insert(uow, table).on_conflict_do_nothing() if skip_existing else insert(table)
    for start in range(0, len(rows), ROWS_PER_STATEMENT):
        await uow.session.execute(statement, list(rows[start:start + ROWS_PER_STATEMENT]))


def _chunks(values: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(values), IDS_PER_STATEMENT):
        yield values[start:start + IDS_PER_STATEMENT]


async def write_people(uow: UnitOfWork, world: World, account_ids: list[int], *, existing_account_ids: set[int],
                       existing_profile_ids: set[int], password_hash: str, avatars: dict[int, int]) -> None:
    """Identity accounts (all sharing the demo password's one hash) and Instagram profiles, except those that
    exist already (the shared demo people, when another app's demo made them first)."""
    now = uow.now()
    accounts, profiles = [], []
    for index, person in enumerate(world.people):
        account_id = account_ids[index]
        if account_id not in existing_account_ids:
            accounts.append({"id": account_id, "username": person.username, "username_normalized": person.username,
                             "email": f"{person.username}@demo.casebook.dev",
                             "email_normalized": f"{person.username}@demo.casebook.dev",
                             "display_name": person.full_name, "password_hash": password_hash,
                             "created_at": now, "updated_at": now})
        if account_id not in existing_profile_ids:
            profiles.append({"account_id": account_id, "username": person.username, "full_name": person.full_name,
                             "bio": person.bio, "website": "", "avatar_media_id": avatars.get(index),
                             "is_private": person.is_private, "posts_count": 0, "created_at": now,
                             "updated_at": now})
    await insert_rows(uow, Account, accounts)
    await insert_rows(uow, ProfileRow, profiles)


async def write_graph(uow: UnitOfWork, world: World, account_ids: list[int], request_ids: BackdatedIds) -> None:
    network = rules.NETWORK
    await insert_rows(uow, FollowRow, [
        {"network": network, "follower_id": account_ids[follower], "followee_id": account_ids[followee],
         "created_at": at} for follower, followee, at in world.follows], skip_existing=True)
    await insert_rows(uow, FollowRequestRow, [
        {"id": request_ids.at(at), "network": network, "requester_id": account_ids[requester],
         "target_id": account_ids[target], "created_at": at} for requester, target, at in world.requests],
        skip_existing=True)
    await insert_rows(uow, CloseFriendRow, [
        {"owner_id": account_ids[owner], "friend_id": account_ids[friend], "created_at": uow.now()}
        for owner, friend in world.close_friends], skip_existing=True)


async def _place_ids(uow: UnitOfWork, used: set[int]) -> dict[int, int]:
    """The place row of each used PLACES entry, created with a zero count when new."""
    keys = {index: post_rules.place_key(post_rules.check_place(name, latitude, longitude), latitude, longitude)
            for index, (name, latitude, longitude) in enumerate(PLACES) if index in used}
    await insert_rows(uow, PlaceRow, [
        {"id": uow.new_id(), "name": post_rules.check_place(*PLACES[index]), "place_key": key,
         "latitude": PLACES[index][1], "longitude": PLACES[index][2], "post_count": 0, "created_at": uow.now()}
        for index, key in keys.items()], skip_existing=True)
    found = dict((await uow.session.execute(select(PlaceRow.place_key, PlaceRow.id).where(
        PlaceRow.place_key.in_(list(keys.values()))))).all())
    return {index: found[key] for index, key in keys.items()}


async def write_posts(uow: UnitOfWork, world: World, account_ids: list[int], media_ids: list[int],
                      backdated: BackdatedIds) -> tuple[list[int], dict[int, int]]:
    """Posts with media, tags, mentions, hashtags and places, likes, comments and saves; their counters set
    from the planned rows. Returns the post ids in plan order and the place id of each used PLACES entry."""
    post_ids = [backdated.at(post.created_at) for post in world.posts]
    usernames = {person.username: index for index, person in enumerate(world.people)}
    likes = Counter(post for post, _person, _at in world.likes)
    saves = Counter(post for _person, post, _at in world.saves)
    comments = Counter(comment.post for comment in world.comments)
    replies = Counter(comment.parent for comment in world.comments if comment.parent is not None)
    place_ids = await _place_ids(uow, {post.place for post in world.posts if post.place is not None})
    posts, media, tags, mentions, post_tags = [], [], [], [], []
    tag_counts: Counter[str] = Counter()
    place_counts: Counter[int] = Counter()
    for index, post in enumerate(world.posts):
        post_id = post_ids[index]
        hashtags, mentioned = rules.check_caption(post.caption)
        place_id = None if post.place is None else place_ids[post.place]
        posts.append({"id": post_id, "author_id": account_ids[post.author], "caption": post.caption,
                      "visibility": post.visibility, "place_id": place_id, "media_count": len(post.images),
                      "like_count": likes[index], "comment_count": comments[index], "save_count": saves[index],
                      "created_at": post.created_at, "edited_at": None, "deleted_at": None})
        media.extend({"post_id": post_id, "position": position, "media_id": media_ids[image]}
                     for position, image in enumerate(post.images))
        tags.extend({"post_id": post_id, "position": position, "account_id": account_ids[person], "x": x, "y": y}
                    for position, person, x, y in post.tags)
        mentions.extend({"post_id": post_id, "account_id": account_ids[usernames[name]]}
                        for name in mentioned if name in usernames)
        post_tags.extend({"tag": tag, "post_id": post_id} for tag in hashtags)
        tag_counts.update(hashtags)
        if place_id is not None:
            place_counts[place_id] += 1
    await insert_rows(uow, PostRow, posts)
    await insert_rows(uow, PostMediaRow, media)
    await insert_rows(uow, UserTagRow, tags)
    await insert_rows(uow, MentionRow, mentions)
    for tag, count in sorted(tag_counts.items()):
        await uow.session.execute(_insert(uow, HashtagRow).values(tag=tag, post_count=count, created_at=uow.now())
                                  .on_conflict_do_update(index_elements=["tag"],
                                                         set_={"post_count": HashtagRow.post_count + count}))
    await insert_rows(uow, PostHashtagRow, post_tags)
    for place_id, count in sorted(place_counts.items()):
        await uow.session.execute(update(PlaceRow).where(PlaceRow.id == place_id)
                                  .values(post_count=PlaceRow.post_count + count))
    await insert_rows(uow, LikeRow, [{"post_id": post_ids[post], "account_id": account_ids[person], "created_at": at}
                                     for post, person, at in world.likes])
    await insert_rows(uow, SaveRow, [{"account_id": account_ids[person], "post_id": post_ids[post], "created_at": at}
                                     for person, post, at in world.saves])
    comment_ids = [backdated.at(comment.created_at) for comment in world.comments]
    await insert_rows(uow, CommentRow, [
        {"id": comment_ids[index], "post_id": post_ids[comment.post], "author_id": account_ids[comment.author],
         "parent_id": None if comment.parent is None else comment_ids[comment.parent], "body": comment.body,
         "reply_count": replies[index], "created_at": comment.created_at}
        for index, comment in enumerate(world.comments)])
    return post_ids, place_ids


async def write_stories(uow: UnitOfWork, world: World, account_ids: list[int], media_ids: list[int],
                        backdated: BackdatedIds) -> None:
    story_ids = [backdated.at(story.created_at) for story in world.stories]
    views = Counter(story for story, _viewer, _at in world.story_views)
    await insert_rows(uow, StoryRow, [
        {"id": story_ids[index], "author_id": account_ids[story.author], "media_id": media_ids[story.image],
         "audience": story.audience, "view_count": views[index], "created_at": story.created_at,
         "expires_at": story.created_at + timedelta(seconds=STORY_LIFETIME_S), "deleted_at": None}
        for index, story in enumerate(world.stories)])
    await insert_rows(uow, StoryViewRow, [
        {"story_id": story_ids[story], "viewer_id": account_ids[viewer], "viewed_at": at}
        for story, viewer, at in world.story_views])


async def set_account_counters(uow: UnitOfWork, account_ids: Sequence[int]) -> None:
    """Followers, following and posts of these accounts set to COUNT(*) of their rows: right whatever existed
    before (a demo person who had already followed someone)."""
    network = rules.NETWORK
    await insert_rows(uow, CounterRow, [{"network": network, "account_id": account_id, "followers_count": 0,
                                         "following_count": 0} for account_id in account_ids], skip_existing=True)
    followers = (select(func.count()).select_from(FollowRow)
                 .where(FollowRow.network == network, FollowRow.followee_id == CounterRow.account_id)
                 .scalar_subquery())
    following = (select(func.count()).select_from(FollowRow)
                 .where(FollowRow.network == network, FollowRow.follower_id == CounterRow.account_id)
                 .scalar_subquery())
    posts = (select(func.count()).select_from(PostRow)
             .where(PostRow.author_id == ProfileRow.account_id, PostRow.deleted_at.is_(None)).scalar_subquery())
    for chunk in _chunks(list(account_ids)):
        await uow.session.execute(update(CounterRow).where(CounterRow.network == network,
                                                           CounterRow.account_id.in_(chunk))
                                  .values(followers_count=followers, following_count=following)
                                  .execution_options(synchronize_session=False))
        await uow.session.execute(update(ProfileRow).where(ProfileRow.account_id.in_(chunk))
                                  .values(posts_count=posts).execution_options(synchronize_session=False))


async def index_search(uow: UnitOfWork, world: World, account_ids: list[int], post_ids: list[int],
                       place_ids: dict[int, int]) -> None:
    """The documents discover's indexing consumer would write for these rows (same kinds, titles and
    attributes, see discover/indexing.py), one upsert each instead of its re-read per event; hashtags and
    places only from public posts of public accounts, each once."""
    search = uow.platform.search
    for index, person in enumerate(world.people):
        title = indexing.account_document_title(ProfileRow(username=person.username, full_name=person.full_name))
        await search.index(uow.session, kind=discover_rules.ACCOUNT_KIND, doc_id=str(account_ids[index]),
                           title=title, attributes={"is_private": person.is_private})
    public_tags: set[str] = set()
    public_places: set[int] = set()
    for index, post in enumerate(world.posts):
        await search.index(uow.session, kind=discover_rules.POST_KIND, doc_id=str(post_ids[index]), title="",
                           body=post.caption, attributes={"author_id": account_ids[post.author],
                                                          "visibility": post.visibility})
        if post.visibility == "public" and not world.people[post.author].is_private:
            public_tags.update(rules.hashtags_in(post.caption))
            if post.place is not None:
                public_places.add(post.place)
    for tag in sorted(public_tags):
        await search.index(uow.session, kind=discover_rules.HASHTAG_KIND, doc_id=tag, title=tag)
    for place in sorted(public_places):
        await search.index(uow.session, kind=discover_rules.PLACE_KIND, doc_id=str(place_ids[place]),
                           title=post_rules.check_place(*PLACES[place]))
