"""instagram app: profiles, close friends, places, posts with media, tags, mentions and hashtags, likes,
comments, saves, reports, stories and their views, post views for insights

Revision ID: 0016_instagram
Revises: 0015_messaging
"""

import sqlalchemy as sa
from alembic import op

from casebook.platform.db import types

revision = "0016_instagram"
down_revision = "0015_messaging"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("instagram_close_friends",
    sa.Column("owner_id", types.Snowflake(), autoincrement=False, nullable=False),
    sa.Column("friend_id", types.Snowflake(), autoincrement=False, nullable=False),
    sa.Column("created_at", types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint("owner_id", "friend_id", name=op.f("pk_instagram_close_friends"))
    )
    op.create_table("instagram_comments",
    sa.Column("id", types.Snowflake(), autoincrement=False, nullable=False),
    sa.Column("post_id", types.Snowflake(), nullable=False),
    sa.Column("author_id", types.Snowflake(), nullable=False),
    sa.Column("parent_id", types.Snowflake(), nullable=True),
    sa.Column("body", sa.Text(), nullable=False),
    sa.Column("reply_count", sa.Integer(), nullable=False),
    sa.Column("created_at", types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_instagram_comments"))
    )
    op.create_index("ix_instagram_comments_parent_id_id", "instagram_comments", ["parent_id", "id"], unique=False)
    op.create_index("ix_instagram_comments_post_id_id", "instagram_comments", ["post_id", "id"], unique=False)
    op.create_table("instagram_hashtags",
    sa.Column("tag", sa.String(length=100), nullable=False),
    sa.Column("post_count", sa.Integer(), nullable=False),
    sa.Column("created_at", types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint("tag", name=op.f("pk_instagram_hashtags"))
    )
    op.create_table("instagram_likes",
    sa.Column("post_id", types.Snowflake(), autoincrement=False, nullable=False),
    sa.Column("account_id", types.Snowflake(), autoincrement=False, nullable=False),
    sa.Column("created_at", types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint("post_id", "account_id", name=op.f("pk_instagram_likes"))
    )
    op.create_index("ix_instagram_likes_account_id_post_id", "instagram_likes", ["account_id", "post_id"], unique=False)
    op.create_table("instagram_mentions",
    sa.Column("post_id", types.Snowflake(), autoincrement=False, nullable=False),
    sa.Column("account_id", types.Snowflake(), autoincrement=False, nullable=False),
    sa.PrimaryKeyConstraint("post_id", "account_id", name=op.f("pk_instagram_mentions"))
    )
    op.create_index("ix_instagram_mentions_account_id_post_id", "instagram_mentions", ["account_id", "post_id"], unique=False)
    op.create_table("instagram_places",
    sa.Column("id", types.Snowflake(), autoincrement=False, nullable=False),
    sa.Column("name", sa.String(length=100), nullable=False),
    sa.Column("place_key", sa.String(length=140), nullable=False),
    sa.Column("latitude", sa.Float(), nullable=True),
    sa.Column("longitude", sa.Float(), nullable=True),
    sa.Column("post_count", sa.Integer(), nullable=False),
    sa.Column("created_at", types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_instagram_places")),
    sa.UniqueConstraint("place_key", name=op.f("uq_instagram_places_place_key"))
    )
    op.create_table("instagram_post_hashtags",
    sa.Column("tag", sa.String(length=100), nullable=False),
    sa.Column("post_id", types.Snowflake(), autoincrement=False, nullable=False),
    sa.PrimaryKeyConstraint("tag", "post_id", name=op.f("pk_instagram_post_hashtags"))
    )
    op.create_table("instagram_post_media",
    sa.Column("post_id", types.Snowflake(), autoincrement=False, nullable=False),
    sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
    sa.Column("media_id", types.Snowflake(), nullable=False),
    sa.PrimaryKeyConstraint("post_id", "position", name=op.f("pk_instagram_post_media"))
    )
    op.create_table("instagram_post_views",
    sa.Column("post_id", types.Snowflake(), autoincrement=False, nullable=False),
    sa.Column("viewer_id", types.Snowflake(), autoincrement=False, nullable=False),
    sa.Column("count", sa.Integer(), nullable=False),
    sa.Column("first_seen_at", types.UTCDateTime(), nullable=False),
    sa.Column("last_seen_at", types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint("post_id", "viewer_id", name=op.f("pk_instagram_post_views"))
    )
    op.create_table("instagram_posts",
    sa.Column("id", types.Snowflake(), autoincrement=False, nullable=False),
    sa.Column("author_id", types.Snowflake(), nullable=False),
    sa.Column("caption", sa.Text(), nullable=False),
    sa.Column("visibility", sa.String(length=16), nullable=False),
    sa.Column("place_id", types.Snowflake(), nullable=True),
    sa.Column("media_count", sa.Integer(), nullable=False),
    sa.Column("like_count", sa.Integer(), nullable=False),
    sa.Column("comment_count", sa.Integer(), nullable=False),
    sa.Column("save_count", sa.Integer(), nullable=False),
    sa.Column("created_at", types.UTCDateTime(), nullable=False),
    sa.Column("edited_at", types.UTCDateTime(), nullable=True),
    sa.Column("deleted_at", types.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_instagram_posts"))
    )
    op.create_index("ix_instagram_posts_author_id_id", "instagram_posts", ["author_id", "id"], unique=False)
    op.create_index("ix_instagram_posts_place_id_id", "instagram_posts", ["place_id", "id"], unique=False)
    op.create_table("instagram_profiles",
    sa.Column("account_id", types.Snowflake(), autoincrement=False, nullable=False),
    sa.Column("username", sa.String(length=30), nullable=False),
    sa.Column("full_name", sa.String(length=64), nullable=False),
    sa.Column("bio", sa.String(length=150), nullable=False),
    sa.Column("website", sa.String(length=200), nullable=False),
    sa.Column("avatar_media_id", types.Snowflake(), nullable=True),
    sa.Column("is_private", sa.Boolean(), nullable=False),
    sa.Column("posts_count", sa.Integer(), nullable=False),
    sa.Column("created_at", types.UTCDateTime(), nullable=False),
    sa.Column("updated_at", types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint("account_id", name=op.f("pk_instagram_profiles")),
    sa.UniqueConstraint("username", name=op.f("uq_instagram_profiles_username"))
    )
    op.create_table("instagram_reports",
    sa.Column("id", types.Snowflake(), autoincrement=False, nullable=False),
    sa.Column("reporter_id", types.Snowflake(), nullable=False),
    sa.Column("target_kind", sa.String(length=16), nullable=False),
    sa.Column("target_id", types.Snowflake(), nullable=False),
    sa.Column("reason", sa.String(length=32), nullable=False),
    sa.Column("details", sa.String(length=1000), nullable=False),
    sa.Column("status", sa.String(length=16), nullable=False),
    sa.Column("created_at", types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_instagram_reports"))
    )
    op.create_table("instagram_saves",
    sa.Column("account_id", types.Snowflake(), autoincrement=False, nullable=False),
    sa.Column("post_id", types.Snowflake(), autoincrement=False, nullable=False),
    sa.Column("created_at", types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint("account_id", "post_id", name=op.f("pk_instagram_saves"))
    )
    op.create_index("ix_instagram_saves_account_id_created_at", "instagram_saves", ["account_id", "created_at"], unique=False)
    op.create_table("instagram_stories",
    sa.Column("id", types.Snowflake(), autoincrement=False, nullable=False),
    sa.Column("author_id", types.Snowflake(), nullable=False),
    sa.Column("media_id", types.Snowflake(), nullable=False),
    sa.Column("audience", sa.String(length=16), nullable=False),
    sa.Column("view_count", sa.Integer(), nullable=False),
    sa.Column("created_at", types.UTCDateTime(), nullable=False),
    sa.Column("expires_at", types.UTCDateTime(), nullable=False),
    sa.Column("deleted_at", types.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_instagram_stories"))
    )
    op.create_index("ix_instagram_stories_author_id_expires_at", "instagram_stories", ["author_id", "expires_at"], unique=False)
    op.create_table("instagram_story_views",
    sa.Column("story_id", types.Snowflake(), autoincrement=False, nullable=False),
    sa.Column("viewer_id", types.Snowflake(), autoincrement=False, nullable=False),
    sa.Column("viewed_at", types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint("story_id", "viewer_id", name=op.f("pk_instagram_story_views"))
    )
    op.create_index("ix_instagram_story_views_viewer_id_story_id", "instagram_story_views", ["viewer_id", "story_id"], unique=False)
    op.create_table("instagram_user_tags",
    sa.Column("post_id", types.Snowflake(), autoincrement=False, nullable=False),
    sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
    sa.Column("account_id", types.Snowflake(), autoincrement=False, nullable=False),
    sa.Column("x", sa.Float(), nullable=False),
    sa.Column("y", sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint("post_id", "position", "account_id", name=op.f("pk_instagram_user_tags"))
    )
    op.create_index("ix_instagram_user_tags_account_id_post_id", "instagram_user_tags", ["account_id", "post_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_instagram_user_tags_account_id_post_id", table_name="instagram_user_tags")
    op.drop_table("instagram_user_tags")
    op.drop_index("ix_instagram_story_views_viewer_id_story_id", table_name="instagram_story_views")
    op.drop_table("instagram_story_views")
    op.drop_index("ix_instagram_stories_author_id_expires_at", table_name="instagram_stories")
    op.drop_table("instagram_stories")
    op.drop_index("ix_instagram_saves_account_id_created_at", table_name="instagram_saves")
    op.drop_table("instagram_saves")
    op.drop_table("instagram_reports")
    op.drop_table("instagram_profiles")
    op.drop_index("ix_instagram_posts_place_id_id", table_name="instagram_posts")
    op.drop_index("ix_instagram_posts_author_id_id", table_name="instagram_posts")
    op.drop_table("instagram_posts")
    op.drop_table("instagram_post_views")
    op.drop_table("instagram_post_media")
    op.drop_table("instagram_post_hashtags")
    op.drop_table("instagram_places")
    op.drop_index("ix_instagram_mentions_account_id_post_id", table_name="instagram_mentions")
    op.drop_table("instagram_mentions")
    op.drop_index("ix_instagram_likes_account_id_post_id", table_name="instagram_likes")
    op.drop_table("instagram_likes")
    op.drop_table("instagram_hashtags")
    op.drop_index("ix_instagram_comments_post_id_id", table_name="instagram_comments")
    op.drop_index("ix_instagram_comments_parent_id_id", table_name="instagram_comments")
    op.drop_table("instagram_comments")
    op.drop_table("instagram_close_friends")
