"""Who may see what: the one place every read path asks before it shows an account's content.

An account's content is visible to its owner; never across a block (either way); for a public account to
everyone else; for a private one to its followers only. A post narrows that further by its visibility:
`followers` needs a follow even on a public account, `close_friends` a place on the author's list.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence

from sqlalchemy import select

from casebook.apps.instagram import rules
from casebook.apps.instagram.models import CloseFriendRow, PostRow, ProfileRow, StoryRow
from casebook.engines import social
from casebook.platform.uow import UnitOfWork


@dataclasses.dataclass(frozen=True, slots=True)
class Viewer:
    """What a viewer's reads are filtered with, loaded once per request in three bounded queries."""

    account_id: int | None  # None: signed out
    following_ids: frozenset[int]
    blocked_ids: frozenset[int]  # blocked either way
    close_friend_of_ids: frozenset[int]  # authors whose close-friends list has the viewer

    def can_see_account(self, owner_id: int, *, is_private: bool) -> bool:
        if owner_id == self.account_id:
            return True
        if owner_id in self.blocked_ids:
            return False
        return not is_private or owner_id in self.following_ids

    def can_see_post(self, post: PostRow, *, author_is_private: bool) -> bool:
        return post.deleted_at is None and self.can_see_published(post.author_id, post.visibility,
                                                                  author_is_private=author_is_private)

    def can_see_published(self, author_id: int, visibility: str, *, author_is_private: bool) -> bool:
        """A post not deleted, by `author_id`, with that visibility."""
        if not self.can_see_account(author_id, is_private=author_is_private):
            return False
        if author_id == self.account_id or visibility == "public":
            return True
        if visibility == "followers":
            return author_id in self.following_ids
        return author_id in self.close_friend_of_ids  # close_friends

    def can_see_story(self, story: StoryRow, *, author_is_private: bool) -> bool:
        if story.deleted_at is not None or not self.can_see_account(story.author_id, is_private=author_is_private):
            return False
        return story.audience != "close_friends" or story.author_id in (
            self.close_friend_of_ids | {self.account_id})


ANONYMOUS = Viewer(account_id=None, following_ids=frozenset(), blocked_ids=frozenset(),
                   close_friend_of_ids=frozenset())


async def load_viewer(uow: UnitOfWork, viewer_id: int | None) -> Viewer:
    """The viewer's follows, blocks and close-friend memberships (each bounded by the engine's limits)."""
    if viewer_id is None:
        return ANONYMOUS
    following = await social.following_ids(uow, network=rules.NETWORK, account_id=viewer_id)
    blocked = await social.blocked_either_way_ids(uow, network=rules.NETWORK, account_id=viewer_id)
    close_friend_of = (await uow.session.scalars(select(CloseFriendRow.owner_id).where(
        CloseFriendRow.friend_id == viewer_id).limit(rules.CLOSE_FRIENDS_MAX))).all()
    return Viewer(account_id=viewer_id, following_ids=frozenset(following), blocked_ids=frozenset(blocked),
                  close_friend_of_ids=frozenset(close_friend_of))


async def private_account_ids(uow: UnitOfWork, account_ids: Iterable[int]) -> set[int]:
    wanted = set(account_ids)
    if not wanted:
        return set()
    return set((await uow.session.scalars(select(ProfileRow.account_id).where(
        ProfileRow.account_id.in_(wanted), ProfileRow.is_private.is_(True)))).all())


async def visible_posts(uow: UnitOfWork, viewer: Viewer, posts: Sequence[PostRow]) -> list[PostRow]:
    """`posts` in their order, without those the viewer may not see (one query for the authors' privacy)."""
    private = await private_account_ids(uow, {post.author_id for post in posts})
    return [post for post in posts if viewer.can_see_post(post, author_is_private=post.author_id in private)]


async def visible_stories(uow: UnitOfWork, viewer: Viewer, stories: Sequence[StoryRow]) -> list[StoryRow]:
    private = await private_account_ids(uow, {story.author_id for story in stories})
    return [story for story in stories
            if viewer.can_see_story(story, author_is_private=story.author_id in private)]
