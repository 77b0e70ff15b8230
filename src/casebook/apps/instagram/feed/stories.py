"""Stories: a photo or video visible to the author's audience for 24 hours, the tray of the accounts one
follows, views counted once per viewer, the author's viewers list, and the purge of expired rows.

Every read filters `expires_at > now` itself (the purge job only reclaims space), and asks `audience`
who may see what: private accounts' stories reach followers only, close-friends stories the list only.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec
from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from casebook.apps.instagram import audience, events, rules
from casebook.apps.instagram.feed import rules as feed_rules
from casebook.apps.instagram.models import ProfileRow, StoryRow, StoryViewRow
from casebook.apps.instagram.profiles import service as profiles
from casebook.engines import media
from casebook.engines.social import predicates
from casebook.platform.errors import Invalid, NotFound
from casebook.platform.http.pagination import Cursors
from casebook.platform.uow import UnitOfWork


class StoryNotFound(NotFound):
    """Also what an expired story, or one the caller may not see, answers."""

    code = "story_not_found"
    title = "Story not found"


class StoryMediaInvalid(Invalid):
    code = "media_invalid"
    title = "Media cannot be posted"


@dataclasses.dataclass(frozen=True, slots=True)
class StoryView:
    """A story as one viewer sees it."""

    story: StoryRow
    seen: bool
    media: media.MediaAsset | None  # None in the tray (it shows who has stories; the media come per account)


@dataclasses.dataclass(frozen=True, slots=True)
class TrayEntry:
    profile: ProfileRow
    avatar_url: str | None
    stories: list[StoryView]  # oldest first

    @property
    def has_unseen(self) -> bool:
        return any(not view.seen for view in self.stories)


@dataclasses.dataclass(frozen=True, slots=True)
class ViewerEntry:
    profile: ProfileRow
    viewed_at: datetime


class _ViewerPosition(msgspec.Struct, frozen=True):
    viewed_at_us: int
    viewer_id: int


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _to_microseconds(moment: datetime) -> int:
    return (moment - _EPOCH) // timedelta(microseconds=1)  # exact: no float on the way


def _from_microseconds(value: int) -> datetime:
    return _EPOCH + timedelta(microseconds=value)


def _insert(uow: UnitOfWork, model: Any) -> Any:
    return (postgresql.insert if uow.session.bind.dialect.name == "postgresql" else sqlite.insert)(model)


def _live(now: datetime) -> Any:
    return and_(StoryRow.expires_at > now, StoryRow.deleted_at.is_(None))


# -- writes --------------------------------------------------------------------------------------

async def publish_story(uow: UnitOfWork, *, author_id: int, media_id: int, audience_name: str) -> StoryRow:
    """A story of the author's own photo or video (uploaded with POST /media), live for STORY_LIFETIME."""
    if audience_name not in feed_rules.STORY_AUDIENCES:
        raise Invalid(f"audience is one of {', '.join(feed_rules.STORY_AUDIENCES)}.", field="audience",
                      code="audience_invalid")
    asset = (await media.get_assets(uow, ids=[media_id])).get(media_id)
    if asset is None or asset.owner_id != author_id or asset.namespace != rules.NETWORK:
        raise StoryMediaInvalid("No such media of yours: upload it with POST /media first.", field="media_id")
    if asset.state == "failed":
        raise StoryMediaInvalid("This media could not be processed; upload it again.", field="media_id")
    now = uow.now()
    story = StoryRow(id=uow.new_id(), author_id=author_id, media_id=media_id, audience=audience_name,
                     view_count=0, created_at=now, expires_at=now + feed_rules.STORY_LIFETIME, deleted_at=None)
    uow.session.add(story)
    await uow.session.flush()
    uow.publish(events.STORY_PUBLISHED, {"story_id": story.id, "author_id": author_id, "audience": audience_name,
                                         "expires_at": story.expires_at.isoformat()})
    return story


async def view_story(uow: UnitOfWork, *, viewer: audience.Viewer, story_id: int) -> StoryRow:
    """Mark the story seen by the viewer; counted once per viewer, never for its author. Idempotent."""
    assert viewer.account_id is not None
    story = await _visible_story(uow, viewer=viewer, story_id=story_id)
    if story.author_id == viewer.account_id:
        return story
    statement = (_insert(uow, StoryViewRow)
                 .values(story_id=story.id, viewer_id=viewer.account_id, viewed_at=uow.now())
                 .on_conflict_do_nothing().returning(StoryViewRow.viewer_id))
    if (await uow.session.execute(statement)).first() is not None:
        await uow.session.execute(update(StoryRow).where(StoryRow.id == story.id)
                                  .values(view_count=StoryRow.view_count + 1)
                                  .execution_options(synchronize_session=False))
        await uow.session.refresh(story, ["view_count"])
    return story


async def _visible_story(uow: UnitOfWork, *, viewer: audience.Viewer, story_id: int) -> StoryRow:
    story = await uow.session.get(StoryRow, story_id)
    if story is None or story.expires_at <= uow.now():
        raise StoryNotFound("No such story.")
    author = await uow.session.get(ProfileRow, story.author_id)
    if author is None or not viewer.can_see_story(story, author_is_private=author.is_private):
        raise StoryNotFound("No such story.")
    return story


async def purge_expired(uow: UnitOfWork, _payload: dict[str, Any]) -> None:
    """Scheduled: delete stories expired more than STORY_RETENTION ago, with their views, a batch per run."""
    cutoff = uow.now() - feed_rules.STORY_RETENTION
    ids = list((await uow.session.scalars(select(StoryRow.id).where(StoryRow.expires_at < cutoff)
                                          .order_by(StoryRow.id).limit(feed_rules.STORY_PURGE_BATCH_MAX))).all())
    if ids:
        await uow.session.execute(delete(StoryViewRow).where(StoryViewRow.story_id.in_(ids)))
        await uow.session.execute(delete(StoryRow).where(StoryRow.id.in_(ids)))


# -- reads ---------------------------------------------------------------------------------------

async def read_tray(uow: UnitOfWork, *, viewer: audience.Viewer) -> list[TrayEntry]:
    """The viewer's own live stories first, then the accounts they follow with stories they may see:
    those with unseen stories first, then by their newest story. Five queries whatever the size."""
    assert viewer.account_id is not None
    viewer_id = viewer.account_id
    followees = predicates.followees(rules.NETWORK, viewer_id)
    rows = list((await uow.session.scalars(
        select(StoryRow).where(or_(StoryRow.author_id.in_(followees), StoryRow.author_id == viewer_id),
                               _live(uow.now()))
        .order_by(StoryRow.created_at.desc(), StoryRow.id.desc()).limit(feed_rules.TRAY_STORIES_MAX))).all())
    stories = await audience.visible_stories(uow, viewer, rows)
    seen = await _seen_ids(uow, viewer_id, [story.id for story in stories])
    by_author: dict[int, list[StoryView]] = {}
    for story in reversed(stories):  # oldest first within an account
        by_author.setdefault(story.author_id, []).append(StoryView(
            story=story, seen=story.author_id == viewer_id or story.id in seen, media=None))
    found = await profiles.profiles_by_id(uow, by_author)
    avatars = await _avatar_urls(uow, found.values())
    entries = [TrayEntry(profile=found[author_id], avatar_url=avatars.get(author_id), stories=views[
        -feed_rules.STORIES_PER_ACCOUNT_MAX:]) for author_id, views in by_author.items() if author_id in found]
    entries.sort(key=lambda entry: (entry.profile.account_id != viewer_id, not entry.has_unseen,
                                    -entry.stories[-1].story.created_at.timestamp(), -entry.profile.account_id))
    return entries[:feed_rules.TRAY_ACCOUNTS_MAX]


async def list_account_stories(uow: UnitOfWork, *, viewer: audience.Viewer,
                               username: str) -> tuple[ProfileRow, str | None, list[StoryView]]:
    """The live stories of one account the viewer may see, oldest first, with their media (none when the
    account is private and not followed; NotFound across a block)."""
    assert viewer.account_id is not None
    profile = await profiles.get_by_username(uow, username, viewer=viewer)
    avatar_url = (await _avatar_urls(uow, [profile])).get(profile.account_id)
    if not viewer.can_see_account(profile.account_id, is_private=profile.is_private):
        return profile, avatar_url, []
    rows = (await uow.session.scalars(
        select(StoryRow).where(StoryRow.author_id == profile.account_id, _live(uow.now()))
        .order_by(StoryRow.created_at, StoryRow.id).limit(feed_rules.STORIES_PER_ACCOUNT_MAX))).all()
    stories = [story for story in rows if viewer.can_see_story(story, author_is_private=profile.is_private)]
    seen = await _seen_ids(uow, viewer.account_id, [story.id for story in stories])
    assets = await media.get_assets(uow, ids=[story.media_id for story in stories])
    return profile, avatar_url, [StoryView(story=story, seen=story.author_id == viewer.account_id or story.id in seen,
                                           media=assets.get(story.media_id)) for story in stories]


async def list_viewers(uow: UnitOfWork, *, viewer: audience.Viewer, story_id: int, cursor: str | None,
                       limit: int) -> tuple[StoryRow, list[ViewerEntry], str | None]:
    """Who viewed the author's story, newest first (the author only; to anyone else it does not exist).
    Kept until the story is purged, like Instagram's 48-hour viewers list."""
    story = await uow.session.get(StoryRow, story_id)
    if story is None or story.author_id != viewer.account_id or story.deleted_at is not None:
        raise StoryNotFound("No such story.")
    cursors = Cursors(uow.platform.settings.secret_key)
    position = cursors.decode(cursor, type=_ViewerPosition)
    statement = select(StoryViewRow).where(StoryViewRow.story_id == story.id)
    if position is not None:
        moment = _from_microseconds(position.viewed_at_us)
        statement = statement.where(or_(StoryViewRow.viewed_at < moment, and_(
            StoryViewRow.viewed_at == moment, StoryViewRow.viewer_id < position.viewer_id)))
    rows = (await uow.session.scalars(statement.order_by(StoryViewRow.viewed_at.desc(),
                                                         StoryViewRow.viewer_id.desc()).limit(limit))).all()
    found = await profiles.profiles_by_id(uow, [row.viewer_id for row in rows])
    entries = [ViewerEntry(profile=found[row.viewer_id], viewed_at=row.viewed_at) for row in rows
               if row.viewer_id in found and row.viewer_id not in viewer.blocked_ids]
    next_cursor = None
    if len(rows) == limit:
        last = rows[-1]
        next_cursor = cursors.encode({"viewed_at_us": _to_microseconds(last.viewed_at), "viewer_id": last.viewer_id})
    return story, entries, next_cursor


async def _seen_ids(uow: UnitOfWork, viewer_id: int, story_ids: list[int]) -> set[int]:
    if not story_ids:
        return set()
    return set((await uow.session.scalars(select(StoryViewRow.story_id).where(
        StoryViewRow.viewer_id == viewer_id, StoryViewRow.story_id.in_(story_ids)))).all())


async def _avatar_urls(uow: UnitOfWork, found: Any) -> dict[int, str]:
    """Small avatar URLs of these profiles, in one query."""
    wanted = {profile.account_id: profile.avatar_media_id for profile in found if profile.avatar_media_id is not None}
    if not wanted:
        return {}
    assets = await media.get_assets(uow, ids=list(wanted.values()))
    urls: dict[int, str] = {}
    for account_id, media_id in wanted.items():
        asset = assets.get(media_id)
        if asset is not None:
            signed = media.rendition_urls(uow.platform.blobs, asset)
            url = signed.get("small") or signed.get("medium")
            if url is not None:
                urls[account_id] = url
    return urls
