"""Discovery pages: explore (trending tags, suggested accounts, popular posts), search with htmx type-ahead,
hashtag and place grids."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template

from casebook.apps.instagram import audience
from casebook.apps.instagram.discover import explore, listings, rules, search
from casebook.apps.instagram.discover.schemas import ExploreRead, HashtagRead, PlaceRead, SearchRead
from casebook.apps.instagram.profiles import relations
from casebook.apps.instagram.profiles import service as profiles
from casebook.platform.errors import CasebookError
from casebook.platform.http.dependencies import PlatformDependency
from casebook.platform.http.pagination import Cursors
from casebook.platform.identity.principal import AuthenticatedAccount

RESULTS_SHOWN = 20
GRID_POSTS_SHOWN = 30


class DiscoverPages(Controller):
    path = "/"

    @get("/explore")
    async def explore_page(self, platform: PlatformDependency,
                           maybe_account: AuthenticatedAccount | None) -> Template:
        if maybe_account is None:
            return Template("instagram/discover/explore.html", context={"account": None})
        own = await profiles.ensure_profile(platform, maybe_account)
        async with platform.reader() as uow:
            viewer = await audience.load_viewer(uow, maybe_account.id)
            found = ExploreRead.from_explore(await explore.explore(uow, viewer=viewer))
        return Template("instagram/discover/explore.html", context={
            "account": maybe_account, "ig_username": own.username, "explore": found})

    @post("/explore/follow/{username:str}")
    async def follow_suggestion(self, username: str, request: Request, platform: PlatformDependency,
                                account: AuthenticatedAccount) -> Template | Redirect:
        await profiles.ensure_profile(platform, account)
        async with platform.uow() as uow:
            state = await relations.follow(uow, follower_id=account.id, username=username)
        if request.headers.get("hx-request") == "true":
            return Template("instagram/discover/_follow.html", context={"username": username, "state": state})
        return Redirect("/instagram/explore", status_code=303)

    @get("/search")
    async def search_page(self, platform: PlatformDependency, maybe_account: AuthenticatedAccount | None,
                          q: str = "", type: str = "accounts") -> Template:
        if maybe_account is None:
            return Template("instagram/discover/search.html", context={"account": None})
        own = await profiles.ensure_profile(platform, maybe_account)
        context = await _search_context(platform, maybe_account, q=q, type=type)
        return Template("instagram/discover/search.html", context=context | {"ig_username": own.username})

    @get("/search/results")
    async def search_results(self, platform: PlatformDependency, account: AuthenticatedAccount, q: str = "",
                             type: str = "accounts") -> Template:
        return Template("instagram/discover/_results.html",
                        context=await _search_context(platform, account, q=q, type=type))

    @get("/tags/{tag:str}")
    async def tag_page(self, tag: str, platform: PlatformDependency, maybe_account: AuthenticatedAccount | None,
                       cursor: str | None = None) -> Template:
        async def read(uow: Any, viewer: audience.Viewer, before_id: int | None) -> dict[str, Any]:
            found = await listings.hashtag_listing(uow, viewer=viewer, tag=tag, before_id=before_id,
                                                   limit=GRID_POSTS_SHOWN)
            hashtag = HashtagRead.from_row(found.subject)
            return {"title": f"#{hashtag.name}", "post_count": hashtag.post_count, "subtitle": "",
                    "posts": found.posts, "next_before_id": found.next_before_id}
        return await _listing_page(platform, maybe_account, cursor, read, title=f"#{listings.normalize_tag(tag)}")

    @get("/places/{place_id:int}")
    async def place_page(self, place_id: int, platform: PlatformDependency,
                         maybe_account: AuthenticatedAccount | None, cursor: str | None = None) -> Template:
        async def read(uow: Any, viewer: audience.Viewer, before_id: int | None) -> dict[str, Any]:
            found = await listings.place_listing(uow, viewer=viewer, place_id=place_id, before_id=before_id,
                                                 limit=GRID_POSTS_SHOWN)
            place = PlaceRead.from_row(found.subject)
            where = "" if place.latitude is None or place.longitude is None else \
                f"{place.latitude:.4f}, {place.longitude:.4f}"
            return {"title": place.name, "post_count": place.post_count, "subtitle": where, "posts": found.posts,
                    "next_before_id": found.next_before_id}
        return await _listing_page(platform, maybe_account, cursor, read, title="Place")


async def _search_context(platform: PlatformDependency, account: AuthenticatedAccount, *, q: str,
                          type: str) -> dict[str, Any]:
    type = type if type in rules.SEARCH_TYPES else "accounts"
    results = None
    if q.strip():
        async with platform.reader() as uow:
            viewer = await audience.load_viewer(uow, account.id)
            found = await search.search(uow, viewer=viewer, text=q, type=type, limit=RESULTS_SHOWN)
            results = SearchRead.from_results(found, q=q)
    return {"account": account, "q": q, "type": type, "types": rules.SEARCH_TYPES, "results": results}


async def _listing_page(platform: PlatformDependency, account: AuthenticatedAccount | None, cursor: str | None,
                        read: Any, *, title: str) -> Template:
    if account is None:
        return Template("instagram/discover/listing.html", context={"account": None, "title": title})
    own = await profiles.ensure_profile(platform, account)
    context: dict[str, Any] = {"account": account, "ig_username": own.username, "message": None}
    cursors = Cursors(platform.settings.secret_key)
    try:
        position = cursors.decode(cursor) or {}
        before_id = position.get("before") if isinstance(position.get("before"), int) else None
        async with platform.reader() as uow:
            viewer = await audience.load_viewer(uow, account.id)
            found = await read(uow, viewer, before_id)
    except CasebookError as refusal:
        return Template("instagram/discover/listing.html", status_code=refusal.status, context=context | {
            "title": title, "post_count": 0, "subtitle": "", "posts": [], "message": refusal.detail})
    next_before_id = found.pop("next_before_id")
    next_cursor = None if next_before_id is None else cursors.encode({"before": next_before_id})
    return Template("instagram/discover/listing.html", context=context | found | {"next_cursor": next_cursor})
