"""Requests and answers of the posts API (posts themselves are `views.PostRead`)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import msgspec

from casebook.apps.instagram.posts.views import PostRead
from casebook.apps.instagram.schemas import AccountSummary, Schema
from casebook.engines import media


class MediaRead(Schema):
    id: str
    kind: str
    state: str  # processing | ready | failed
    content_type: str
    size_bytes: int
    width: int
    height: int
    duration_ms: int | None
    urls: dict[str, str]  # empty until ready
    error: str | None
    created_at: datetime

    @classmethod
    def from_asset(cls, asset: media.MediaAsset, urls: dict[str, str]) -> MediaRead:
        return cls(id=str(asset.id), kind=asset.kind, state=asset.state, content_type=asset.content_type,
                   size_bytes=asset.size_bytes, width=asset.width, height=asset.height,
                   duration_ms=asset.duration_ms, urls=urls, error=asset.error, created_at=asset.created_at)


class LocationCreate(Schema):
    name: str
    latitude: float | None = None
    longitude: float | None = None


class UserTagCreate(Schema):
    media_index: int
    username: str
    x: float
    y: float


class PostCreate(Schema):
    media_ids: list[str]
    caption: str = ""
    visibility: str = "public"
    location: LocationCreate | None = None
    user_tags: list[UserTagCreate] = msgspec.field(default_factory=list)


class PostUpdate(Schema):
    caption: str | None = None
    visibility: str | None = None


class PostPage(Schema):
    items: list[PostRead]
    next_cursor: str | None = None


class LikeRead(Schema):
    post_id: str
    viewer_has_liked: bool
    like_count: int


class SaveRead(Schema):
    post_id: str
    viewer_has_saved: bool
    save_count: int


class CommentCreate(Schema):
    body: str
    parent_id: str | None = None


class CommentRead(Schema):
    id: str
    post_id: str
    parent_id: str | None
    author: AccountSummary
    body: str
    reply_count: int
    created_at: datetime
    can_delete: bool  # the viewer wrote it or owns the post


class CommentPage(Schema):
    items: list[CommentRead]
    next_cursor: str | None = None


CommentOrder = Literal["oldest", "newest"]


class InsightsRead(Schema):
    post_id: str
    impressions: int  # times shown, the author's own views excluded
    reach: int  # distinct accounts shown it
    like_count: int
    comment_count: int
    save_count: int
