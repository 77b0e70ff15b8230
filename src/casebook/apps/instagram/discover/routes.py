"""HTTP API of discovery under /api/instagram: search, explore, hashtag and place pages."""

from __future__ import annotations

from litestar import Controller, get

from casebook.apps.instagram import audience
from casebook.apps.instagram.discover import explore, limits, listings, search
from casebook.apps.instagram.discover.schemas import (
    ExploreRead,
    HashtagPage,
    HashtagRead,
    PlacePage,
    PlaceRead,
    SearchRead,
)
from casebook.platform.errors import Invalid
from casebook.platform.http.dependencies import PlatformDependency
from casebook.platform.http.pagination import Cursors, clamp_limit
from casebook.platform.http.params import SnowflakeId
from casebook.platform.identity.principal import AuthenticatedAccount


class DiscoverController(Controller):
    path = "/"

    @get("/search")
    async def run_search(self, platform: PlatformDependency, account: AuthenticatedAccount, q: str = "",
                     type: str = "accounts", limit: int | None = None) -> SearchRead:
        limit = limits.SEARCH_RESULTS_DEFAULT if limit is None else limit
        if not 1 <= limit <= limits.SEARCH_RESULTS_MAX:
            raise Invalid(f"limit must be between 1 and {limits.SEARCH_RESULTS_MAX}.", field="limit")
        async with platform.reader() as uow:
            viewer = await audience.load_viewer(uow, account.id)
            results = await search.search(uow, viewer=viewer, text=q, type=type, limit=limit)
            return SearchRead.from_results(results, q=q)

    @get("/explore")
    async def read_explore(self, platform: PlatformDependency, account: AuthenticatedAccount) -> ExploreRead:
        async with platform.reader() as uow:
            viewer = await audience.load_viewer(uow, account.id)
            return ExploreRead.from_explore(await explore.explore(uow, viewer=viewer))

    @get("/hashtags/{tag:str}")
    async def read_hashtag(self, tag: str, platform: PlatformDependency, account: AuthenticatedAccount,
                      cursor: str | None = None, limit: int | None = None) -> HashtagPage:
        cursors = Cursors(platform.settings.secret_key)
        before = cursors.decode(cursor)
        async with platform.reader() as uow:
            viewer = await audience.load_viewer(uow, account.id)
            found = await listings.hashtag_listing(uow, viewer=viewer, tag=tag, before_id=_before_id(before),
                                                   limit=clamp_limit(limit))
        return HashtagPage(hashtag=HashtagRead.from_row(found.subject), items=found.posts,
                           next_cursor=_next_cursor(cursors, found.next_before_id))

    @get("/places/{place_id:int}")
    async def read_place(self, place_id: SnowflakeId, platform: PlatformDependency, account: AuthenticatedAccount,
                    cursor: str | None = None, limit: int | None = None) -> PlacePage:
        cursors = Cursors(platform.settings.secret_key)
        before = cursors.decode(cursor)
        async with platform.reader() as uow:
            viewer = await audience.load_viewer(uow, account.id)
            found = await listings.place_listing(uow, viewer=viewer, place_id=place_id,
                                                 before_id=_before_id(before), limit=clamp_limit(limit))
        return PlacePage(place=PlaceRead.from_row(found.subject), items=found.posts,
                         next_cursor=_next_cursor(cursors, found.next_before_id))


def _before_id(position: dict | None) -> int | None:
    if position is None:
        return None
    before = position.get("before")
    if not isinstance(before, int):
        raise Invalid("The cursor is not valid; start again without it.", field="cursor", code="invalid_cursor")
    return before


def _next_cursor(cursors: Cursors, before_id: int | None) -> str | None:
    return None if before_id is None else cursors.encode({"before": before_id})
