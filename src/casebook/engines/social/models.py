"""Tables of the social engine: follows, follow requests, blocks and per-account counters, per network."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from casebook.engines.social.limits import NETWORK_CHARS_MAX
from casebook.platform.db.types import Base, Snowflake, UTCDateTime


class FollowRow(Base):
    """`follower_id` follows `followee_id` on `network`."""

    __tablename__ = "social_follows"

    network: Mapped[str] = mapped_column(String(NETWORK_CHARS_MAX), primary_key=True)
    follower_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    followee_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        # followers of X newest first; following of X newest first (the primary key serves following_ids)
        Index("ix_social_follows_followee_created", "network", "followee_id", "created_at", "follower_id"),
        Index("ix_social_follows_follower_created", "network", "follower_id", "created_at", "followee_id"),
        # fan-out pages followers by id, so a page boundary never moves while follows arrive
        Index("ix_social_follows_followee_follower", "network", "followee_id", "follower_id"),
    )


class FollowRequestRow(Base):
    """A pending request to follow an account that approves its followers; deleted when answered."""

    __tablename__ = "social_follow_requests"

    id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    network: Mapped[str] = mapped_column(String(NETWORK_CHARS_MAX))
    requester_id: Mapped[int] = mapped_column(Snowflake)
    target_id: Mapped[int] = mapped_column(Snowflake)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        UniqueConstraint("network", "requester_id", "target_id", name="uq_social_follow_requests_pair"),
        Index("ix_social_follow_requests_target", "network", "target_id", "id"),
    )


class BlockRow(Base):
    __tablename__ = "social_blocks"

    network: Mapped[str] = mapped_column(String(NETWORK_CHARS_MAX), primary_key=True)
    blocker_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    blocked_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_social_blocks_blocked", "network", "blocked_id", "blocker_id"),)


class CounterRow(Base):
    """Followers and following of one account, changed in the transaction of each edge change."""

    __tablename__ = "social_counters"

    network: Mapped[str] = mapped_column(String(NETWORK_CHARS_MAX), primary_key=True)
    account_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    followers_count: Mapped[int] = mapped_column(BigInteger)
    following_count: Mapped[int] = mapped_column(BigInteger)

    # Readers find the few accounts over the fan-out threshold from here (predicates.followed_with_followers_over).
    __table_args__ = (Index("ix_social_counters_followers", "network", "followers_count"),)
