"""Pricing rules: quotes around a mid, and fills that never give the house's fractions away."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casebook.engines import markets
from casebook.engines.markets import limits
from casebook.engines.markets.instruments import INSTRUMENTS
from casebook.engines.markets.model import quote_from_mid
from casebook.platform.errors import Invalid

AT = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


@st.composite
def quotes(draw: st.DrawFn) -> markets.Quote:
    instrument = draw(st.sampled_from(markets.CATALOGUE))
    # Up to $100,000 a unit: above that, $1 buys not even a micro-share.
    mid_ticks = draw(st.integers(min_value=100, max_value=10**7))
    return quote_from_mid(instrument, mid_ticks * instrument.tick_minor, AT)


amounts = st.integers(min_value=limits.ORDER_MIN_MINOR, max_value=limits.ORDER_MAX_MINOR)
sides = st.sampled_from(markets.model.SIDES)


def btc_quote(mid_minor: int = 9_000_000) -> markets.Quote:
    return quote_from_mid(INSTRUMENTS["BTC"], mid_minor, AT)


def test_quote_puts_half_the_spread_either_side_of_the_mid() -> None:
    quote = btc_quote(9_000_000)  # $90,000 at 50 bps: $225 either side
    assert (quote.bid_minor, quote.mid_minor, quote.ask_minor) == (8_977_500, 9_000_000, 9_022_500)
    assert quote.spread_bps == 50 and quote.currency == "USD" and quote.quantity_exponent == 8


def test_quote_widens_a_sub_tick_half_spread_to_a_whole_tick() -> None:
    quote = quote_from_mid(INSTRUMENTS["SPY"], 100, AT)  # 1 bps of $1.00 is 0.005 cents
    assert (quote.bid_minor, quote.ask_minor) == (99, 101)


@given(quotes())
def test_spread_is_never_negative_nor_narrower_than_nominal(quote: markets.Quote) -> None:
    assert 0 < quote.bid_minor <= quote.mid_minor <= quote.ask_minor
    assert (quote.ask_minor - quote.bid_minor) * 10_000 >= quote.mid_minor * quote.spread_bps


@given(quotes(), amounts)
def test_buy_at_ask_costs_at_least_a_sell_at_bid(quote: markets.Quote, amount_minor: int) -> None:
    buy = markets.fill_for_amount(quote, "buy", amount_minor)
    sell = markets.fill_for_amount(quote, "sell", amount_minor)
    assert buy.price_minor == quote.ask_minor >= sell.price_minor == quote.bid_minor
    assert buy.quantity_units <= sell.quantity_units  # the same money buys less than it sells


@given(quotes(), sides, amounts)
def test_fill_by_amount_never_exceeds_the_amount_and_misses_it_by_under_one_unit(
        quote: markets.Quote, side: markets.Side, amount_minor: int) -> None:
    fill = markets.fill_for_amount(quote, side, amount_minor)
    unit_worth_minor = fill.price_minor // 10**quote.quantity_exponent + 1
    assert amount_minor - unit_worth_minor <= fill.notional_minor <= amount_minor
    assert fill.quantity_units >= 1 and fill.side == side and fill.symbol == quote.symbol


@given(quotes(), sides, st.integers(min_value=1, max_value=10**14))
def test_fill_by_quantity_rounds_the_notional_in_the_house_favour(
        quote: markets.Quote, side: markets.Side, quantity_units: int) -> None:
    try:
        fill = markets.fill_for_quantity(quote, side, quantity_units)
    except (markets.OrderTooSmall, markets.OrderTooLarge):
        return
    exact = quantity_units * fill.price_minor  # minor units * 10**exponent
    scaled_notional = fill.notional_minor * 10**quote.quantity_exponent
    if side == "buy":
        assert exact <= scaled_notional < exact + 10**quote.quantity_exponent
    else:
        assert exact - 10**quote.quantity_exponent < scaled_notional <= exact


@given(quotes(), amounts)
def test_round_trip_buy_then_sell_at_once_never_gains_money(quote: markets.Quote, amount_minor: int) -> None:
    buy = markets.fill_for_amount(quote, "buy", amount_minor)
    sell = markets.fill_for_quantity(quote, "sell", buy.quantity_units)
    assert sell.quantity_units == buy.quantity_units
    assert sell.notional_minor <= buy.notional_minor <= amount_minor


def test_buys_a_dollar_of_bitcoin_in_whole_satoshi() -> None:
    fill = markets.fill_for_amount(btc_quote(), "buy", 100)
    # 100 cents at $90,225.00 a bitcoin: 1,108.34 satoshi, rounded down to 1,108, worth 99.969 cents
    assert (fill.quantity_units, fill.price_minor, fill.notional_minor) == (1_108, 9_022_500, 100)
    assert markets.to_decimal(fill.quantity_units, fill.quantity_exponent) == Decimal("0.00001108")


def test_sells_fractional_shares_for_the_proceeds_rounded_down() -> None:
    quote = quote_from_mid(INSTRUMENTS["AAPL"], 27_000, AT)  # bid $269.97
    fill = markets.fill_for_quantity(quote, "sell", 1_500_000)  # 1.5 shares
    assert (fill.price_minor, fill.notional_minor) == (26_997, 40_495)  # $404.955 -> $404.95


@pytest.mark.parametrize(("side", "amount_minor", "error"), [
    ("buy", 99, markets.OrderTooSmall),
    ("sell", 99, markets.OrderTooSmall),
    ("buy", limits.ORDER_MAX_MINOR + 1, markets.OrderTooLarge),
    ("buy", 0, markets.InvalidOrder),
    ("buy", -100, markets.InvalidOrder),
    ("buy", True, markets.InvalidOrder),
    ("buy", 100.0, markets.InvalidOrder),
    ("hold", 100, markets.InvalidOrder),
])
def test_refuses_bad_orders_by_amount(side: str, amount_minor: object, error: type[Invalid]) -> None:
    with pytest.raises(error) as raised:
        markets.fill_for_amount(btc_quote(), side, amount_minor)  # type: ignore[arg-type]
    assert isinstance(raised.value, Invalid) and raised.value.status == 422


def test_refuses_a_buy_by_quantity_below_the_minimum_but_sells_a_remainder_worth_a_cent() -> None:
    quote = btc_quote()  # one satoshi: about 0.09 cents
    with pytest.raises(markets.OrderTooSmall):
        markets.fill_for_quantity(quote, "buy", 1_000)  # $0.90
    with pytest.raises(markets.OrderTooSmall):
        markets.fill_for_quantity(quote, "sell", 1)  # worth 0.0897 cents: nothing to pay out
    assert markets.fill_for_quantity(quote, "sell", 12).notional_minor == 1


def test_refuses_a_quantity_worth_more_than_the_maximum() -> None:
    with pytest.raises(markets.OrderTooLarge):
        markets.fill_for_quantity(btc_quote(), "buy", 100 * 10**8)  # 100 BTC: $9M
    with pytest.raises(markets.OrderTooLarge):
        markets.fill_for_quantity(btc_quote(), "sell", 10**40)


@given(st.integers(min_value=0, max_value=10**20), st.sampled_from([0, 2, 6, 8]))
def test_decimal_round_trip_is_exact(units: int, exponent: int) -> None:
    assert markets.to_units(markets.to_decimal(units, exponent), exponent) == units
    assert markets.to_units(str(markets.to_decimal(units, exponent)), exponent) == units


@pytest.mark.parametrize("value", ["0.0000001", "abc", "NaN", "Infinity"])
def test_to_units_refuses_what_the_unit_cannot_hold(value: str) -> None:
    with pytest.raises(markets.InvalidOrder):
        markets.to_units(value, 6)
