"""HTTP API of profiles and relations under /api/instagram: profile, users, follows, follow requests, blocks,
reports and close friends."""

from __future__ import annotations

from litestar import Controller, delete, get, patch, post, put
from litestar.status_codes import HTTP_200_OK

from casebook.apps.instagram import audience
from casebook.apps.instagram.profiles import relations
from casebook.apps.instagram.profiles import service as profiles
from casebook.apps.instagram.profiles.schemas import (
    CloseFriendsRead,
    FollowRead,
    FollowRequestPage,
    FollowRequestRead,
    ProfileRead,
    ProfileUpdate,
    ReportCreate,
    ReportRead,
)
from casebook.apps.instagram.schemas import AccountPage, AccountSummary, parse_id
from casebook.platform.http.dependencies import PlatformDependency
from casebook.platform.http.pagination import clamp_limit
from casebook.platform.http.params import SnowflakeId
from casebook.platform.identity.principal import AuthenticatedAccount


class ProfileController(Controller):
    path = "/"

    @get("/profile")
    async def read_own_profile(self, platform: PlatformDependency, account: AuthenticatedAccount) -> ProfileRead:
        profile = await profiles.ensure_profile(platform, account)
        async with platform.reader() as uow:
            viewer = await audience.load_viewer(uow, account.id)
            return ProfileRead.from_view(await profiles.view_of(uow, viewer=viewer, profile=profile))

    @patch("/profile")
    async def update_own_profile(self, data: ProfileUpdate, platform: PlatformDependency,
                                 account: AuthenticatedAccount) -> ProfileRead:
        await profiles.ensure_profile(platform, account)
        remove_avatar = data.avatar_media_id == ""
        changes = profiles.ProfileChanges(
            username=data.username, full_name=data.full_name, bio=data.bio, website=data.website,
            avatar_media_id=None if remove_avatar or data.avatar_media_id is None
            else parse_id(data.avatar_media_id, field="avatar_media_id"),
            remove_avatar=remove_avatar, is_private=data.is_private)
        async with platform.uow() as uow:
            profile = await profiles.update_profile(uow, account_id=account.id, changes=changes)
            viewer = await audience.load_viewer(uow, account.id)
            return ProfileRead.from_view(await profiles.view_of(uow, viewer=viewer, profile=profile))

    @get("/users/{username:str}")
    async def read_user(self, username: str, platform: PlatformDependency,
                        account: AuthenticatedAccount) -> ProfileRead:
        async with platform.reader() as uow:
            viewer = await audience.load_viewer(uow, account.id)
            return ProfileRead.from_view(await profiles.view_profile(uow, viewer=viewer, username=username))


class RelationController(Controller):
    path = "/"

    @post("/users/{username:str}/follow", status_code=HTTP_200_OK)
    async def follow(self, username: str, platform: PlatformDependency, account: AuthenticatedAccount) -> FollowRead:
        await profiles.ensure_profile(platform, account)
        async with platform.uow() as uow:
            state = await relations.follow(uow, follower_id=account.id, username=username)
        return FollowRead(state=state)  # type: ignore[arg-type]

    @delete("/users/{username:str}/follow", status_code=HTTP_200_OK)
    async def unfollow(self, username: str, platform: PlatformDependency,
                       account: AuthenticatedAccount) -> FollowRead:
        async with platform.uow() as uow:
            await relations.unfollow(uow, follower_id=account.id, username=username)
        return FollowRead(state="not_following")

    @get("/users/{username:str}/followers")
    async def list_followers(self, username: str, platform: PlatformDependency, account: AuthenticatedAccount,
                             cursor: str | None = None, limit: int | None = None) -> AccountPage:
        async with platform.reader() as uow:
            page = await relations.list_followers(uow, viewer_id=account.id, username=username, cursor=cursor,
                                                  limit=clamp_limit(limit))
        return AccountPage(items=[AccountSummary.from_profile(p) for p in page.profiles],
                           next_cursor=page.next_cursor)

    @get("/users/{username:str}/following")
    async def list_following(self, username: str, platform: PlatformDependency, account: AuthenticatedAccount,
                             cursor: str | None = None, limit: int | None = None) -> AccountPage:
        async with platform.reader() as uow:
            page = await relations.list_following(uow, viewer_id=account.id, username=username, cursor=cursor,
                                                  limit=clamp_limit(limit))
        return AccountPage(items=[AccountSummary.from_profile(p) for p in page.profiles],
                           next_cursor=page.next_cursor)

    @get("/follow-requests")
    async def list_follow_requests(self, platform: PlatformDependency, account: AuthenticatedAccount,
                                   cursor: str | None = None, limit: int | None = None) -> FollowRequestPage:
        async with platform.reader() as uow:
            views, next_cursor = await relations.list_follow_requests(uow, account_id=account.id, cursor=cursor,
                                                                      limit=clamp_limit(limit))
        return FollowRequestPage(items=[FollowRequestRead.from_view(v) for v in views], next_cursor=next_cursor)

    @post("/follow-requests/{request_id:int}/approve", status_code=HTTP_200_OK)
    async def approve_follow_request(self, request_id: SnowflakeId, platform: PlatformDependency,
                                     account: AuthenticatedAccount) -> FollowRead:
        async with platform.uow() as uow:
            await relations.approve_follow_request(uow, account_id=account.id, request_id=request_id)
        return FollowRead(state="following")

    @post("/follow-requests/{request_id:int}/deny", status_code=HTTP_200_OK)
    async def deny_follow_request(self, request_id: SnowflakeId, platform: PlatformDependency,
                                  account: AuthenticatedAccount) -> FollowRead:
        async with platform.uow() as uow:
            await relations.deny_follow_request(uow, account_id=account.id, request_id=request_id)
        return FollowRead(state="not_following")

    @post("/users/{username:str}/block", status_code=HTTP_200_OK)
    async def block(self, username: str, platform: PlatformDependency, account: AuthenticatedAccount) -> None:
        await profiles.ensure_profile(platform, account)
        async with platform.uow() as uow:
            await relations.block(uow, blocker_id=account.id, username=username)

    @delete("/users/{username:str}/block", status_code=HTTP_200_OK)
    async def unblock(self, username: str, platform: PlatformDependency, account: AuthenticatedAccount) -> None:
        async with platform.uow() as uow:
            await relations.unblock(uow, blocker_id=account.id, username=username)

    @post("/reports")
    async def report(self, data: ReportCreate, platform: PlatformDependency,
                     account: AuthenticatedAccount) -> ReportRead:
        target_id = parse_id(data.target_id, field="target_id")
        async with platform.uow() as uow:
            row = await relations.report(uow, reporter_id=account.id, target_kind=data.target_kind,
                                         target_id=target_id, reason=data.reason, details=data.details)
            return ReportRead.from_row(row)

    @get("/close-friends")
    async def list_close_friends(self, platform: PlatformDependency,
                                 account: AuthenticatedAccount) -> CloseFriendsRead:
        async with platform.reader() as uow:
            friends = await relations.list_close_friends(uow, owner_id=account.id)
        return CloseFriendsRead(items=[AccountSummary.from_profile(p) for p in friends])

    @put("/close-friends/{username:str}", status_code=HTTP_200_OK)
    async def add_close_friend(self, username: str, platform: PlatformDependency,
                               account: AuthenticatedAccount) -> None:
        await profiles.ensure_profile(platform, account)
        async with platform.uow() as uow:
            await relations.set_close_friend(uow, owner_id=account.id, username=username, is_close_friend=True)

    @delete("/close-friends/{username:str}", status_code=HTTP_200_OK)
    async def remove_close_friend(self, username: str, platform: PlatformDependency,
                                  account: AuthenticatedAccount) -> None:
        async with platform.uow() as uow:
            await relations.set_close_friend(uow, owner_id=account.id, username=username, is_close_friend=False)
