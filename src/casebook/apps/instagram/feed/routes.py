"""HTTP API of the home feed and stories under /api/instagram: GET /feed, POST/GET /stories,
GET /users/{username}/stories, POST /stories/{id}/view, GET /stories/{id}/viewers."""

from __future__ import annotations

from litestar import Controller, MediaType, Response, get, post
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from casebook.apps.instagram import audience
from casebook.apps.instagram.feed import service, stories
from casebook.apps.instagram.feed.schemas import (
    AccountStoriesRead,
    FeedPage,
    StoryCreate,
    StoryRead,
    StoryViewerPage,
    StoryViewerRead,
    StoryViewRead,
    TrayItemRead,
    TrayRead,
)
from casebook.apps.instagram.profiles import service as profiles
from casebook.apps.instagram.schemas import parse_id
from casebook.platform.http.dependencies import PlatformDependency
from casebook.platform.http.pagination import clamp_limit
from casebook.platform.http.params import SnowflakeId
from casebook.platform.identity.principal import AuthenticatedAccount


class FeedController(Controller):
    path = "/"

    @get("/feed", media_type=MediaType.JSON)
    async def read_feed(self, platform: PlatformDependency, account: AuthenticatedAccount,
                        mode: str = "chronological", cursor: str | None = None,
                        limit: int | None = None) -> Response[FeedPage]:
        body = await service.read_feed_json(platform, account_id=account.id, mode=mode, cursor=cursor,
                                            limit=service.check_limit(limit))
        return Response(content=body, media_type=MediaType.JSON)  # already JSON: a FeedPage


class StoryController(Controller):
    path = "/"

    @post("/stories", status_code=HTTP_201_CREATED)
    async def publish_story(self, data: StoryCreate, platform: PlatformDependency,
                            account: AuthenticatedAccount) -> StoryRead:
        media_id = parse_id(data.media_id, field="media_id")
        await profiles.ensure_profile(platform, account)
        async with platform.uow() as uow:
            story = await stories.publish_story(uow, author_id=account.id, media_id=media_id,
                                                audience_name=data.audience)
        return StoryRead.from_view(stories.StoryView(story=story, seen=True, media=None), viewer_id=account.id)

    @get("/stories")
    async def read_tray(self, platform: PlatformDependency, account: AuthenticatedAccount) -> TrayRead:
        async with platform.reader() as uow:
            viewer = await audience.load_viewer(uow, account.id)
            entries = await stories.read_tray(uow, viewer=viewer)
        return TrayRead(items=[TrayItemRead.from_entry(entry, viewer_id=account.id) for entry in entries])

    @get("/users/{username:str}/stories")
    async def list_account_stories(self, username: str, platform: PlatformDependency,
                                   account: AuthenticatedAccount) -> AccountStoriesRead:
        async with platform.reader() as uow:
            viewer = await audience.load_viewer(uow, account.id)
            profile, avatar_url, views = await stories.list_account_stories(uow, viewer=viewer, username=username)
        return AccountStoriesRead.from_views(profile, avatar_url, views, viewer_id=account.id, blobs=platform.blobs)

    @post("/stories/{story_id:int}/view", status_code=HTTP_200_OK)
    async def view_story(self, story_id: SnowflakeId, platform: PlatformDependency,
                         account: AuthenticatedAccount) -> StoryViewRead:
        async with platform.uow() as uow:
            viewer = await audience.load_viewer(uow, account.id)
            story = await stories.view_story(uow, viewer=viewer, story_id=story_id)
        return StoryViewRead(id=str(story.id), seen=True)

    @get("/stories/{story_id:int}/viewers")
    async def list_viewers(self, story_id: SnowflakeId, platform: PlatformDependency, account: AuthenticatedAccount,
                           cursor: str | None = None, limit: int | None = None) -> StoryViewerPage:
        async with platform.reader() as uow:
            viewer = await audience.load_viewer(uow, account.id)
            story, entries, next_cursor = await stories.list_viewers(uow, viewer=viewer, story_id=story_id,
                                                                     cursor=cursor, limit=clamp_limit(limit))
        return StoryViewerPage(view_count=story.view_count, items=[StoryViewerRead.from_entry(e) for e in entries],
                               next_cursor=next_cursor)
