"""CashApp investing's pure rules: what it trades, how an order is read, trade bounds, chart intervals; no I/O."""

from __future__ import annotations

import re
from decimal import Decimal

from casebook.apps.cashapp import rules as cashapp_rules
from casebook.engines import ledger, markets
from casebook.platform.errors import Invalid

# Cash App offers bitcoin as its only crypto asset, beside fractional US stocks.
CRYPTO_SYMBOLS = ("BTC",)
TRADE_AMOUNT_MIN_MINOR = 100  # $1: Cash App's minimum for bitcoin and stock orders (the engine's too)
TRADE_AMOUNT_MAX_MINOR = 1_000_000  # $10,000 per trade: Cash App's weekly bitcoin purchase limit
QUANTITY_INTEGER_DIGITS_MAX = 12  # refuses absurd quantities before any arithmetic
TRADES_PAGE_MAX = 100
# Chart intervals a user picks, as seconds per candle; CHART_CANDLES of them make one chart.
INTERVALS_S = {"1m": 60, "5m": 300, "1h": 3_600, "1d": 86_400}
DEFAULT_INTERVAL = "5m"
CHART_CANDLES = 48
SIDES = ("buy", "sell")
ACTIVITY_TYPES = {("crypto", "buy"): "bitcoin_buy", ("crypto", "sell"): "bitcoin_sell",
                  ("stock", "buy"): "stock_buy", ("stock", "sell"): "stock_sell"}

_QUANTITY = re.compile(rf"\d{{1,{QUANTITY_INTEGER_DIGITS_MAX}}}(\.\d+)?")


def ledger_unit(instrument: markets.Instrument) -> str:
    """The ledger currency holding this instrument: BTC (satoshi) for bitcoin, SHARE (micro-shares) for
    stocks. Every stock shares SHARE; accounts are per symbol, so holdings never mix."""
    return instrument.symbol if instrument.kind == "crypto" else "SHARE"


def tradable(symbol: str) -> markets.Instrument:
    """The instrument CashApp trades under `symbol` (any case); UnknownSymbol (404) otherwise."""
    instrument = markets.get_instrument(symbol)
    if instrument.kind == "crypto" and instrument.symbol not in CRYPTO_SYMBOLS:
        raise markets.UnknownSymbol(f"CashApp does not trade {instrument.symbol}: bitcoin is its only crypto.")
    return instrument


def list_tradable() -> list[markets.Instrument]:
    """Bitcoin first, then the stocks in catalogue order."""
    instruments = markets.list_instruments()
    return ([i for i in instruments if i.symbol in CRYPTO_SYMBOLS]
            + [i for i in instruments if i.kind == "stock"])


for _instrument in list_tradable():  # the ledger must count each instrument in its own smallest unit
    assert ledger.to_minor(Decimal(1), ledger_unit(_instrument)) == 10**_instrument.quantity_exponent, _instrument


def check_side(side: object) -> str:
    if side not in SIDES:
        raise Invalid("The side is buy or sell.", field="side", code="invalid_side")
    return str(side)


def parse_order(instrument: markets.Instrument, *, amount: object, quantity: object) -> tuple[int | None, int | None]:
    """Exactly one of a dollar amount (as cents) or a quantity (as the instrument's units)."""
    if (amount is None) == (quantity is None):
        raise Invalid("Send either an amount in dollars or a quantity, not both.", field="amount",
                      code="amount_or_quantity")
    if amount is not None:
        amount_minor = cashapp_rules.parse_amount(amount, amount_max_minor=TRADE_AMOUNT_MAX_MINOR)
        if amount_minor < TRADE_AMOUNT_MIN_MINOR:
            raise Invalid(f"The minimum trade is {cashapp_rules.format_amount(TRADE_AMOUNT_MIN_MINOR)}.",
                          field="amount", code="order_too_small")
        return amount_minor, None
    return None, parse_quantity(quantity, instrument)


def parse_quantity(text: object, instrument: markets.Instrument) -> int:
    """A decimal string of whole units ("0.0015" bitcoin, "2.5" shares) as integer units of the instrument."""
    exponent = instrument.quantity_exponent
    if not isinstance(text, str) or not _QUANTITY.fullmatch(text.strip()):
        raise Invalid('Send the quantity as a decimal string, like "0.5".', field="quantity",
                      code="invalid_quantity")
    scaled = Decimal(text.strip()).scaleb(exponent)
    if scaled != scaled.to_integral_value():
        raise Invalid(f"{instrument.symbol} trades in steps of {markets.to_decimal(1, exponent)}: at most "
                      f"{exponent} decimals.", field="quantity", code="invalid_quantity")
    quantity_units = int(scaled)
    if quantity_units <= 0:
        raise Invalid("The quantity must be more than zero.", field="quantity", code="invalid_quantity")
    return quantity_units


def check_notional(notional_minor: int) -> None:
    """A quantity order is bounded by what it costs, like an amount order."""
    if notional_minor > TRADE_AMOUNT_MAX_MINOR:
        raise Invalid(f"A trade is at most {cashapp_rules.format_amount(TRADE_AMOUNT_MAX_MINOR)}.",
                      field="quantity", code="trade_too_large")


def interval_s(interval: str | None) -> int:
    name = interval or DEFAULT_INTERVAL
    if name not in INTERVALS_S:
        raise Invalid(f"The interval is one of {', '.join(INTERVALS_S)}.", field="interval", code="invalid_interval")
    return INTERVALS_S[name]


def format_quantity(quantity_units: int, instrument_exponent: int) -> str:
    """Units as a decimal string of whole units without trailing zeros: "0.0015", "2"."""
    text = format(markets.to_decimal(quantity_units, instrument_exponent), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def value_at_minor(quantity_units: int, price_minor: int, exponent: int) -> int:
    """What `quantity_units` are worth at `price_minor` per whole unit, rounded down to the cent."""
    return quantity_units * price_minor // 10**exponent
