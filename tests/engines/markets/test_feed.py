"""The feed: deterministic quotes and bounded candles from a seed, in every process alike."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casebook.engines import markets
from casebook.engines.markets import limits
from casebook.platform.errors import Invalid, NotFound

LATER = markets.ANCHOR + timedelta(days=3, hours=5, seconds=17)
SYMBOLS = [instrument.symbol for instrument in markets.CATALOGUE]


def test_two_feeds_with_one_seed_quote_alike_and_another_seed_differs() -> None:
    first, second, other = markets.MarketFeed(seed=7), markets.MarketFeed(seed=7), markets.MarketFeed(seed=8)
    for at in (LATER, LATER + timedelta(days=400), datetime(2001, 9, 9, 1, 46, 40, tzinfo=UTC)):
        assert first.quote_many(SYMBOLS, at) == second.quote_many(SYMBOLS, at)
        assert all(a.mid_minor != b.mid_minor for a, b in zip(first.quote_many(SYMBOLS, at),
                                                            other.quote_many(SYMBOLS, at)))


def test_another_process_sees_the_same_price_at_the_same_second() -> None:
    script = ("from datetime import datetime; from casebook.engines import markets; "
              f"q = markets.MarketFeed(seed=7).quote('BTC', datetime.fromisoformat('{LATER.isoformat()}')); "
              "print(q.bid_minor, q.ask_minor)")
    environment = {**os.environ, "PYTHONHASHSEED": "12345"}  # str hashes differ; the feed must not care
    output = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                            env=environment).stdout.split()
    quote = markets.MarketFeed(seed=7).quote("BTC", LATER)
    assert [int(value) for value in output] == [quote.bid_minor, quote.ask_minor]


def test_every_walk_passes_through_its_reference_price_at_the_anchor() -> None:
    feed = markets.MarketFeed(seed=123)
    for quote, instrument in zip(feed.quote_many(SYMBOLS, markets.ANCHOR), markets.CATALOGUE):
        assert quote.mid_minor == instrument.reference_price_minor
        assert quote.as_of == markets.ANCHOR


def test_a_quote_holds_for_its_whole_second_and_then_moves() -> None:
    feed = markets.MarketFeed()
    start = feed.quote("BTC", LATER)
    assert feed.quote("BTC", LATER + timedelta(microseconds=999_999)) == start
    assert start.as_of == LATER
    later = [feed.quote("BTC", LATER + timedelta(seconds=seconds)).mid_minor for seconds in range(1, 30)]
    assert len(set(later)) > 20  # bitcoin at 60% a year moves about $9 a second


def test_quotes_in_order_equal_quotes_computed_afresh() -> None:
    walked = markets.MarketFeed(seed=5)
    times = [LATER + timedelta(seconds=seconds) for seconds in range(120)]
    assert [walked.quote("ETH", at) for at in times] == [markets.MarketFeed(seed=5).quote("ETH", at)
                                                         for at in times]


@settings(max_examples=200)
@given(st.sampled_from(SYMBOLS), st.integers(min_value=0, max_value=(1 << limits.PATH_LEVELS)))
def test_prices_stay_positive_and_within_the_band(symbol: str, step: int) -> None:
    instrument = markets.get_instrument(symbol)
    quote = markets.shared_feed(3).quote(symbol, datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=step))
    low_minor = instrument.reference_price_minor // limits.PRICE_BAND_FACTOR - instrument.tick_minor
    high_minor = instrument.reference_price_minor * limits.PRICE_BAND_FACTOR + instrument.tick_minor
    assert low_minor <= quote.mid_minor <= high_minor
    assert 0 < quote.bid_minor <= quote.mid_minor <= quote.ask_minor


def test_quote_accepts_any_timezone_and_any_case() -> None:
    feed = markets.MarketFeed()
    assert feed.quote("btc", LATER.astimezone(timezone(timedelta(hours=-5)))) == feed.quote("BTC", LATER)


def test_unknown_symbol_is_not_found() -> None:
    with pytest.raises(markets.UnknownSymbol) as raised:
        markets.MarketFeed().quote("NOPE", LATER)
    assert isinstance(raised.value, NotFound) and raised.value.code == "unknown_symbol"
    with pytest.raises(markets.UnknownSymbol):
        markets.MarketFeed().history("NOPE", start=LATER, end=LATER + timedelta(hours=1), interval_s=60)


@pytest.mark.parametrize("at", [datetime(2026, 1, 1), datetime(1969, 12, 31, 23, 59, 59, tzinfo=UTC),
                                datetime(9999, 1, 1, tzinfo=UTC)])
def test_refuses_naive_and_out_of_span_times(at: datetime) -> None:
    with pytest.raises(markets.InvalidTime):
        markets.MarketFeed().quote("BTC", at)


def test_quote_many_answers_in_the_order_asked_and_is_bounded() -> None:
    feed = markets.MarketFeed()
    quotes = feed.quote_many(["TSLA", "BTC", "tsla"], LATER)
    assert [quote.symbol for quote in quotes] == ["TSLA", "BTC", "TSLA"]
    with pytest.raises(Invalid):
        feed.quote_many(["BTC"] * (limits.QUOTE_SYMBOLS_MAX + 1), LATER)


def test_candles_are_aligned_consecutive_and_consistent() -> None:
    feed = markets.MarketFeed(seed=11)
    start, end = LATER + timedelta(minutes=7, seconds=3), LATER + timedelta(hours=6, minutes=2)
    candles = feed.history("BTC", start=start, end=end, interval_s=900)
    first = datetime(2026, 1, 4, 5, 0, tzinfo=UTC)  # start floored to a quarter hour
    assert [candle.start for candle in candles] == [first + timedelta(minutes=15 * n) for n in range(25)]
    for candle in candles:
        assert candle.low_minor <= min(candle.open_minor, candle.close_minor)
        assert max(candle.open_minor, candle.close_minor) <= candle.high_minor
        assert candle.open_minor == feed.quote("BTC", candle.start).mid_minor
    assert candles[-1].close_minor == feed.quote("BTC", end - timedelta(seconds=1)).mid_minor
    assert candles[0].close_minor == feed.quote("BTC", first + timedelta(seconds=899)).mid_minor


def test_a_whole_candle_is_the_same_whichever_window_asks() -> None:
    feed = markets.MarketFeed(seed=11)
    wide = feed.history("AAPL", start=LATER, end=LATER + timedelta(days=10), interval_s=3600)
    narrow = markets.MarketFeed(seed=11).history(
        "AAPL", start=LATER + timedelta(days=2), end=LATER + timedelta(days=3), interval_s=3600)
    assert narrow[1:-1] == [candle for candle in wide if candle.start in {c.start for c in narrow[1:-1]}]
    assert len(narrow) == 25


def test_one_second_candles_are_the_quoted_mids() -> None:
    feed = markets.MarketFeed()
    candles = feed.history("KO", start=LATER, end=LATER + timedelta(seconds=5), interval_s=1)
    mids = [feed.quote("KO", LATER + timedelta(seconds=n)).mid_minor for n in range(5)]
    prices = [(candle.open_minor, candle.high_minor, candle.low_minor, candle.close_minor)
              for candle in candles]
    assert prices == [(mid, mid, mid, mid) for mid in mids]


def test_history_is_bounded_to_a_thousand_candles() -> None:
    feed = markets.MarketFeed()
    start = datetime(2026, 1, 1, tzinfo=UTC)
    assert len(feed.history("BTC", start=start, end=start + timedelta(days=1000), interval_s=86_400)) == 1_000
    with pytest.raises(markets.InvalidInterval):
        feed.history("BTC", start=start, end=start + timedelta(days=1000, seconds=1), interval_s=86_400)


@pytest.mark.parametrize("interval_s", [0, -60, 1.5, True, limits.CANDLE_INTERVAL_MAX_S + 1, "60"])
def test_refuses_bad_intervals(interval_s: object) -> None:
    with pytest.raises(markets.InvalidInterval) as raised:
        markets.MarketFeed().history("BTC", start=LATER, end=LATER + timedelta(hours=1),
                                     interval_s=interval_s)  # type: ignore[arg-type]
    assert raised.value.status == 422


def test_refuses_an_empty_or_reversed_window() -> None:
    feed = markets.MarketFeed()
    for end in (LATER, LATER - timedelta(hours=1), LATER + timedelta(microseconds=10)):
        with pytest.raises(markets.InvalidInterval):
            feed.history("BTC", start=LATER, end=end, interval_s=60)
