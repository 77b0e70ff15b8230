"""Shapes of the explore, search, hashtag and place API."""

from __future__ import annotations

from casebook.apps.instagram.discover import explore as explore_service
from casebook.apps.instagram.discover.search import SearchResults
from casebook.apps.instagram.models import HashtagRow, PlaceRow
from casebook.apps.instagram.posts.views import PostRead
from casebook.apps.instagram.schemas import AccountSummary, Schema


class HashtagRead(Schema):
    name: str
    post_count: int

    @classmethod
    def from_row(cls, row: HashtagRow) -> HashtagRead:
        return cls(name=row.tag, post_count=row.post_count)


class PlaceRead(Schema):
    id: str
    name: str
    latitude: float | None
    longitude: float | None
    post_count: int

    @classmethod
    def from_row(cls, row: PlaceRow) -> PlaceRead:
        return cls(id=str(row.id), name=row.name, latitude=row.latitude, longitude=row.longitude,
                   post_count=row.post_count)


class SearchRead(Schema):
    """The results of one type; the lists of the other types are empty."""

    type: str
    q: str
    accounts: list[AccountSummary]
    hashtags: list[HashtagRead]
    places: list[PlaceRead]
    posts: list[PostRead]

    @classmethod
    def from_results(cls, results: SearchResults, *, q: str) -> SearchRead:
        return cls(type=results.type, q=q, accounts=[AccountSummary.from_profile(p) for p in results.accounts],
                   hashtags=[HashtagRead.from_row(row) for row in results.hashtags],
                   places=[PlaceRead.from_row(row) for row in results.places], posts=list(results.posts))


class HashtagPage(Schema):
    hashtag: HashtagRead
    items: list[PostRead]
    next_cursor: str | None = None


class PlacePage(Schema):
    place: PlaceRead
    items: list[PostRead]
    next_cursor: str | None = None


class TrendingHashtagRead(Schema):
    name: str
    post_count: int
    score: float


class SuggestedAccountRead(Schema):
    account: AccountSummary
    mutual_count: int


class ExploreRead(Schema):
    posts: list[PostRead]
    hashtags: list[TrendingHashtagRead]
    suggested_accounts: list[SuggestedAccountRead]

    @classmethod
    def from_explore(cls, found: explore_service.Explore) -> ExploreRead:
        return cls(posts=found.posts,
                   hashtags=[TrendingHashtagRead(name=h.tag, post_count=h.post_count, score=h.score)
                             for h in found.hashtags],
                   suggested_accounts=[SuggestedAccountRead(account=AccountSummary.from_profile(s.profile),
                                                            mutual_count=s.mutual_count) for s in found.suggestions])
