"""Requests and answers of the feed and stories API."""

from __future__ import annotations

from datetime import datetime

from casebook.apps.instagram.feed.stories import StoryView, TrayEntry, ViewerEntry
from casebook.apps.instagram.models import ProfileRow
from casebook.apps.instagram.posts.views import PostRead
from casebook.apps.instagram.schemas import AccountSummary, Schema
from casebook.engines import media
from casebook.platform.blobs import Blobs


class FeedPage(Schema):
    mode: str  # chronological | ranked
    items: list[PostRead]
    next_cursor: str | None = None


class StoryCreate(Schema):
    media_id: str
    audience: str = "everyone"  # everyone | close_friends


class StoryMediaRead(Schema):
    kind: str  # image | video
    state: str  # processing | ready | failed
    width: int
    height: int
    duration_ms: int | None
    urls: dict[str, str]  # large/medium/small for photos; mp4 and poster-<size> for videos


class StoryRead(Schema):
    id: str
    author_id: str
    audience: str
    created_at: datetime
    expires_at: datetime
    seen: bool
    media: StoryMediaRead | None = None  # left out in the tray
    view_count: int | None = None  # the author's own stories only

    @classmethod
    def from_view(cls, view: StoryView, *, viewer_id: int, blobs: Blobs | None = None) -> StoryRead:
        story, asset = view.story, view.media
        media_read = None
        if asset is not None and blobs is not None:
            media_read = StoryMediaRead(kind=asset.kind, state=asset.state, width=asset.width, height=asset.height,
                                        duration_ms=asset.duration_ms, urls=media.rendition_urls(blobs, asset))
        return cls(id=str(story.id), author_id=str(story.author_id), audience=story.audience,
                   created_at=story.created_at, expires_at=story.expires_at, seen=view.seen, media=media_read,
                   view_count=story.view_count if story.author_id == viewer_id else None)


class TrayItemRead(Schema):
    account: AccountSummary
    has_unseen: bool
    stories: list[StoryRead]  # oldest first

    @classmethod
    def from_entry(cls, entry: TrayEntry, *, viewer_id: int) -> TrayItemRead:
        return cls(account=AccountSummary.from_profile(entry.profile, avatar_url=entry.avatar_url),
                   has_unseen=entry.has_unseen,
                   stories=[StoryRead.from_view(view, viewer_id=viewer_id) for view in entry.stories])


class TrayRead(Schema):
    items: list[TrayItemRead]


class AccountStoriesRead(Schema):
    account: AccountSummary
    items: list[StoryRead]

    @classmethod
    def from_views(cls, profile: ProfileRow, avatar_url: str | None, views: list[StoryView], *, viewer_id: int,
                   blobs: Blobs) -> AccountStoriesRead:
        return cls(account=AccountSummary.from_profile(profile, avatar_url=avatar_url),
                   items=[StoryRead.from_view(view, viewer_id=viewer_id, blobs=blobs) for view in views])


class StoryViewerRead(Schema):
    account: AccountSummary
    viewed_at: datetime

    @classmethod
    def from_entry(cls, entry: ViewerEntry) -> StoryViewerRead:
        return cls(account=AccountSummary.from_profile(entry.profile), viewed_at=entry.viewed_at)


class StoryViewerPage(Schema):
    view_count: int
    items: list[StoryViewerRead]
    next_cursor: str | None = None


class StoryViewRead(Schema):
    id: str
    seen: bool
