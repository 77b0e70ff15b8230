"""Profile pages: a person's header and grid, the follow button, and one's own settings with follow requests."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from casebook.apps.instagram import audience
from casebook.apps.instagram.profiles import relations
from casebook.apps.instagram.profiles import service as profiles
from casebook.apps.instagram.profiles.schemas import ProfileRead
from casebook.platform.errors import CasebookError, NotFound
from casebook.platform.http.dependencies import PlatformDependency
from casebook.platform.identity.principal import AuthenticatedAccount

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
FOLLOW_REQUESTS_SHOWN = 50


class ProfilePages(Controller):
    path = "/"

    @get("/u/{username:str}")
    async def profile(self, username: str, platform: PlatformDependency,
                      maybe_account: AuthenticatedAccount | None) -> Template:
        if maybe_account is None:
            return Template("instagram/profiles/profile.html", context={"account": None})
        own = await profiles.ensure_profile(platform, maybe_account)
        try:
            async with platform.reader() as uow:
                viewer = await audience.load_viewer(uow, maybe_account.id)
                view = await profiles.view_profile(uow, viewer=viewer, username=username)
        except CasebookError as refusal:
            return Template("instagram/profiles/missing.html", status_code=refusal.status,
                            context={"account": maybe_account, "ig_username": own.username,
                                     "message": refusal.detail})
        return Template("instagram/profiles/profile.html", context={
            "account": maybe_account, "ig_username": own.username, "profile": ProfileRead.from_view(view),
            "is_own": view.profile.account_id == maybe_account.id,
            "ig_current": "profile" if view.profile.account_id == maybe_account.id else ""})

    @post("/u/{username:str}/follow")
    async def follow(self, username: str, request: Request, platform: PlatformDependency,
                     account: AuthenticatedAccount) -> Template | Redirect:
        await profiles.ensure_profile(platform, account)
        async with platform.uow() as uow:
            state = await relations.follow(uow, follower_id=account.id, username=username)
        return _follow_answer(request, username, state)

    @post("/u/{username:str}/unfollow")
    async def unfollow(self, username: str, request: Request, platform: PlatformDependency,
                       account: AuthenticatedAccount) -> Template | Redirect:
        async with platform.uow() as uow:
            await relations.unfollow(uow, follower_id=account.id, username=username)
        return _follow_answer(request, username, "not_following")

    @get("/settings")
    async def settings(self, platform: PlatformDependency,
                       maybe_account: AuthenticatedAccount | None) -> Template:
        if maybe_account is None:
            return Template("instagram/profiles/settings.html", context={"account": None})
        return Template("instagram/profiles/settings.html", context=await _settings_context(platform, maybe_account))

    @post("/settings")
    async def save_settings(self, platform: PlatformDependency, account: AuthenticatedAccount,
                            data: Form) -> Template | Redirect:
        await profiles.ensure_profile(platform, account)
        changes = profiles.ProfileChanges(
            username=data.get("username"), full_name=data.get("full_name"), bio=data.get("bio"),
            website=data.get("website"), is_private=data.get("is_private") == "on")
        try:
            async with platform.uow() as uow:
                await profiles.update_profile(uow, account_id=account.id, changes=changes)
        except CasebookError as refusal:
            context = await _settings_context(platform, account) | {"error": refusal.detail}
            return Template("instagram/profiles/settings.html", context=context, status_code=refusal.status)
        return Redirect("/instagram/settings", status_code=303)

    @post("/settings/requests/{request_id:int}/{answer:str}")
    async def answer_request(self, request_id: int, answer: str, platform: PlatformDependency,
                             account: AuthenticatedAccount) -> Redirect:
        if answer not in ("approve", "deny"):
            raise NotFound("A follow request is approved or denied.", code="answer_unknown")
        async with platform.uow() as uow:
            if answer == "approve":
                await relations.approve_follow_request(uow, account_id=account.id, request_id=request_id)
            else:
                await relations.deny_follow_request(uow, account_id=account.id, request_id=request_id)
        return Redirect("/instagram/settings", status_code=303)


def _follow_answer(request: Request, username: str, state: str) -> Template | Redirect:
    if request.headers.get("hx-request") == "true":
        return Template("instagram/profiles/_follow_button.html", context={"username": username, "state": state})
    return Redirect(f"/instagram/u/{username}", status_code=303)


async def _settings_context(platform: PlatformDependency, account: AuthenticatedAccount) -> dict[str, Any]:
    profile = await profiles.ensure_profile(platform, account)
    async with platform.reader() as uow:
        waiting, _next = await relations.list_follow_requests(uow, account_id=account.id, cursor=None,
                                                              limit=FOLLOW_REQUESTS_SHOWN)
    return {"account": account, "ig_username": profile.username, "profile": profile, "requests": waiting,
            "error": None, "ig_current": "profile"}
