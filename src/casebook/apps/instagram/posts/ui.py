"""Posts' pages: the new-post form (the browser uploads raw files to the API), the post page with its
carousel, like and save buttons and comments (htmx swaps the parts), and the profile grid fragment."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK

from casebook.apps.instagram import audience, rules
from casebook.apps.instagram.posts import comments, engagement, insights, publishing, reading, uploads, views
from casebook.apps.instagram.posts import rules as post_rules
from casebook.apps.instagram.posts.errors import PostNotFound
from casebook.apps.instagram.profiles import service as profiles
from casebook.apps.instagram.schemas import parse_id
from casebook.platform.errors import CasebookError
from casebook.platform.http.dependencies import PlatformDependency
from casebook.platform.http.params import SnowflakeId
from casebook.platform.identity.principal import AuthenticatedAccount

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
MultipartForm = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]
COMMENTS_SHOWN = 50
REPLIES_SHOWN = 20


class PostPages(Controller):
    path = "/"

    @get("/new")
    async def new_post(self, platform: PlatformDependency, maybe_account: AuthenticatedAccount | None) -> Template:
        context: dict[str, Any] = {"account": maybe_account, "ig_current": "new",
                                   "photo_bytes_max": post_rules.PHOTO_BYTES_MAX,
                                   "video_bytes_max": post_rules.VIDEO_BYTES_MAX}
        if maybe_account is not None:
            context["ig_username"] = (await profiles.ensure_profile(platform, maybe_account)).username
        return Template("instagram/posts/new.html", context=context)

    @post("/new", request_max_body_size=post_rules.UPLOAD_BYTES_MAX)
    async def share_post(self, platform: PlatformDependency, account: AuthenticatedAccount,
                         data: MultipartForm) -> Template | Redirect:
        """The form's own submission when the page runs without its script: files and fields together."""
        own = await profiles.ensure_profile(platform, account)
        files = data.get("files")
        files = [item for item in (files if isinstance(files, list) else [files]) if isinstance(item, UploadFile)]
        location = str(data.get("location") or "").strip()
        try:
            async with platform.uow() as uow:
                assets = [await uploads.accept(uow, owner_id=account.id, data=await item.read())
                          for item in files[:rules.POST_MEDIA_MAX + 1]]
                row = await publishing.publish_post(
                    uow, author_id=account.id, media_ids=[asset.id for asset in assets],
                    caption=str(data.get("caption") or ""), visibility=str(data.get("visibility") or "public"),
                    location=publishing.Location(name=location) if location else None)
        except CasebookError as refusal:
            return Template("instagram/posts/new.html", status_code=refusal.status, context={
                "account": account, "ig_current": "new", "ig_username": own.username, "error": refusal.detail,
                "photo_bytes_max": post_rules.PHOTO_BYTES_MAX, "video_bytes_max": post_rules.VIDEO_BYTES_MAX})
        return Redirect(f"/instagram/p/{row.id}", status_code=303)

    @get("/p/{post_id:int}")
    async def post_page(self, post_id: SnowflakeId, platform: PlatformDependency,
                        maybe_account: AuthenticatedAccount | None) -> Template:
        if maybe_account is None:
            return Template("instagram/posts/post.html", context={"account": None})
        own = await profiles.ensure_profile(platform, maybe_account)
        try:
            context = await _post_context(platform, maybe_account, post_id)
        except PostNotFound:
            return Template("instagram/posts/post.html", status_code=404, context={
                "account": maybe_account, "ig_username": own.username, "post": None})
        await insights.record_views(platform, maybe_account.id, [post_id])
        return Template("instagram/posts/post.html", context={**context, "ig_username": own.username})

    @post("/p/{post_id:int}/like", status_code=HTTP_200_OK)
    async def like(self, post_id: SnowflakeId, platform: PlatformDependency, account: AuthenticatedAccount) -> Template:
        return await _toggled(platform, account, post_id, engagement.like_post)

    @post("/p/{post_id:int}/unlike", status_code=HTTP_200_OK)
    async def unlike(self, post_id: SnowflakeId, platform: PlatformDependency,
                     account: AuthenticatedAccount) -> Template:
        return await _toggled(platform, account, post_id, engagement.unlike_post)

    @post("/p/{post_id:int}/save", status_code=HTTP_200_OK)
    async def save(self, post_id: SnowflakeId, platform: PlatformDependency, account: AuthenticatedAccount) -> Template:
        return await _toggled(platform, account, post_id, engagement.save_post)

    @post("/p/{post_id:int}/unsave", status_code=HTTP_200_OK)
    async def unsave(self, post_id: SnowflakeId, platform: PlatformDependency,
                     account: AuthenticatedAccount) -> Template:
        return await _toggled(platform, account, post_id, engagement.unsave_post)

    @get("/p/{post_id:int}/comments/{comment_id:int}/replies")
    async def replies(self, post_id: SnowflakeId, comment_id: SnowflakeId, platform: PlatformDependency,
                      account: AuthenticatedAccount) -> Template:
        async with platform.reader() as uow:
            viewer = await audience.load_viewer(uow, account.id)
            page = await comments.list_comments(uow, viewer=viewer, post_id=post_id, parent_id=comment_id,
                                                newest_first=False, cursor=None, limit=REPLIES_SHOWN)
        return Template("instagram/posts/_replies.html", context={"replies": page.items, "post_id": post_id})

    @post("/p/{post_id:int}/comments", status_code=HTTP_200_OK)
    async def add_comment(self, request: Request[Any, Any, Any], post_id: SnowflakeId, platform: PlatformDependency,
                          account: AuthenticatedAccount, data: Form) -> Template | Redirect:
        await profiles.ensure_profile(platform, account)
        error = None
        try:
            parent_id = parse_id(data["parent_id"], field="parent_id") if data.get("parent_id") else None
            async with platform.uow() as uow:
                await comments.add_comment(uow, author_id=account.id, post_id=post_id, body=data.get("body", ""),
                                           parent_id=parent_id)
        except PostNotFound:
            raise
        except CasebookError as refusal:
            error = refusal.detail
        if not request.headers.get("hx-request"):
            return Redirect(f"/instagram/p/{post_id}", status_code=303)
        context = await _post_context(platform, account, post_id)
        return Template("instagram/posts/_comments.html", context={**context, "comment_error": error})

    @post("/comments/{comment_id:int}/delete", status_code=HTTP_200_OK)
    async def delete_comment(self, request: Request[Any, Any, Any], comment_id: SnowflakeId,
                             platform: PlatformDependency, account: AuthenticatedAccount, data: Form) -> Template | Redirect:
        post_id = parse_id(data.get("post_id", ""), field="post_id")
        async with platform.uow() as uow:
            await comments.delete_comment(uow, account_id=account.id, comment_id=comment_id)
        if not request.headers.get("hx-request"):
            return Redirect(f"/instagram/p/{post_id}", status_code=303)
        context = await _post_context(platform, account, post_id)
        return Template("instagram/posts/_comments.html", context={**context, "comment_error": None})

    @get("/u/{username:str}/grid")
    async def grid(self, username: str, platform: PlatformDependency, account: AuthenticatedAccount,
                   cursor: str | None = None) -> Template:
        """The profile's posts as a grid fragment (the profile page loads it), with a "more" trigger."""
        async with platform.reader() as uow:
            viewer = await audience.load_viewer(uow, account.id)
            try:
                page = await reading.list_profile_posts(uow, viewer=viewer, username=username, cursor=cursor,
                                                        limit=post_rules.POSTS_PAGE_SIZE_DEFAULT)
            except CasebookError as refusal:
                return Template("instagram/posts/_grid.html", context={
                    "posts": [], "next_cursor": None, "username": username, "notice": refusal.detail})
            posts = await views.hydrate_posts(uow, viewer, page.posts)
        return Template("instagram/posts/_grid.html", context={
            "posts": posts, "next_cursor": page.next_cursor, "username": username, "notice": None,
            "is_first_page": cursor is None})


async def _post_context(platform: Any, account: AuthenticatedAccount, post_id: int) -> dict[str, Any]:
    """The post and its first comments, as the post page shows them (replies load on demand)."""
    async with platform.reader() as uow:
        viewer = await audience.load_viewer(uow, account.id)
        row = await reading.get_visible_post(uow, viewer, post_id)
        [read] = await views.hydrate_posts(uow, viewer, [row])
        page = await comments.list_comments(uow, viewer=viewer, post_id=post_id, parent_id=None, newest_first=False,
                                            cursor=None, limit=COMMENTS_SHOWN)
    return {"account": account, "post": read, "comments": page.items, "more_comments": page.next_cursor is not None}


async def _toggled(platform: Any, account: AuthenticatedAccount, post_id: int, toggle: Any) -> Template:
    """Like, unlike, save or unsave, then answer the post's refreshed action bar."""
    await profiles.ensure_profile(platform, account)
    async with platform.uow() as uow:
        row = await toggle(uow, account_id=account.id, post_id=post_id)
        viewer = await audience.load_viewer(uow, account.id)
        [read] = await views.hydrate_posts(uow, viewer, [row])
    return Template("instagram/posts/_actions.html", context={"post": read, "account": account})
