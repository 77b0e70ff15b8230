"""Publishing, editing and deleting posts: the post, its media, tags, mentions, hashtags, place and the
counters they move, written in one transaction with the event that describes them."""

from __future__ import annotations

import dataclasses

from sqlalchemy import delete, select

from casebook.apps.instagram import audience, events, rules
from casebook.apps.instagram.models import MentionRow, PostMediaRow, PostRow, UserTagRow
from casebook.apps.instagram.posts import repository
from casebook.apps.instagram.posts import rules as post_rules
from casebook.apps.instagram.posts.errors import MediaNotUsable, PostNotFound, TagInvalid
from casebook.apps.instagram.profiles import service as profiles
from casebook.engines import media
from casebook.platform.uow import UnitOfWork


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Location:
    name: str
    latitude: float | None = None
    longitude: float | None = None


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class UserTag:
    media_index: int
    username: str
    x: float
    y: float


async def publish_post(uow: UnitOfWork, *, author_id: int, media_ids: list[int], caption: str, visibility: str,
                       location: Location | None = None, user_tags: list[UserTag] = ()) -> PostRow:
    """Check everything, then write: a refused post leaves no row and moves no counter."""
    post_rules.check_media_ids(media_ids)
    hashtags, mentions = rules.check_caption(caption)
    rules.check_visibility(visibility)
    if location is not None:
        place_name = post_rules.check_place(location.name, location.latitude, location.longitude)
    assets = await media.get_assets(uow, ids=media_ids)
    for index, media_id in enumerate(media_ids):
        asset = assets.get(media_id)
        if asset is None or asset.owner_id != author_id or asset.namespace != rules.NETWORK:
            raise MediaNotUsable("No such media of yours: upload it with POST /media first.",
                                 field=f"media_ids[{index}]")
        if asset.state == "failed":
            raise MediaNotUsable("This media could not be processed; upload it again.", field=f"media_ids[{index}]")
    viewer = await audience.load_viewer(uow, author_id)
    tag_ids = await _tagged_ids(uow, viewer, user_tags, media_count=len(media_ids))
    mention_ids = await _mention_ids(uow, viewer, mentions)

    post = PostRow(id=uow.new_id(), author_id=author_id, caption=caption, visibility=visibility, place_id=None,
                   media_count=len(media_ids), like_count=0, comment_count=0, save_count=0, created_at=uow.now(),
                   edited_at=None, deleted_at=None)
    if location is not None:
        post.place_id = await repository.place_for(
            uow, key=post_rules.place_key(place_name, location.latitude, location.longitude), name=place_name,
            latitude=location.latitude, longitude=location.longitude)
    uow.session.add(post)
    uow.session.add_all([PostMediaRow(post_id=post.id, position=position, media_id=media_id)
                         for position, media_id in enumerate(media_ids)])
    uow.session.add_all([UserTagRow(post_id=post.id, position=tag.media_index, account_id=account_id, x=tag.x, y=tag.y)
                         for tag, account_id in zip(user_tags, tag_ids, strict=True)])
    uow.session.add_all([MentionRow(post_id=post.id, account_id=account_id) for account_id in mention_ids])
    await uow.session.flush()
    await repository.add_hashtags(uow, post.id, hashtags)
    if post.place_id is not None:
        await repository.bump_place(uow, post.place_id, +1)
    await repository.bump_posts_count(uow, author_id, +1)
    uow.publish(events.POST_PUBLISHED, {
        "post_id": post.id, "author_id": author_id, "visibility": visibility,
        "created_at": post.created_at.isoformat(), "hashtags": hashtags, "mention_ids": mention_ids,
        "tagged_ids": list(dict.fromkeys(tag_ids)), "place_id": post.place_id})
    return post


async def _tagged_ids(uow: UnitOfWork, viewer: audience.Viewer, user_tags: list[UserTag] | tuple,
                      *, media_count: int) -> list[int]:
    """The account id of each tag; an unknown or blocked person, a bad point or a duplicate is refused."""
    found = await profiles.ids_by_username(uow, [tag.username for tag in user_tags])
    ids: list[int] = []
    per_media: dict[int, set[int]] = {}
    for index, tag in enumerate(user_tags):
        field = f"user_tags[{index}]"
        if not 0 <= tag.media_index < media_count:
            raise TagInvalid("media_index points at no media of this post.", field=f"{field}.media_index")
        post_rules.check_tag_point(tag.x, tag.y, field=field)
        account_id = found.get(rules.normalize_username(tag.username))
        if account_id is None or account_id in viewer.blocked_ids:
            raise TagInvalid(f"@{rules.normalize_username(tag.username)[:40]} cannot be tagged.",
                             field=f"{field}.username")
        tagged = per_media.setdefault(tag.media_index, set())
        if account_id in tagged:
            raise TagInvalid("The same person is tagged twice on one photo.", field=f"{field}.username")
        if len(tagged) >= rules.USER_TAGS_PER_MEDIA_MAX:
            raise TagInvalid(f"At most {rules.USER_TAGS_PER_MEDIA_MAX} people per photo.", field=field)
        tagged.add(account_id)
        ids.append(account_id)
    return ids


async def _mention_ids(uow: UnitOfWork, viewer: audience.Viewer, usernames: list[str]) -> list[int]:
    """Mentioned accounts that exist and are not blocked either way, in caption order (the rest are text)."""
    found = await profiles.ids_by_username(uow, usernames)
    return [found[name] for name in usernames if name in found and found[name] not in viewer.blocked_ids]


async def get_own_post(uow: UnitOfWork, *, author_id: int, post_id: int, for_update: bool = False) -> PostRow:
    """The caller's live post; another's or a deleted one is PostNotFound."""
    statement = select(PostRow).where(PostRow.id == post_id).execution_options(populate_existing=True)
    post = await uow.session.scalar(statement.with_for_update() if for_update else statement)
    if post is None or post.deleted_at is not None or post.author_id != author_id:
        raise PostNotFound("No such post of yours.")
    return post


async def update_post(uow: UnitOfWork, *, author_id: int, post_id: int, caption: str | None = None,
                      visibility: str | None = None) -> PostRow:
    """Edit the caption (hashtags and mentions follow it) and the audience; the author only."""
    hashtags = mentions = None
    if caption is not None:
        hashtags, mentions = rules.check_caption(caption)
    if visibility is not None:
        rules.check_visibility(visibility)
    post = await get_own_post(uow, author_id=author_id, post_id=post_id, for_update=True)
    added_mention_ids: list[int] = []
    if caption is not None and caption != post.caption:
        old_tags = set(rules.hashtags_in(post.caption))
        await repository.remove_hashtags(uow, post.id, old_tags - set(hashtags))
        await repository.add_hashtags(uow, post.id, [tag for tag in hashtags if tag not in old_tags])
        viewer = await audience.load_viewer(uow, author_id)
        mention_ids = await _mention_ids(uow, viewer, mentions)
        old_mentions = set((await uow.session.scalars(select(MentionRow.account_id).where(
            MentionRow.post_id == post.id))).all())
        await uow.session.execute(delete(MentionRow).where(MentionRow.post_id == post.id,
                                                           MentionRow.account_id.not_in(mention_ids)))
        added_mention_ids = [account_id for account_id in mention_ids if account_id not in old_mentions]
        uow.session.add_all([MentionRow(post_id=post.id, account_id=account_id) for account_id in added_mention_ids])
        post.caption = caption
    previous_visibility = post.visibility
    if visibility is not None:
        post.visibility = visibility
    post.edited_at = uow.now()
    await uow.session.flush()
    uow.publish(events.POST_UPDATED, {
        "post_id": post.id, "author_id": author_id, "hashtags": rules.hashtags_in(post.caption),
        "added_mention_ids": added_mention_ids, "visibility": post.visibility,
        "previous_visibility": previous_visibility})
    return post


async def delete_post(uow: UnitOfWork, *, author_id: int, post_id: int) -> None:
    """Mark the post deleted and take it out of every count; its likes, comments and saves stay, unseen."""
    post = await get_own_post(uow, author_id=author_id, post_id=post_id, for_update=True)
    post.deleted_at = uow.now()
    hashtags = rules.hashtags_in(post.caption)
    await repository.remove_hashtags(uow, post.id, hashtags)
    if post.place_id is not None:
        await repository.bump_place(uow, post.place_id, -1)
    await repository.bump_posts_count(uow, author_id, -1)
    await uow.session.flush()
    uow.publish(events.POST_DELETED, {"post_id": post.id, "author_id": author_id, "hashtags": hashtags,
                                      "place_id": post.place_id})
