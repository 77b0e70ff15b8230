"""Reading the home feed in either mode, as the API and the home page do: one read unit of work, then the
impressions of the posts shown."""

from __future__ import annotations

from typing import TYPE_CHECKING

from litestar.serialization import encode_json

from casebook.apps.instagram import audience
from casebook.apps.instagram.feed import first_page, ranked, timeline
from casebook.apps.instagram.feed import rules as feed_rules
from casebook.apps.instagram.feed.schemas import FeedPage
from casebook.apps.instagram.posts import insights
from casebook.platform.errors import Invalid

if TYPE_CHECKING:
    from casebook.platform.bootstrap import Platform

FEED_MODES = ("chronological", "ranked")


def check_limit(limit: int | None) -> int:
    if limit is None:
        return feed_rules.FEED_PAGE_SIZE_DEFAULT
    if not 1 <= limit <= feed_rules.FEED_PAGE_SIZE_MAX:
        raise Invalid(f"limit is between 1 and {feed_rules.FEED_PAGE_SIZE_MAX}.", field="limit", code="limit_invalid")
    return limit


async def read_feed_json(platform: Platform, *, account_id: int, mode: str, cursor: str | None,
                         limit: int) -> bytes:
    """`read_feed` as the API's JSON; the first chronological page comes from `first_page` (kept rendered)."""
    if mode == "chronological" and cursor is None:
        return await first_page.read(platform, viewer_id=account_id, limit=limit)
    result = await read_feed(platform, account_id=account_id, mode=mode, cursor=cursor, limit=limit)
    return encode_json(FeedPage(mode=mode, items=result.posts, next_cursor=result.next_cursor))


async def read_feed(platform: Platform, *, account_id: int, mode: str, cursor: str | None,
                    limit: int) -> timeline.FeedResult:
    """A page of the viewer's home feed in either mode; impressions of the shown posts are recorded."""
    if mode not in FEED_MODES:
        raise Invalid("mode is chronological or ranked.", field="mode", code="mode_invalid")
    async with platform.reader() as uow:
        if mode == "ranked":
            result = await ranked.read_ranked(uow, viewer=await audience.load_viewer(uow, account_id), cursor=cursor,
                                              limit=limit)
        else:
            result = await timeline.read_chronological(uow, viewer_id=account_id, cursor=cursor, limit=limit)
    await insights.record_views(platform, account_id, [int(post.id) for post in result.posts])
    return result
