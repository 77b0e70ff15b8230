"""The first page of each reader's chronological feed, kept rendered in the process and answered as it is
while nothing it shows has changed: the read people repeat most (opening the app, pulling to refresh).

A kept page holds its JSON, the head of the reader's pushed timeline it was built from, and the dependency
tokens (platform/cache/tokens.py) of everything else it shows:
- `reader:<id>`: whom the reader follows or blocks (or is blocked by), what they like or save, whose close
  friend they are: their relations with every author and tagged person on the page;
- `post:<id>`, each post on the page: caption, audience, deletion, like, comment and save counts;
- `profiles`, one token for every account: names, avatars and privacy change rarely;
- `pulled`: the posts of accounts too big to fan out, merged in at read time; bumped when one of them
  publishes, and when any post's audience changes.
A read compares the timeline's head (the cache read every feed read makes anyway) and the tokens, read
together in one cache round trip; when both match, the kept bytes are the answer, and the impressions are recorded as on any read.
Otherwise the page is built from the database as before (timeline.py, views.py) and kept again.

`on_commit` bumps the tokens right after each commit that changes one of those things, before the request
that made the change answers, from the events the change published: a deletion, a block or a narrowed
audience is never served from a kept page once its request has answered. Not kept: pages showing a medium
still processing, or built from a timeline just rebuilt. What no event announces (pulled posts ageing out of
the pulled window, an account crossing the fan-out threshold) is bounded by PAGE_TTL_S; the URL window is
checked exactly. Pages live in this process (an LRU of PAGES_MAX), tokens in the shared cache, so several
server processes agree on what changed.
"""

from __future__ import annotations

import dataclasses
import time
from collections import OrderedDict
from collections.abc import Sequence
from typing import TYPE_CHECKING

from litestar.serialization import encode_json

from casebook.apps.instagram import events, rules
from casebook.apps.instagram.feed import rules as feed_rules
from casebook.apps.instagram.feed import timeline
from casebook.apps.instagram.feed.schemas import FeedPage
from casebook.apps.instagram.posts import bodies, insights, views
from casebook.engines import social
from casebook.platform.bus.events import Event
from casebook.platform.cache import GetMany, tokens
from casebook.platform.state import PerPlatform

if TYPE_CHECKING:
    from casebook.platform.bootstrap import Platform

PAGES_MAX = 2_000  # ~30 KB each for 20 posts: ~60 MB at most
PAGE_TTL_S = 60.0

PROFILES_TOKEN = "ig:dep:profiles"
PULLED_TOKEN = "ig:dep:pulled"


def reader_token(account_id: int) -> str:
    return f"ig:dep:reader:{account_id}"


def post_token(post_id: int) -> str:
    return f"ig:dep:post:{post_id}"


@dataclasses.dataclass(frozen=True, slots=True)
class _KeptPage:
    body: bytes
    pushed: list[social.TimelineEntry]  # the timeline's head it was built from
    tokens: dict[str, bytes]
    post_ids: list[int]  # shown, for impressions
    window: int  # URL window of its signed media URLs
    expires_at: float  # monotonic


class _Pages:
    """An LRU of kept pages per (reader, page size)."""

    def __init__(self, items_max: int) -> None:
        self.items_max = items_max
        self._items: OrderedDict[tuple[int, int], _KeptPage] = OrderedDict()

    def get(self, key: tuple[int, int]) -> _KeptPage | None:
        page = self._items.get(key)
        if page is not None:
            self._items.move_to_end(key)
        return page

    def put(self, key: tuple[int, int], page: _KeptPage) -> None:
        self._items[key] = page
        self._items.move_to_end(key)
        if len(self._items) > self.items_max:
            self._items.popitem(last=False)


_pages: PerPlatform[_Pages] = PerPlatform(lambda _platform: _Pages(PAGES_MAX))


async def read(platform: Platform, *, viewer_id: int, limit: int) -> bytes:
    """The first page of the viewer's chronological feed as the API's JSON (a FeedPage)."""
    pages, cache = _pages.of(platform), platform.cache
    key = (viewer_id, limit)
    kept = pages.get(key)
    if kept is not None and (kept.expires_at <= time.monotonic() or kept.window != bodies.current_window()):
        kept = None
    # One cache round trip: the timeline's head, and the kept page's tokens.
    reads = social.timelines.first_page_reads(network=rules.NETWORK, account_id=viewer_id, limit=limit)
    found = await cache.read_many(reads if kept is None else [*reads, GetMany(list(kept.tokens))])
    pushed = await social.timelines.first_page_of(cache, network=rules.NETWORK, account_id=viewer_id, limit=limit,
                                                  found=found)
    if (kept is not None and pushed is not None and kept.pushed == pushed.items
            and tokens.matches(kept.tokens, found[-1])):
        body, shown_ids = kept.body, kept.post_ids  # no database, no unit of work
    else:
        body, shown_ids = await _build(platform, pages, key, viewer_id=viewer_id, limit=limit, pushed=pushed)
    await insights.record_views(platform, viewer_id, shown_ids)
    return body


async def _build(platform: Platform, pages: _Pages, key: tuple[int, int], *, viewer_id: int, limit: int,
                 pushed: social.TimelinePage | None) -> tuple[bytes, list[int]]:
    window = bodies.current_window()
    # Tokens before the rows they stand for (see tokens.py): the reader's and the shared ones before the pulled
    # query, the posts' before the posts are read, in a read of their own: a SQLite read keeps the snapshot
    # of its first statement, which here would predate the posts' tokens.
    held = await tokens.current(platform.cache, [reader_token(viewer_id), PROFILES_TOKEN, PULLED_TOKEN])
    async with platform.reader() as uow:
        entries = await timeline.page_entries(uow, viewer_id=viewer_id, cursor=None, limit=limit, pushed=pushed)
    held |= await tokens.current(platform.cache, [post_token(entry[0]) for entry in entries])
    async with platform.reader() as uow:
        shown = await views.show_page(uow, viewer_id, [entry[0] for entry in entries])
    body = encode_json(FeedPage(mode="chronological", items=shown.posts,
                                next_cursor=timeline.next_cursor_of(entries, limit)))
    shown_ids = [int(post.id) for post in shown.posts]
    if pushed is not None and shown.settled:
        pages.put(key, _KeptPage(body=body, pushed=list(pushed.items), tokens=held, post_ids=shown_ids,
                                 window=window, expires_at=time.monotonic() + PAGE_TTL_S))
    return body, shown_ids


async def on_commit(platform: Platform, committed: Sequence[Event]) -> None:
    """Bump the tokens of what the committed events changed (a commit listener of the app)."""
    changed: set[str] = set()
    published_by: set[int] = set()  # authors of new posts that may be pulled rather than pushed
    for event in committed:
        if event.subject == events.POST_PUBLISHED:
            if event.payload.get("visibility") != "close_friends":
                published_by.add(int(event.payload["author_id"]))
        else:
            changed |= _changed_by(event)
    if published_by and await _any_pulled(platform, published_by):
        changed.add(PULLED_TOKEN)  # pushed posts change the timelines' heads instead
    await tokens.bump(platform.cache, changed)


def _changed_by(event: Event) -> set[str]:
    subject, payload = event.subject, event.payload
    if subject in (events.POST_LIKED, events.POST_UNLIKED):
        return {post_token(int(payload["post_id"])), reader_token(int(payload["liker_id"]))}
    if subject in (events.POST_SAVED, events.POST_UNSAVED):
        return {post_token(int(payload["post_id"])), reader_token(int(payload["saver_id"]))}
    if subject in (events.COMMENT_ADDED, events.COMMENT_DELETED, events.POST_DELETED):
        return {post_token(int(payload["post_id"]))}
    if subject == events.POST_UPDATED:
        changed = {post_token(int(payload["post_id"]))}
        if payload.get("visibility") != payload.get("previous_visibility"):
            changed.add(PULLED_TOKEN)  # a post opened up may now be pulled into feeds it was not on
        return changed
    if subject == events.PROFILE_UPDATED:
        return {PROFILES_TOKEN}
    if subject == events.CLOSE_FRIEND_CHANGED:
        return {reader_token(int(payload["friend_id"]))}
    if subject in _SOCIAL_PARTIES and payload.get("network") == rules.NETWORK:
        return {reader_token(int(payload[name])) for name in _SOCIAL_PARTIES[subject]}
    return set()


# The two accounts of a graph change; follow requests change no page (nothing is visible until approved).
_SOCIAL_PARTIES = {
    social.FOLLOWED: ("follower_id", "followee_id"),
    social.UNFOLLOWED: ("follower_id", "followee_id"),
    social.FOLLOW_APPROVED: ("follower_id", "followee_id"),
    social.BLOCKED: ("blocker_id", "blocked_id"),
    social.UNBLOCKED: ("blocker_id", "blocked_id"),
}


async def _any_pulled(platform: Platform, author_ids: set[int]) -> bool:
    """Whether readers pull any of these authors' posts in (timeline.pulled_entries) instead of getting them
    pushed: one query per commit that published posts."""
    ordered, step = sorted(author_ids), social.limits.COUNTS_IDS_MAX
    async with platform.reader() as uow:
        for start in range(0, len(ordered), step):
            found = await social.counts(uow, network=rules.NETWORK, account_ids=ordered[start:start + step])
            if any(counts.followers_count > feed_rules.FANOUT_FOLLOWERS_MAX for counts in found.values()):
                return True
    return False
