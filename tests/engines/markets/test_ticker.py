"""The ticker publishes each symbol's quote on markets:<SYMBOL> through the realtime port."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime

import pytest

from casebook.engines import markets
from casebook.platform.bootstrap import Platform
from casebook.platform.errors import Invalid

WAIT_S = 10.0  # a guard against hanging, not a timing assertion


async def test_publishes_quotes_that_subscribers_receive(platform: Platform) -> None:
    async with platform.realtime.subscribe(markets.topic_of("BTC"), markets.topic_of("aapl")) as subscription:
        ticker = asyncio.create_task(markets.run_ticker(platform, symbols=["BTC", "AAPL"], interval_s=0.01))
        try:
            received: dict[str, list[dict]] = {"BTC": [], "AAPL": []}
            async with asyncio.timeout(WAIT_S):
                async for message in subscription:
                    received[message["symbol"]].append(message)
                    if all(len(messages) >= 2 for messages in received.values()):
                        break
        finally:
            ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await ticker
    feed = markets.feed_of(platform)
    for symbol, messages in received.items():
        for message in messages:
            quote = feed.quote(symbol, datetime.fromisoformat(message["as_of"]))
            assert message == markets.quote_message(quote)
            assert message["type"] == "quote" and message["currency"] == "USD"


def test_quote_message_carries_decimal_strings_in_major_units() -> None:
    quote = markets.MarketFeed().quote("BTC", markets.ANCHOR)
    assert markets.quote_message(quote) == {
        "type": "quote", "symbol": "BTC", "bid": "89775.00", "ask": "90225.00", "mid": "90000.00",
        "currency": "USD", "spread_bps": 50, "as_of": "2026-01-01T00:00:00+00:00",
    }


async def test_refuses_unknown_symbols_and_bad_intervals_before_ticking(platform: Platform) -> None:
    with pytest.raises(markets.UnknownSymbol):
        await markets.run_ticker(platform, symbols=["BTC", "NOPE"])
    with pytest.raises(Invalid):
        await markets.run_ticker(platform, symbols=[])
    with pytest.raises(Invalid):
        await markets.run_ticker(platform, symbols=["BTC"], interval_s=0)


def test_one_deployment_shares_one_feed_and_another_secret_another_market() -> None:
    first, second = markets.seed_from_secret("secret-a"), markets.seed_from_secret("secret-b")
    assert first != second and markets.seed_from_secret("") == markets.DEFAULT_SEED
    assert markets.shared_feed(first) is markets.shared_feed(first)
