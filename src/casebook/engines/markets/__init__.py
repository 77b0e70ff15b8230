"""The markets engine: a catalogue of instruments, a seeded simulated price feed, trade pricing and a
realtime ticker. Order books and matching (Robinhood, Webull) will grow here.

Apps write `from casebook.engines import markets`, then
`quote = markets.feed_of(platform).quote("BTC", uow.now())` and
`fill = markets.fill_for_amount(quote, "buy", amount_minor)`.
"""

from casebook.engines.markets.errors import (
    InvalidInterval,
    InvalidOrder,
    InvalidTime,
    OrderTooLarge,
    OrderTooSmall,
    UnknownSymbol,
)
from casebook.engines.markets.feed import DEFAULT_SEED, MarketFeed, seed_from_secret, shared_feed
from casebook.engines.markets.instruments import ANCHOR, CATALOGUE, get_instrument, list_instruments
from casebook.engines.markets.model import (
    Candle,
    Fill,
    Instrument,
    Kind,
    Quote,
    Side,
    fill_for_amount,
    fill_for_quantity,
    to_decimal,
    to_units,
)
from casebook.engines.markets.ticker import TOPIC_PREFIX, feed_of, quote_message, run_ticker, topic_of

__all__ = [
    "ANCHOR", "CATALOGUE", "DEFAULT_SEED", "TOPIC_PREFIX",
    "Candle", "Fill", "Instrument", "InvalidInterval", "InvalidOrder", "InvalidTime", "Kind", "MarketFeed",
    "OrderTooLarge", "OrderTooSmall", "Quote", "Side", "UnknownSymbol",
    "feed_of", "fill_for_amount", "fill_for_quantity", "get_instrument", "list_instruments", "quote_message",
    "run_ticker", "seed_from_secret", "shared_feed", "to_decimal", "to_units", "topic_of",
]
