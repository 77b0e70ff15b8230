"""Search: accounts and hashtags by prefix (type-ahead), places by name, posts by full text on the caption.

Never shows what the searcher may not see: accounts blocked either way vanish, and post hits go through
`audience.visible_posts` (over-fetched once, then filtered), so private accounts' posts, followers-only and
close-friends posts reach only their audience, and deleted ones nobody.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from sqlalchemy import select

from casebook.apps.instagram import audience
from casebook.apps.instagram.discover import limits, rules
from casebook.apps.instagram.models import HashtagRow, PlaceRow, PostRow, ProfileRow
from casebook.apps.instagram.posts import views
from casebook.apps.instagram.profiles import service as profiles
from casebook.platform.search import terms
from casebook.platform.uow import UnitOfWork


@dataclasses.dataclass(frozen=True, slots=True)
class SearchResults:
    """What one search found, for its one type; the other lists stay empty."""

    type: str
    accounts: Sequence[ProfileRow] = ()
    hashtags: Sequence[HashtagRow] = ()
    places: Sequence[PlaceRow] = ()
    posts: Sequence[views.PostRead] = ()


async def search(uow: UnitOfWork, *, viewer: audience.Viewer, text: str, type: str, limit: int) -> SearchResults:
    """Up to `limit` results of `type` for `text`; blank text finds nothing."""
    rules.check_search_type(type)
    text = text.strip()[:limits.SEARCH_QUERY_CHARS_MAX]
    if type == "accounts":
        return SearchResults(type, accounts=await search_accounts(uow, viewer=viewer, text=text, limit=limit))
    if type == "hashtags":
        return SearchResults(type, hashtags=await search_hashtags(uow, text=text, limit=limit))
    if type == "places":
        return SearchResults(type, places=await search_places(uow, text=text, limit=limit))
    return SearchResults(type, posts=await search_posts(uow, viewer=viewer, text=text, limit=limit))


async def search_accounts(uow: UnitOfWork, *, viewer: audience.Viewer, text: str, limit: int) -> list[ProfileRow]:
    """Accounts whose username or name has words starting with the typed ones; an exact username first.

    Private accounts are found (Instagram shows them, not their posts); blocks either way hide them."""
    text = text.lstrip("@")
    if not terms.query_terms(text):
        return []
    # The few blocked accounts are dropped after the query, so ask for that many more (within the port's cap).
    hits = await uow.platform.search.prefix(uow.session, kind=rules.ACCOUNT_KIND, text=text,
                                            limit=min(limit + len(viewer.blocked_ids), terms.RESULTS_MAX))
    ids = [int(hit.doc_id) for hit in hits if int(hit.doc_id) not in viewer.blocked_ids]
    found = await profiles.profiles_by_id(uow, ids)
    shown = [found[account_id] for account_id in ids if account_id in found]
    wanted = text.strip().lower()
    shown.sort(key=lambda profile: profile.username != wanted)  # stable: the engine's ranking otherwise
    return shown[:limit]


async def search_hashtags(uow: UnitOfWork, *, text: str, limit: int) -> list[HashtagRow]:
    """Hashtags starting with the typed text, the exact one first, then the most used."""
    text = text.lstrip("#")
    if not terms.query_terms(text):
        return []
    hits = await uow.platform.search.prefix(uow.session, kind=rules.HASHTAG_KIND, text=text,
                                            limit=limits.SEARCH_HASHTAG_CANDIDATES_MAX)
    if not hits:
        return []
    rows = (await uow.session.scalars(select(HashtagRow).where(
        HashtagRow.tag.in_([hit.doc_id for hit in hits]), HashtagRow.post_count > 0))).all()
    wanted = text.strip().lower()
    return sorted(rows, key=lambda row: (row.tag != wanted, -row.post_count, row.tag))[:limit]


async def search_places(uow: UnitOfWork, *, text: str, limit: int) -> list[PlaceRow]:
    """Places whose name has words starting with the typed ones, best match first."""
    if not terms.query_terms(text):
        return []
    hits = await uow.platform.search.prefix(uow.session, kind=rules.PLACE_KIND, text=text, limit=limit)
    if not hits:
        return []
    ids = [int(hit.doc_id) for hit in hits]
    rows = {row.id: row for row in (await uow.session.scalars(select(PlaceRow).where(PlaceRow.id.in_(ids)))).all()}
    return [rows[place_id] for place_id in ids if place_id in rows]


async def search_posts(uow: UnitOfWork, *, viewer: audience.Viewer, text: str,
                       limit: int) -> list[views.PostRead]:
    """Posts whose caption matches every word, best first, among those the viewer may see."""
    if not terms.query_terms(text):
        return []
    hits = await uow.platform.search.query(uow.session, kind=rules.POST_KIND, text=text,
                                           limit=limits.SEARCH_POST_CANDIDATES_MAX)
    if not hits:
        return []
    posts: list[PostRow] = await views.load_posts(uow, [int(hit.doc_id) for hit in hits])
    visible = await audience.visible_posts(uow, viewer, posts)
    return await views.hydrate_posts(uow, viewer, visible[:limit])
