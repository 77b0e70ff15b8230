"""Dependency tokens: a kept value fails its check after any bump of what it read, including one that lands
while it is being computed, and after its tokens are evicted; never before."""

from __future__ import annotations

from casebook.platform.cache import Cache, tokens
from casebook.platform.cache.memory import MemoryCache


async def test_a_value_stays_good_until_one_of_its_tokens_is_bumped(cache: Cache) -> None:
    recorded = await tokens.current(cache, ["post:1", "post:2", "reader:7"])
    assert await tokens.current(cache, ["post:1", "post:2", "reader:7"]) == recorded  # reading creates once
    assert await tokens.unchanged(cache, recorded)

    await tokens.bump(cache, ["post:3"])  # not a dependency
    assert await tokens.unchanged(cache, recorded)

    await tokens.bump(cache, ["post:2"])
    assert not await tokens.unchanged(cache, recorded)
    assert await tokens.unchanged(cache, await tokens.current(cache, ["post:1", "post:2", "reader:7"]))
    assert await tokens.unchanged(cache, {})


async def test_a_change_committed_while_the_value_is_computed_fails_the_next_check(cache: Cache) -> None:
    recorded = await tokens.current(cache, ["post:1"])  # read before the rows...
    await tokens.bump(cache, ["post:1"])  # ...a writer commits and bumps while the rows are read...
    assert not await tokens.unchanged(cache, recorded)  # ...so what was computed is never served


async def test_an_evicted_or_expired_token_fails_the_check_rather_than_passing_it() -> None:
    cache = MemoryCache(items_max=2)
    recorded = await tokens.current(cache, ["post:1"])
    await cache.set("filler:1", b"x")
    await cache.set("filler:2", b"x")  # evicts post:1's token, the least recently used
    assert await cache.get("post:1") is None
    assert not await tokens.unchanged(cache, recorded)

    recorded = await tokens.current(cache, ["post:2"])
    await cache.expire("post:2", 0)
    assert not await tokens.unchanged(cache, recorded)
