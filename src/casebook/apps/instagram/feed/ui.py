"""Home and story pages: the stories tray over the feed (infinite scroll by htmx, chronological or ranked), a
form to add a story, and the story viewer of one account, which marks each story seen as it is shown."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Response, Template

from casebook.apps.instagram import audience
from casebook.apps.instagram.feed import service, stories
from casebook.apps.instagram.feed.schemas import AccountStoriesRead, TrayItemRead
from casebook.apps.instagram.posts import rules as post_rules
from casebook.apps.instagram.posts import uploads
from casebook.apps.instagram.profiles import service as profiles
from casebook.platform.errors import CasebookError
from casebook.platform.http.dependencies import PlatformDependency
from casebook.platform.http.params import SnowflakeId
from casebook.platform.identity.principal import AuthenticatedAccount

StoryForm = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]
PAGE_SIZE = 10


class FeedPages(Controller):
    path = "/"

    @get("/")
    async def home(self, request: Request[Any, Any, Any], platform: PlatformDependency,
                   maybe_account: AuthenticatedAccount | None, mode: str = "chronological") -> Template:
        if maybe_account is None:
            return Template("instagram/feed/home.html", context={"account": None, "ig_current": "home"})
        own = await profiles.ensure_profile(platform, maybe_account)
        mode = mode if mode in service.FEED_MODES else "chronological"
        async with platform.reader() as uow:
            viewer = await audience.load_viewer(uow, maybe_account.id)
            tray = await stories.read_tray(uow, viewer=viewer)
        page = await service.read_feed(platform, account_id=maybe_account.id, mode=mode, cursor=None,
                                       limit=PAGE_SIZE)
        return Template("instagram/feed/home.html", context={
            "account": maybe_account, "ig_current": "home", "ig_username": own.username, "mode": mode,
            "tray": [TrayItemRead.from_entry(entry, viewer_id=maybe_account.id) for entry in tray],
            "posts": page.posts, "next_cursor": page.next_cursor, "error": request.query_params.get("error")})

    @get("/feed/page")
    async def feed_page(self, platform: PlatformDependency, account: AuthenticatedAccount,
                        mode: str = "chronological", cursor: str | None = None) -> Template:
        """The next page of the feed as a fragment: its posts and, when there are more, the next trigger."""
        try:
            page = await service.read_feed(platform, account_id=account.id, mode=mode, cursor=cursor,
                                          limit=PAGE_SIZE)
        except CasebookError as refusal:  # an expired ranked snapshot: offer to start again
            return Template("instagram/feed/_page.html", context={
                "posts": [], "next_cursor": None, "mode": mode, "error": refusal.detail})
        return Template("instagram/feed/_page.html", context={
            "posts": page.posts, "next_cursor": page.next_cursor, "mode": mode, "error": None})

    @post("/stories/new", request_max_body_size=post_rules.VIDEO_BYTES_MAX)
    async def add_story(self, platform: PlatformDependency, account: AuthenticatedAccount,
                        data: StoryForm) -> Redirect:
        upload = data.get("media")
        audience_name = str(data.get("audience") or "everyone")
        await profiles.ensure_profile(platform, account)
        try:
            if not isinstance(upload, UploadFile):
                raise stories.StoryMediaInvalid("Choose a photo or video.", field="media")
            content = await upload.read()
            async with platform.uow() as uow:
                asset = await uploads.accept(uow, owner_id=account.id, data=content)
                await stories.publish_story(uow, author_id=account.id, media_id=asset.id,
                                            audience_name=audience_name)
        except CasebookError as refusal:
            return Redirect("/instagram/", query_params={"error": refusal.detail or "The story was refused."},
                            status_code=303)
        return Redirect("/instagram/", status_code=303)

    @get("/stories/{username:str}")
    async def story_viewer(self, username: str, platform: PlatformDependency,
                           maybe_account: AuthenticatedAccount | None) -> Template:
        if maybe_account is None:
            return Template("instagram/feed/stories.html", context={"account": None})
        own = await profiles.ensure_profile(platform, maybe_account)
        try:
            async with platform.reader() as uow:
                viewer = await audience.load_viewer(uow, maybe_account.id)
                profile, avatar_url, views = await stories.list_account_stories(uow, viewer=viewer,
                                                                                username=username)
        except CasebookError as refusal:
            return Template("instagram/feed/stories.html", status_code=refusal.status, context={
                "account": maybe_account, "ig_username": own.username, "reel": None, "message": refusal.detail})
        reel = AccountStoriesRead.from_views(profile, avatar_url, views, viewer_id=maybe_account.id,
                                             blobs=platform.blobs)
        return Template("instagram/feed/stories.html", context={
            "account": maybe_account, "ig_username": own.username, "reel": reel, "message": None,
            "is_own": profile.account_id == maybe_account.id})

    @post("/stories/{story_id:int}/seen", status_code=204)
    async def mark_seen(self, story_id: SnowflakeId, platform: PlatformDependency,
                        account: AuthenticatedAccount) -> Response[None]:
        async with platform.uow() as uow:
            viewer = await audience.load_viewer(uow, account.id)
            await stories.view_story(uow, viewer=viewer, story_id=story_id)
        return Response(None, status_code=204)
