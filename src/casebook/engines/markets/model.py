"""Pure market types and pricing rules: instruments, quotes, candles and how a trade fills; no I/O.

Prices are integer minor units of the quote currency (cents) per one whole unit (1 BTC, 1 share);
quantities are integer units of 10**-quantity_exponent (satoshi, micro-shares). Nothing here is a float.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

import msgspec

from casebook.engines.markets import errors, limits

Side = Literal["buy", "sell"]
Kind = Literal["crypto", "stock"]
SIDES: tuple[Side, Side] = ("buy", "sell")
BPS_PER_UNIT = 10_000


class Instrument(msgspec.Struct, frozen=True, kw_only=True):
    """A tradable symbol and the parameters of its simulated price."""

    symbol: str
    name: str
    kind: Kind
    currency: str  # the quote currency: prices are its minor units
    quantity_exponent: int  # 8: satoshi; 6: micro-shares
    tick_minor: int  # prices move in multiples of this
    reference_price_minor: int  # the mid price at the feed's anchor instant
    volatility_bps: int  # annualised volatility of the log price: 6_000 = 60%
    spread_bps: int  # ask minus bid, as a share of the mid


class Quote(msgspec.Struct, frozen=True, kw_only=True):
    """What one instrument costs at `as_of` (the start of its second): buy at ask, sell at bid."""

    symbol: str
    bid_minor: int
    ask_minor: int
    mid_minor: int
    currency: str
    as_of: datetime
    spread_bps: int  # the instrument's nominal spread; ask - bid is that, rounded up to whole ticks
    quantity_exponent: int


class Candle(msgspec.Struct, frozen=True, kw_only=True):
    """Mid prices over [start, start + interval): first, extremes seen, last."""

    start: datetime
    open_minor: int
    high_minor: int
    low_minor: int
    close_minor: int


class Fill(msgspec.Struct, frozen=True, kw_only=True):
    """The priced trade: `quantity_units` change hands for `notional_minor` of the currency."""

    symbol: str
    side: Side
    quantity_units: int
    quantity_exponent: int
    price_minor: int
    notional_minor: int
    currency: str
    as_of: datetime


def quote_from_mid(instrument: Instrument, mid_minor: int, as_of: datetime) -> Quote:
    """Bid and ask at half the spread either side of the mid, widened to whole ticks (never narrowed)."""
    assert mid_minor > 0 and mid_minor % instrument.tick_minor == 0, (instrument.symbol, mid_minor)
    half_minor = _ceil_div(mid_minor * instrument.spread_bps, 2 * BPS_PER_UNIT)
    half_minor = _ceil_div(half_minor, instrument.tick_minor) * instrument.tick_minor
    bid_minor, ask_minor = mid_minor - half_minor, mid_minor + half_minor
    assert 0 < bid_minor <= mid_minor <= ask_minor, (instrument.symbol, bid_minor, ask_minor)
    return Quote(symbol=instrument.symbol, bid_minor=bid_minor, ask_minor=ask_minor, mid_minor=mid_minor,
                 currency=instrument.currency, as_of=as_of, spread_bps=instrument.spread_bps,
                 quantity_exponent=instrument.quantity_exponent)


def fill_for_amount(quote: Quote, side: Side, amount_minor: int) -> Fill:
    """Trade about `amount_minor` of money: the quantity is rounded down, so the notional never exceeds
    the amount. A buy pays the notional rounded up to the minor unit; a sell receives it rounded down."""
    _check_side(side)
    _check_positive_int(amount_minor, "amount_minor")
    if amount_minor < limits.ORDER_MIN_MINOR:
        raise errors.OrderTooSmall(f"the minimum order is {limits.ORDER_MIN_MINOR} minor units",
                                   field="amount_minor")
    if amount_minor > limits.ORDER_MAX_MINOR:
        raise errors.OrderTooLarge(f"the maximum order is {limits.ORDER_MAX_MINOR} minor units",
                                   field="amount_minor")
    price_minor = quote.ask_minor if side == "buy" else quote.bid_minor
    quantity_units = amount_minor * 10**quote.quantity_exponent // price_minor
    if quantity_units < 1:
        raise errors.OrderTooSmall("the amount buys less than one unit", field="amount_minor")
    fill = _fill(quote, side, quantity_units, price_minor)
    assert fill.notional_minor <= amount_minor, (fill, amount_minor)
    return fill


def fill_for_quantity(quote: Quote, side: Side, quantity_units: int) -> Fill:
    """Trade exactly `quantity_units`: a buy pays the notional rounded up, a sell receives it rounded
    down, so the house never loses a fraction of a minor unit. A buy must reach the minimum order; a
    sell only has to be worth one minor unit, so a holder can always sell a small remainder."""
    _check_side(side)
    _check_positive_int(quantity_units, "quantity_units")
    if quantity_units > limits.QUANTITY_MAX_UNITS:
        raise errors.OrderTooLarge("the quantity is too large", field="quantity_units")
    price_minor = quote.ask_minor if side == "buy" else quote.bid_minor
    fill = _fill(quote, side, quantity_units, price_minor)
    minimum_minor = limits.ORDER_MIN_MINOR if side == "buy" else 1
    if fill.notional_minor < minimum_minor:
        raise errors.OrderTooSmall(f"a {side} must be worth at least {minimum_minor} minor units",
                                   field="quantity_units")
    if fill.notional_minor > limits.ORDER_MAX_MINOR:
        raise errors.OrderTooLarge(f"the maximum order is {limits.ORDER_MAX_MINOR} minor units",
                                   field="quantity_units")
    return fill


def to_decimal(units: int, exponent: int) -> Decimal:
    """Integer units as an exact decimal: to_decimal(1_234, 2) == Decimal("12.34")."""
    return Decimal(units).scaleb(-exponent)


def to_units(value: Decimal | str, exponent: int, *, field: str = "quantity") -> int:
    """An exact decimal as integer units of 10**-exponent; refuses what cannot be represented exactly."""
    try:
        number = Decimal(value)
    except ArithmeticError:
        raise errors.InvalidOrder("not a decimal number", field=field) from None
    if not number.is_finite():
        raise errors.InvalidOrder("not a finite number", field=field)
    scaled = number.scaleb(exponent)
    if scaled != scaled.to_integral_value():
        raise errors.InvalidOrder(f"at most {exponent} decimal places", field=field)
    return int(scaled)


def _fill(quote: Quote, side: Side, quantity_units: int, price_minor: int) -> Fill:
    exact = quantity_units * price_minor  # in minor units * 10**quantity_exponent
    scale = 10**quote.quantity_exponent
    notional_minor = _ceil_div(exact, scale) if side == "buy" else exact // scale
    return Fill(symbol=quote.symbol, side=side, quantity_units=quantity_units,
                quantity_exponent=quote.quantity_exponent, price_minor=price_minor,
                notional_minor=notional_minor, currency=quote.currency, as_of=quote.as_of)


def _check_side(side: str) -> None:
    if side not in SIDES:
        raise errors.InvalidOrder("side must be buy or sell", field="side")


def _check_positive_int(value: object, field: str) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise errors.InvalidOrder(f"{field} must be a positive integer", field=field)


def _ceil_div(numerator: int, denominator: int) -> int:
    return -(-numerator // denominator)
