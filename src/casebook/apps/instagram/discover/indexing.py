"""The search index of Instagram: a bus consumer keeping accounts, posts, hashtags and places searchable.

Every handler re-reads the rows it indexes, so a stale or reordered event writes today's truth: a post
deleted since its POST_PUBLISHED is removed, not indexed again. Posts are indexed whatever their audience
(search filters each hit through `audience` for the searcher); hashtags and places are indexed only once
they appear on a post everyone may see, so a private account's "#ourwedding" or "Our house" never shows up
in anyone's type-ahead.
"""

from __future__ import annotations

from sqlalchemy import select

from casebook.apps.instagram import events
from casebook.apps.instagram.discover import limits, rules
from casebook.apps.instagram.models import PlaceRow, PostHashtagRow, PostRow, ProfileRow
from casebook.platform.bus import Consumer, Event
from casebook.platform.uow import UnitOfWork


def account_document_title(profile: ProfileRow) -> str:
    return f"{profile.username} {profile.full_name}".strip()


async def index_account(uow: UnitOfWork, account_id: int) -> None:
    profile = await uow.session.get(ProfileRow, account_id)
    search = uow.platform.search
    if profile is None:
        await search.remove(uow.session, kind=rules.ACCOUNT_KIND, doc_id=str(account_id))
        return
    await search.index(uow.session, kind=rules.ACCOUNT_KIND, doc_id=str(account_id),
                       title=account_document_title(profile), attributes={"is_private": profile.is_private})


async def index_post(uow: UnitOfWork, post_id: int) -> None:
    """Index the post as it is now (or remove it if gone), and its hashtags and place if everyone may see it."""
    search = uow.platform.search
    found = (await uow.session.execute(
        select(PostRow, ProfileRow.is_private).join(ProfileRow, ProfileRow.account_id == PostRow.author_id)
        .where(PostRow.id == post_id))).first()
    if found is None or found[0].deleted_at is not None:
        await search.remove(uow.session, kind=rules.POST_KIND, doc_id=str(post_id))
        return
    post, author_is_private = found
    await search.index(uow.session, kind=rules.POST_KIND, doc_id=str(post.id), title="", body=post.caption,
                       attributes={"author_id": post.author_id, "visibility": post.visibility})
    if author_is_private or post.visibility != "public":
        return
    hashtags = (await uow.session.scalars(select(PostHashtagRow.tag).where(PostHashtagRow.post_id == post.id))).all()
    for tag in hashtags:
        await search.index(uow.session, kind=rules.HASHTAG_KIND, doc_id=tag, title=tag)
    if post.place_id is not None:
        place = await uow.session.get(PlaceRow, post.place_id)
        if place is not None:
            await search.index(uow.session, kind=rules.PLACE_KIND, doc_id=str(place.id), title=place.name)


async def on_profile_changed(uow: UnitOfWork, event: Event) -> None:
    account_id = int(event.payload["account_id"])
    await index_account(uow, account_id)
    if event.payload.get("was_private") and not event.payload.get("is_private"):
        await index_opened_posts(uow, account_id)


async def index_opened_posts(uow: UnitOfWork, account_id: int) -> None:
    """An account turned public: the hashtags and places of its newest public posts become searchable
    (bounded; older ones come back as they are used again)."""
    profile = await uow.session.get(ProfileRow, account_id)
    if profile is None or profile.is_private:  # turned private again since the event
        return
    post_ids = (await uow.session.scalars(select(PostRow.id).where(
        PostRow.author_id == account_id, PostRow.deleted_at.is_(None), PostRow.visibility == "public")
        .order_by(PostRow.id.desc()).limit(limits.REINDEX_OPENED_POSTS_MAX))).all()
    if not post_ids:
        return
    search = uow.platform.search
    for tag in sorted(set((await uow.session.scalars(select(PostHashtagRow.tag).where(
            PostHashtagRow.post_id.in_(post_ids)))).all())):
        await search.index(uow.session, kind=rules.HASHTAG_KIND, doc_id=tag, title=tag)
    for place in (await uow.session.scalars(select(PlaceRow).where(PlaceRow.id.in_(
            select(PostRow.place_id).where(PostRow.id.in_(post_ids), PostRow.place_id.is_not(None)))))).all():
        await search.index(uow.session, kind=rules.PLACE_KIND, doc_id=str(place.id), title=place.name)


async def on_post_changed(uow: UnitOfWork, event: Event) -> None:
    await index_post(uow, int(event.payload["post_id"]))


async def on_post_deleted(uow: UnitOfWork, event: Event) -> None:
    await uow.platform.search.remove(uow.session, kind=rules.POST_KIND, doc_id=str(event.payload["post_id"]))


async def handle(uow: UnitOfWork, event: Event) -> None:
    if event.subject in (events.PROFILE_CREATED, events.PROFILE_UPDATED):
        await on_profile_changed(uow, event)
    elif event.subject in (events.POST_PUBLISHED, events.POST_UPDATED):
        await on_post_changed(uow, event)
    elif event.subject == events.POST_DELETED:
        await on_post_deleted(uow, event)


consumer = Consumer(name="instagram.search", handler=handle, subjects=(
    events.PROFILE_CREATED, events.PROFILE_UPDATED, events.POST_PUBLISHED, events.POST_UPDATED,
    events.POST_DELETED))
