"""HTTP API of posts under /api/instagram: media uploads, posts, profile grids, likes, comments, saves and
insights. Each handler parses, calls one service function in one unit of work, and shapes the answer."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, delete, get, patch, post
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from casebook.apps.instagram import audience
from casebook.apps.instagram.posts import comments, engagement, insights, publishing, reading, uploads, views
from casebook.apps.instagram.posts import rules as post_rules
from casebook.apps.instagram.posts.schemas import (
    CommentCreate,
    CommentOrder,
    CommentPage,
    CommentRead,
    InsightsRead,
    LikeRead,
    MediaRead,
    PostCreate,
    PostPage,
    PostUpdate,
    SaveRead,
)
from casebook.apps.instagram.posts.views import PostRead
from casebook.apps.instagram.profiles import service as profiles
from casebook.apps.instagram.schemas import AccountPage, AccountSummary, parse_id
from casebook.engines import media
from casebook.platform.http.dependencies import PlatformDependency
from casebook.platform.http.pagination import clamp_limit
from casebook.platform.http.params import SnowflakeId
from casebook.platform.identity.principal import AuthenticatedAccount


class MediaController(Controller):
    path = "/media"

    # Litestar's own bound sits at the largest kind's; `uploads` narrows it once the first bytes are sniffed.
    @post("/", status_code=HTTP_201_CREATED, request_max_body_size=post_rules.UPLOAD_BYTES_MAX)
    async def upload_media(self, request: Request[Any, Any, Any], platform: PlatformDependency,
                           account: AuthenticatedAccount) -> MediaRead:
        """The raw photo or video as the body (any Content-Type: the bytes are sniffed)."""
        await profiles.ensure_profile(platform, account)
        data = await uploads.read_body(request.stream(), declared_length=_content_length(request))
        async with platform.uow() as uow:
            asset = await uploads.accept(uow, owner_id=account.id, data=data)
        return MediaRead.from_asset(asset, {})

    @get("/{media_id:int}")
    async def read_media(self, media_id: SnowflakeId, platform: PlatformDependency,
                         account: AuthenticatedAccount) -> MediaRead:
        async with platform.reader() as uow:
            asset = await media.get_asset(uow, asset_id=media_id, owner_id=account.id)
        return MediaRead.from_asset(asset, media.rendition_urls(platform.blobs, asset))


class PostController(Controller):
    path = "/"

    @post("/posts", status_code=HTTP_201_CREATED)
    async def publish_post(self, data: PostCreate, platform: PlatformDependency,
                           account: AuthenticatedAccount) -> PostRead:
        await profiles.ensure_profile(platform, account)
        media_ids = [parse_id(value, field=f"media_ids[{index}]") for index, value in enumerate(data.media_ids)]
        location = None if data.location is None else publishing.Location(
            name=data.location.name, latitude=data.location.latitude, longitude=data.location.longitude)
        tags = [publishing.UserTag(media_index=tag.media_index, username=tag.username, x=tag.x, y=tag.y)
                for tag in data.user_tags]
        async with platform.uow() as uow:
            row = await publishing.publish_post(uow, author_id=account.id, media_ids=media_ids, caption=data.caption,
                                                visibility=data.visibility, location=location, user_tags=tags)
            viewer = await audience.load_viewer(uow, account.id)
            [read] = await views.hydrate_posts(uow, viewer, [row])
        return read

    @get("/posts/{post_id:int}")
    async def read_post(self, post_id: SnowflakeId, platform: PlatformDependency,
                        account: AuthenticatedAccount) -> PostRead:
        async with platform.reader() as uow:
            viewer = await audience.load_viewer(uow, account.id)
            row = await reading.get_visible_post(uow, viewer, post_id)
            [read] = await views.hydrate_posts(uow, viewer, [row])
        await insights.record_views(platform, account.id, [row.id])
        return read

    @patch("/posts/{post_id:int}")
    async def update_post(self, post_id: SnowflakeId, data: PostUpdate, platform: PlatformDependency,
                          account: AuthenticatedAccount) -> PostRead:
        async with platform.uow() as uow:
            row = await publishing.update_post(uow, author_id=account.id, post_id=post_id, caption=data.caption,
                                               visibility=data.visibility)
            viewer = await audience.load_viewer(uow, account.id)
            [read] = await views.hydrate_posts(uow, viewer, [row])
        return read

    @delete("/posts/{post_id:int}", status_code=HTTP_200_OK)
    async def delete_post(self, post_id: SnowflakeId, platform: PlatformDependency,
                          account: AuthenticatedAccount) -> None:
        async with platform.uow() as uow:
            await publishing.delete_post(uow, author_id=account.id, post_id=post_id)

    @get("/users/{username:str}/posts")
    async def list_user_posts(self, username: str, platform: PlatformDependency, account: AuthenticatedAccount,
                              cursor: str | None = None, limit: int | None = None) -> PostPage:
        async with platform.reader() as uow:
            viewer = await audience.load_viewer(uow, account.id)
            page = await reading.list_profile_posts(uow, viewer=viewer, username=username, cursor=cursor,
                                                    limit=clamp_limit(limit))
            items = await views.hydrate_posts(uow, viewer, page.posts)
        return PostPage(items=items, next_cursor=page.next_cursor)


class EngagementController(Controller):
    path = "/"

    @post("/posts/{post_id:int}/like", status_code=HTTP_200_OK)
    async def like(self, post_id: SnowflakeId, platform: PlatformDependency, account: AuthenticatedAccount) -> LikeRead:
        await profiles.ensure_profile(platform, account)
        async with platform.uow() as uow:
            row = await engagement.like_post(uow, account_id=account.id, post_id=post_id)
        return LikeRead(post_id=str(row.id), viewer_has_liked=True, like_count=row.like_count)

    @delete("/posts/{post_id:int}/like", status_code=HTTP_200_OK)
    async def unlike(self, post_id: SnowflakeId, platform: PlatformDependency,
                     account: AuthenticatedAccount) -> LikeRead:
        async with platform.uow() as uow:
            row = await engagement.unlike_post(uow, account_id=account.id, post_id=post_id)
        return LikeRead(post_id=str(row.id), viewer_has_liked=False, like_count=row.like_count)

    @get("/posts/{post_id:int}/likes")
    async def list_likers(self, post_id: SnowflakeId, platform: PlatformDependency, account: AuthenticatedAccount,
                          cursor: str | None = None, limit: int | None = None) -> AccountPage:
        async with platform.reader() as uow:
            viewer = await audience.load_viewer(uow, account.id)
            page = await engagement.list_likers(uow, viewer=viewer, post_id=post_id, cursor=cursor,
                                                limit=clamp_limit(limit))
        return AccountPage(items=[AccountSummary.from_profile(p) for p in page.profiles],
                           next_cursor=page.next_cursor)

    @post("/posts/{post_id:int}/save", status_code=HTTP_200_OK)
    async def save(self, post_id: SnowflakeId, platform: PlatformDependency, account: AuthenticatedAccount) -> SaveRead:
        await profiles.ensure_profile(platform, account)
        async with platform.uow() as uow:
            row = await engagement.save_post(uow, account_id=account.id, post_id=post_id)
        return SaveRead(post_id=str(row.id), viewer_has_saved=True, save_count=row.save_count)

    @delete("/posts/{post_id:int}/save", status_code=HTTP_200_OK)
    async def unsave(self, post_id: SnowflakeId, platform: PlatformDependency,
                     account: AuthenticatedAccount) -> SaveRead:
        async with platform.uow() as uow:
            row = await engagement.unsave_post(uow, account_id=account.id, post_id=post_id)
        return SaveRead(post_id=str(row.id), viewer_has_saved=False, save_count=row.save_count)

    @get("/saved")
    async def list_saved(self, platform: PlatformDependency, account: AuthenticatedAccount,
                         cursor: str | None = None, limit: int | None = None) -> PostPage:
        async with platform.reader() as uow:
            page = await engagement.list_saved(uow, account_id=account.id, cursor=cursor, limit=clamp_limit(limit))
            viewer = await audience.load_viewer(uow, account.id)
            items = await views.hydrate_posts(uow, viewer, page.posts)
        return PostPage(items=items, next_cursor=page.next_cursor)

    @get("/insights/posts/{post_id:int}")
    async def read_insights(self, post_id: SnowflakeId, platform: PlatformDependency,
                            account: AuthenticatedAccount) -> InsightsRead:
        async with platform.reader() as uow:
            found = await insights.post_insights(uow, author_id=account.id, post_id=post_id)
        post = found.post
        return InsightsRead(post_id=str(post.id), impressions=found.impressions, reach=found.reach,
                            like_count=post.like_count, comment_count=post.comment_count, save_count=post.save_count)


class CommentController(Controller):
    path = "/"

    @get("/posts/{post_id:int}/comments")
    async def list_comments(self, post_id: SnowflakeId, platform: PlatformDependency, account: AuthenticatedAccount,
                            parent_id: SnowflakeId | None = None, order: CommentOrder = "oldest",
                            cursor: str | None = None, limit: int | None = None) -> CommentPage:
        async with platform.reader() as uow:
            viewer = await audience.load_viewer(uow, account.id)
            page = await comments.list_comments(uow, viewer=viewer, post_id=post_id, parent_id=parent_id,
                                                newest_first=order == "newest", cursor=cursor,
                                                limit=clamp_limit(limit))
        return CommentPage(items=[_comment_read(item) for item in page.items], next_cursor=page.next_cursor)

    @post("/posts/{post_id:int}/comments", status_code=HTTP_201_CREATED)
    async def add_comment(self, post_id: SnowflakeId, data: CommentCreate, platform: PlatformDependency,
                          account: AuthenticatedAccount) -> CommentRead:
        profile = await profiles.ensure_profile(platform, account)
        parent_id = None if data.parent_id is None else parse_id(data.parent_id, field="parent_id")
        async with platform.uow() as uow:
            row = await comments.add_comment(uow, author_id=account.id, post_id=post_id, body=data.body,
                                             parent_id=parent_id)
        return _comment_read(comments.CommentView(comment=row, author=profile, can_delete=True))

    @delete("/comments/{comment_id:int}", status_code=HTTP_200_OK)
    async def delete_comment(self, comment_id: SnowflakeId, platform: PlatformDependency,
                             account: AuthenticatedAccount) -> None:
        async with platform.uow() as uow:
            await comments.delete_comment(uow, account_id=account.id, comment_id=comment_id)


def _comment_read(view: comments.CommentView) -> CommentRead:
    row = view.comment
    return CommentRead(id=str(row.id), post_id=str(row.post_id),
                       parent_id=None if row.parent_id is None else str(row.parent_id),
                       author=AccountSummary.from_profile(view.author), body=row.body, reply_count=row.reply_count,
                       created_at=row.created_at, can_delete=view.can_delete)


def _content_length(request: Request[Any, Any, Any]) -> int | None:
    value = request.headers.get("content-length")
    return int(value) if value is not None and value.isascii() and value.isdigit() else None
