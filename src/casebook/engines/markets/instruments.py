"""The built-in catalogue of simulated instruments: bitcoin, ether and ten large US stocks, priced in USD."""

from __future__ import annotations

from datetime import UTC, datetime

from casebook.engines.markets import errors, limits
from casebook.engines.markets.model import Instrument

# Every walk passes through its reference price at this instant, so prices near it look familiar.
ANCHOR = datetime(2026, 1, 1, tzinfo=UTC)


def _crypto(symbol: str, name: str, price_usd: int, volatility_pct: int, spread_bps: int) -> Instrument:
    # Quantities in 1e-8 (bitcoin's satoshi; ether is treated the same); priced to the cent.
    return Instrument(symbol=symbol, name=name, kind="crypto", currency="USD", quantity_exponent=8,
                      tick_minor=1, reference_price_minor=price_usd * 100,
                      volatility_bps=volatility_pct * 100, spread_bps=spread_bps)


def _stock(symbol: str, name: str, price_usd: int, volatility_pct: int, spread_bps: int) -> Instrument:
    # Fractional shares to 1e-6 (micro-shares, as Robinhood and Cash App offer); US stocks tick in cents.
    return Instrument(symbol=symbol, name=name, kind="stock", currency="USD", quantity_exponent=6,
                      tick_minor=1, reference_price_minor=price_usd * 100,
                      volatility_bps=volatility_pct * 100, spread_bps=spread_bps)


# Reference prices and volatilities are round figures near the end of 2025. Crypto spreads are wide,
# as retail apps quote them (Cash App prices bitcoin with a spread of about 0.5-1%); large caps are tight.
CATALOGUE: tuple[Instrument, ...] = (
    _crypto("BTC", "Bitcoin", 90_000, 60, 50),
    _crypto("ETH", "Ether", 3_000, 75, 80),
    _stock("AAPL", "Apple Inc.", 270, 25, 2),
    _stock("MSFT", "Microsoft Corporation", 480, 22, 2),
    _stock("GOOGL", "Alphabet Inc. Class A", 310, 28, 3),
    _stock("AMZN", "Amazon.com, Inc.", 230, 30, 3),
    _stock("TSLA", "Tesla, Inc.", 450, 60, 4),
    _stock("NVDA", "NVIDIA Corporation", 185, 50, 3),
    _stock("META", "Meta Platforms, Inc.", 660, 35, 3),
    _stock("SPY", "SPDR S&P 500 ETF Trust", 680, 15, 1),
    _stock("KO", "The Coca-Cola Company", 70, 15, 4),
    _stock("DIS", "The Walt Disney Company", 112, 25, 5),
)
INSTRUMENTS: dict[str, Instrument] = {instrument.symbol: instrument for instrument in CATALOGUE}
assert len(INSTRUMENTS) == len(CATALOGUE) <= limits.QUOTE_SYMBOLS_MAX


def normalise_symbol(symbol: str) -> str:
    return symbol.strip().upper()


def get_instrument(symbol: str) -> Instrument:
    """The instrument for `symbol` (any case); UnknownSymbol when the catalogue has none."""
    instrument = INSTRUMENTS.get(normalise_symbol(symbol))
    if instrument is None:
        raise errors.UnknownSymbol(f"no instrument {symbol[: limits.SYMBOL_CHARS_MAX]!r}")
    return instrument


def list_instruments() -> list[Instrument]:
    return list(CATALOGUE)
