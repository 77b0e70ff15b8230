"""Tables of the Instagram app: profiles, close friends, posts with their media, tags, hashtags, places,
likes, comments, saves, reports, stories with their views, and per-post insights.

Follows, follow requests and blocks live in the social engine (network "instagram"); media assets in the
media engine; notifications and conversations in their engines. Counters kept here (posts, likes,
comments, saves, views) change in the same transaction as the rows they count.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from casebook.platform.db.types import Base, Snowflake, UTCDateTime


class ProfileRow(Base):
    """One per identity account that has opened Instagram."""

    __tablename__ = "instagram_profiles"

    account_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    username: Mapped[str] = mapped_column(String(30), unique=True)  # lower case, Instagram's 30-char cap
    full_name: Mapped[str] = mapped_column(String(64))
    bio: Mapped[str] = mapped_column(String(150))  # Instagram's bio cap
    website: Mapped[str] = mapped_column(String(200))
    avatar_media_id: Mapped[int | None] = mapped_column(Snowflake)
    is_private: Mapped[bool] = mapped_column(Boolean)
    posts_count: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CloseFriendRow(Base):
    """The author's close-friends list: the audience of close-friends posts and stories."""

    __tablename__ = "instagram_close_friends"

    owner_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    friend_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PlaceRow(Base):
    """A named location posts are tagged with; found again by its normalized name and rounded coordinates."""

    __tablename__ = "instagram_places"

    id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(100))
    place_key: Mapped[str] = mapped_column(String(140), unique=True)  # normalized name + coordinates at ~100 m
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    post_count: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PostRow(Base):
    """A post: 1-10 media items, a caption, an audience. Deleting sets `deleted_at`; every read path skips it."""

    __tablename__ = "instagram_posts"
    __table_args__ = (
        Index("ix_instagram_posts_author_id_id", "author_id", "id"),
        Index("ix_instagram_posts_place_id_id", "place_id", "id"),
    )

    id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    author_id: Mapped[int] = mapped_column(Snowflake)
    caption: Mapped[str] = mapped_column(Text)
    visibility: Mapped[str] = mapped_column(String(16))  # public | followers | close_friends
    place_id: Mapped[int | None] = mapped_column(Snowflake)
    media_count: Mapped[int] = mapped_column(Integer)
    like_count: Mapped[int] = mapped_column(Integer)
    comment_count: Mapped[int] = mapped_column(Integer)
    save_count: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PostMediaRow(Base):
    """The media items of a post in carousel order."""

    __tablename__ = "instagram_post_media"

    post_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    media_id: Mapped[int] = mapped_column(Snowflake)


class UserTagRow(Base):
    """A person tagged on one media item of a post, at a point (0..1 of width and height)."""

    __tablename__ = "instagram_user_tags"
    __table_args__ = (Index("ix_instagram_user_tags_account_id_post_id", "account_id", "post_id"),)

    post_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    account_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    x: Mapped[float] = mapped_column(Float)
    y: Mapped[float] = mapped_column(Float)


class MentionRow(Base):
    """An @mention in a post's caption."""

    __tablename__ = "instagram_mentions"
    __table_args__ = (Index("ix_instagram_mentions_account_id_post_id", "account_id", "post_id"),)

    post_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    account_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)


class HashtagRow(Base):
    __tablename__ = "instagram_hashtags"

    tag: Mapped[str] = mapped_column(String(100), primary_key=True)  # lower case, without '#'
    post_count: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PostHashtagRow(Base):
    """A hashtag of a post; the primary key (tag, post_id) serves the hashtag page newest first."""

    __tablename__ = "instagram_post_hashtags"

    tag: Mapped[str] = mapped_column(String(100), primary_key=True)
    post_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)


class LikeRow(Base):
    __tablename__ = "instagram_likes"
    __table_args__ = (Index("ix_instagram_likes_account_id_post_id", "account_id", "post_id"),)

    post_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    account_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CommentRow(Base):
    """A comment, or a reply to one (one level: a reply's parent is never itself a reply)."""

    __tablename__ = "instagram_comments"
    __table_args__ = (
        Index("ix_instagram_comments_post_id_id", "post_id", "id"),
        Index("ix_instagram_comments_parent_id_id", "parent_id", "id"),
    )

    id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    post_id: Mapped[int] = mapped_column(Snowflake)
    author_id: Mapped[int] = mapped_column(Snowflake)
    parent_id: Mapped[int | None] = mapped_column(Snowflake)
    body: Mapped[str] = mapped_column(Text)
    reply_count: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SaveRow(Base):
    """A bookmark: the saver's list is newest first."""

    __tablename__ = "instagram_saves"
    __table_args__ = (Index("ix_instagram_saves_account_id_created_at", "account_id", "created_at"),)

    account_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    post_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ReportRow(Base):
    """A report of a post, comment or account, kept for moderation."""

    __tablename__ = "instagram_reports"

    id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    reporter_id: Mapped[int] = mapped_column(Snowflake)
    target_kind: Mapped[str] = mapped_column(String(16))  # post | comment | account
    target_id: Mapped[int] = mapped_column(Snowflake)
    reason: Mapped[str] = mapped_column(String(32))
    details: Mapped[str] = mapped_column(String(1000))
    status: Mapped[str] = mapped_column(String(16))  # open | reviewed
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class StoryRow(Base):
    """A story: one photo or video, visible to the author's audience until `expires_at` (24 h)."""

    __tablename__ = "instagram_stories"
    __table_args__ = (Index("ix_instagram_stories_author_id_expires_at", "author_id", "expires_at"),)

    id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    author_id: Mapped[int] = mapped_column(Snowflake)
    media_id: Mapped[int] = mapped_column(Snowflake)
    audience: Mapped[str] = mapped_column(String(16))  # everyone (the author's audience) | close_friends
    view_count: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class StoryViewRow(Base):
    __tablename__ = "instagram_story_views"
    __table_args__ = (Index("ix_instagram_story_views_viewer_id_story_id", "viewer_id", "story_id"),)

    story_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    viewer_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    viewed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PostViewRow(Base):
    """Who has been shown a post and how often: reach is the row count, impressions the sum of `count`."""

    __tablename__ = "instagram_post_views"

    post_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    viewer_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    count: Mapped[int] = mapped_column(Integer)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
