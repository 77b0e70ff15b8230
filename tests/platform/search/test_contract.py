"""The Search contract, on SQLite FTS5 and (CASEBOOK_TEST_BACKENDS=all) PostgreSQL tsvector."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from casebook.migrations import upgrade
from casebook.platform.db.engine import Database, open_database
from casebook.platform.errors import Invalid
from casebook.platform.search import Search, open_search
from casebook.platform.settings import Settings


class Index:
    """A search adapter with one transaction per call, as a bus consumer would use it."""

    def __init__(self, db: Database, search: Search) -> None:
        self.db, self.search = db, search

    async def index(self, doc_id: str, title: str, body: str = "", kind: str = "post", **attributes: Any) -> None:
        async with self.db.transaction() as session:
            await self.search.index(session, kind=kind, doc_id=doc_id, title=title, body=body, attributes=attributes)

    async def remove(self, doc_id: str, kind: str = "post") -> None:
        async with self.db.transaction() as session:
            await self.search.remove(session, kind=kind, doc_id=doc_id)

    async def query(self, text: str, kind: str = "post", **kwargs: Any) -> list[str]:
        async with self.db.read() as session:
            return [hit.doc_id for hit in await self.search.query(session, kind=kind, text=text, **kwargs)]

    async def prefix(self, text: str, kind: str = "post", **kwargs: Any) -> list[str]:
        async with self.db.read() as session:
            return [hit.doc_id for hit in await self.search.prefix(session, kind=kind, text=text, **kwargs)]


@pytest.fixture
async def index(settings: Settings) -> AsyncIterator[Index]:
    db = open_database(settings.database_url)
    await upgrade(db)
    yield Index(db, open_search(settings.search_url, dialect=db.dialect))
    await db.dispose()


async def test_finds_indexed_documents_and_returns_their_attributes(index: Index) -> None:
    await index.index("1", "Sunset over Lisbon", "golden hour at the river", city="lisbon", likes=3)
    await index.index("2", "Breakfast", "pastel de nata in Lisbon", city="lisbon", likes=5)
    await index.index("3", "Snow in Oslo", "cold morning", city="oslo", likes=1)

    async with index.db.read() as session:
        hits = await index.search.query(session, kind="post", text="lisbon")

    assert [hit.doc_id for hit in hits] == ["1", "2"]
    assert hits[0].attributes == {"city": "lisbon", "likes": 3}
    assert hits[0].score >= hits[1].score > 0


async def test_title_match_ranks_above_body_match(index: Index) -> None:
    await index.index("body", "A day out", "we walked to the harbour and saw a harbour seal")
    await index.index("title", "Harbour", "a day out")

    assert await index.query("harbour") == ["title", "body"]


async def test_every_word_must_match_and_diacritics_and_case_are_ignored(index: Index) -> None:
    await index.index("1", "Café Müller", "Zürich")
    await index.index("2", "Cafe", "Berlin")

    assert await index.query("CAFE muller") == ["1"]
    assert await index.query("zurich") == ["1"]
    assert sorted(await index.query("café")) == ["1", "2"]


async def test_names_and_hashtags_are_not_stemmed(index: Index) -> None:
    await index.index("1", "#running with friends", "")
    await index.index("2", "runs", "")

    assert await index.query("#running") == ["1"]
    assert await index.query("runs") == ["2"]


async def test_replace_updates_the_text_and_remove_deletes(index: Index) -> None:
    await index.index("1", "old title", "", tag="a")
    await index.index("1", "new title", "", tag="b")

    assert await index.query("old") == []
    assert await index.query("new") == ["1"]
    assert await index.query("new", filters={"tag": "b"}) == ["1"]
    await index.remove("1")
    await index.remove("1")  # idempotent
    assert await index.query("new") == []
    assert await index.prefix("ne") == []


async def test_kinds_are_separate_indexes(index: Index) -> None:
    await index.index("1", "guitar lessons", kind="track")
    await index.index("1", "guitar shop", kind="post")

    assert await index.query("lessons", kind="track") == ["1"]
    assert await index.query("lessons", kind="post") == []
    await index.remove("1", kind="track")
    assert await index.query("guitar", kind="post") == ["1"]


async def test_filters_are_equality_and_lists_are_any_of(index: Index) -> None:
    await index.index("1", "pizza", city="rome", price=2, vegan=True)
    await index.index("2", "pizza", city="naples", price=1, vegan=False)
    await index.index("3", "pizza", city="milan", price="2", vegan=None)
    await index.index("4", "pizza", city="rome", price=1)

    assert await index.query("pizza", filters={"city": "rome"}) == ["1", "4"]
    assert await index.query("pizza", filters={"city": ["rome", "naples"], "price": 1}) == ["2", "4"]
    assert await index.query("pizza", filters={"price": 2}) == ["1"]  # the string "2" is not the number 2
    assert await index.query("pizza", filters={"price": "2"}) == ["3"]
    assert await index.query("pizza", filters={"vegan": True}) == ["1"]
    assert await index.query("pizza", filters={"vegan": False}) == ["2"]
    assert await index.query("pizza", filters={"vegan": None}) == ["3", "4"]  # null or missing
    assert await index.query("pizza", filters={"city": []}) == []
    assert await index.prefix("piz", filters={"city": "milan"}) == ["3"]


async def test_prefix_matches_title_words_by_their_start(index: Index) -> None:
    await index.index("1", "New York pizza", "")
    await index.index("2", "Newcastle", "")
    await index.index("3", "Old town", "new york in the body only")

    assert sorted(await index.prefix("new")) == ["1", "2"]
    assert await index.prefix("new yo") == ["1"]
    assert sorted(await index.prefix("n")) == ["1", "2"]
    assert await index.prefix("york p") == ["1"]
    assert await index.prefix("xyz") == []


async def test_results_respect_limit_and_offset(index: Index) -> None:
    for number in range(30):
        await index.index(str(number), f"photo {number}")

    first = await index.query("photo", limit=7)
    second = await index.query("photo", limit=7, offset=7)

    assert len(first) == 7 and len(second) == 7
    assert not set(first) & set(second)
    assert len(await index.prefix("pho", limit=5)) == 5
    assert len(await index.query("photo", limit=1000)) == 30  # capped at 100, not refused
    with pytest.raises(Invalid):
        await index.query("photo", limit=0)
    with pytest.raises(Invalid):
        await index.query("photo", offset=-1)


HOSTILE_QUERIES = ['"', '""', "'", "AND OR NOT", "NOT", "*", "a*", "*a", "a:b", "title:x", "{title}: x", "(", ")",
                   "NEAR(a b)", "a AND", "^a", "-a", "a & b | !c", "a <-> b", "\\", "\x00", "\x00abc\x1f", "💥 ünï",
                   "日本語", "   ", "", "x" * 10_000, "a " * 5_000, "%_[]", "'; DROP TABLE search_documents; --"]


@pytest.mark.parametrize("text", HOSTILE_QUERIES)
async def test_hostile_query_text_never_raises(index: Index, text: str) -> None:
    await index.index("1", "a b c NOT title AND near 日本語 ünï", "x")

    assert isinstance(await index.query(text), list)
    assert isinstance(await index.prefix(text), list)
    assert isinstance(await index.query(text, filters={"city": ["a", "b"]}), list)


async def test_empty_query_returns_nothing(index: Index) -> None:
    await index.index("1", "anything", "")

    assert await index.query("") == []
    assert await index.query("!!! ???") == []
    assert await index.prefix("") == []


async def test_hostile_documents_are_indexed_and_found(index: Index) -> None:
    await index.index("1", 'quote " and NEAR( and \x00 nul', "x" * 10_000 + " needle")
    await index.index("2", "日本語 タイトル", "")

    assert await index.query("needle") == ["1"]
    assert await index.query("quote near") == ["1"]
    assert await index.query("日本語") == ["2"]


@pytest.mark.parametrize("filters", [{"bad name": 1}, {"a": {"nested": 1}}, {"a": [[1]]}, {"$.x": 1}])
async def test_malformed_filters_are_invalid(index: Index, filters: dict[str, Any]) -> None:
    with pytest.raises(Invalid):
        await index.query("x", filters=filters)


async def test_index_refuses_bad_kinds_and_ids(index: Index) -> None:
    for kind, doc_id in (("", "1"), ("Has Space", "1"), ("post", ""), ("post", "x" * 129)):
        with pytest.raises(Invalid):
            await index.index(doc_id, "title", kind=kind)
