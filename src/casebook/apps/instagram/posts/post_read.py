"""A post as the API shows it to one reader (the feed, explore, grids, saved and the post page)."""

from __future__ import annotations

from datetime import datetime

from casebook.apps.instagram.schemas import AccountSummary, Schema


class UserTagRead(Schema):
    account: AccountSummary
    x: float
    y: float


class PostMediaRead(Schema):
    id: str
    kind: str  # image | video
    state: str  # processing | ready | failed
    width: int
    height: int
    duration_ms: int | None
    urls: dict[str, str]  # large/medium/small for photos; mp4 and poster-<size> for videos
    user_tags: list[UserTagRead]


class PlaceRead(Schema):
    id: str
    name: str
    latitude: float | None
    longitude: float | None


class PostRead(Schema):
    id: str
    author: AccountSummary
    caption: str
    hashtags: list[str]
    visibility: str
    media: list[PostMediaRead]
    location: PlaceRead | None
    like_count: int
    comment_count: int
    save_count: int
    viewer_has_liked: bool
    viewer_has_saved: bool
    created_at: datetime
    edited_at: datetime | None
