"""Request and response shapes of profiles, follows, follow requests, blocks, reports and close friends."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from casebook.apps.instagram.models import ReportRow
from casebook.apps.instagram.profiles import relations
from casebook.apps.instagram.profiles.service import ProfileView
from casebook.apps.instagram.schemas import AccountSummary, Schema


class RelationshipRead(Schema):
    is_following: bool
    is_followed_by: bool
    is_requested: bool
    is_blocking: bool


class ProfileRead(Schema):
    id: str
    username: str
    full_name: str
    bio: str
    website: str
    is_private: bool
    avatar_urls: dict[str, str]
    posts_count: int
    followers_count: int
    following_count: int
    can_see_content: bool  # false: a private account the viewer does not follow
    relationship: RelationshipRead | None  # None on one's own profile

    @classmethod
    def from_view(cls, view: ProfileView) -> ProfileRead:
        profile, relationship = view.profile, view.relationship
        return cls(id=str(profile.account_id), username=profile.username, full_name=profile.full_name,
                   bio=profile.bio, website=profile.website, is_private=profile.is_private,
                   avatar_urls=view.avatar_urls, posts_count=profile.posts_count,
                   followers_count=view.followers_count, following_count=view.following_count,
                   can_see_content=view.can_see_content,
                   relationship=None if relationship is None else RelationshipRead(
                       is_following=relationship.is_following, is_followed_by=relationship.is_followed_by,
                       is_requested=relationship.is_requested, is_blocking=relationship.is_blocking))


class ProfileUpdate(Schema):
    username: str | None = None
    full_name: str | None = None
    bio: str | None = None
    website: str | None = None
    avatar_media_id: str | None = None  # "" removes the avatar
    is_private: bool | None = None


class FollowRead(Schema):
    state: Literal["following", "requested", "not_following"]


class FollowRequestRead(Schema):
    id: str
    requester: AccountSummary
    created_at: datetime

    @classmethod
    def from_view(cls, view: relations.FollowRequestView) -> FollowRequestRead:
        return cls(id=str(view.id), requester=AccountSummary.from_profile(view.requester),
                   created_at=view.created_at)  # type: ignore[arg-type]


class FollowRequestPage(Schema):
    items: list[FollowRequestRead]
    next_cursor: str | None = None


class ReportCreate(Schema):
    target_kind: str  # post | comment | account
    target_id: str
    reason: str
    details: str = ""


class ReportRead(Schema):
    id: str
    target_kind: str
    target_id: str
    reason: str
    status: str
    created_at: datetime

    @classmethod
    def from_row(cls, row: ReportRow) -> ReportRead:
        return cls(id=str(row.id), target_kind=row.target_kind, target_id=str(row.target_id), reason=row.reason,
                   status=row.status, created_at=row.created_at)


class CloseFriendsRead(Schema):
    items: list[AccountSummary]
