"""The realtime ticker: publishes each symbol's quote on `markets:<SYMBOL>` once per interval."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import structlog

from casebook.engines.markets import instruments, limits
from casebook.engines.markets.feed import MarketFeed, seed_from_secret, shared_feed
from casebook.engines.markets.model import Quote, to_decimal
from casebook.platform.errors import Invalid, Unavailable

if TYPE_CHECKING:
    from casebook.platform.bootstrap import Platform

log = structlog.get_logger(__name__)

TOPIC_PREFIX = "markets:"


def topic_of(symbol: str) -> str:
    return TOPIC_PREFIX + instruments.get_instrument(symbol).symbol


def feed_of(platform: Platform) -> MarketFeed:
    """This deployment's market: seeded from its secret key, the same in every process."""
    return shared_feed(seed_from_secret(platform.settings.secret_key))


def quote_message(quote: Quote) -> dict[str, Any]:
    """A quote as JSON-ready realtime message: prices as decimal strings in major units."""
    exponent = 2  # every catalogue currency (USD) has cents
    return {
        "type": "quote",
        "symbol": quote.symbol,
        "bid": str(to_decimal(quote.bid_minor, exponent)),
        "ask": str(to_decimal(quote.ask_minor, exponent)),
        "mid": str(to_decimal(quote.mid_minor, exponent)),
        "currency": quote.currency,
        "spread_bps": quote.spread_bps,
        "as_of": quote.as_of.isoformat(),
    }


async def run_ticker(platform: Platform, *, symbols: Sequence[str], interval_s: float = 1.0,
                     feed: MarketFeed | None = None) -> None:
    """Publish every symbol's quote at the platform clock's now, every `interval_s`, until cancelled.

    Best effort, like all realtime: a failed publish is logged and the next tick tries again.
    Over a shared realtime (Redis) run one ticker per deployment (say, beside the scheduler's lease):
    each ticker's messages reach every subscriber, so two tickers mean two copies of each quote (equal
    ones: every process computes the same price for the same second).
    """
    symbols = [instruments.get_instrument(symbol).symbol for symbol in symbols]  # unknown: fail at start
    if not 0 < len(symbols) <= limits.QUOTE_SYMBOLS_MAX:
        raise Invalid(f"between 1 and {limits.QUOTE_SYMBOLS_MAX} symbols", field="symbols")
    if not interval_s >= limits.TICKER_INTERVAL_MIN_S:
        raise Invalid(f"interval_s must be at least {limits.TICKER_INTERVAL_MIN_S}", field="interval_s")
    feed = feed or feed_of(platform)
    while True:
        quotes = feed.quote_many(symbols, platform.clock.now())
        for quote in quotes:
            try:
                await platform.realtime.publish(TOPIC_PREFIX + quote.symbol, quote_message(quote))
            except Unavailable as error:
                log.warning("markets.ticker_publish_failed", symbol=quote.symbol, error=error.detail)
        await asyncio.sleep(interval_s)
