"""The simulated market data feed: per-symbol seeded random walks turned into quotes and candles.

The mid price of a symbol at step t (one step per second since the Unix epoch) is

    reference * exp(fold(sigma * (W(t) - W(anchor))))

with W a Brownian path keyed by (seed, symbol), sigma the instrument's volatility per square-root
second, and fold a reflection that keeps the log price within ±ln(PRICE_BAND_FACTOR) of the reference:
geometric Brownian motion without drift, reflected at its bounds, passing through the reference price
at the anchor instant. It is rounded to the instrument's tick. Every process with the same seed sees
the same price at the same second, so serve processes and workers scale out without sharing a feed
(machines whose C libraries round exp or cos differently in the last bit could, rarely, differ by a tick).
The simulated market never closes. Callers must not show prices of times after their clock's now:
the path is as computable ahead as behind.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from casebook.engines.markets import errors, instruments, limits, walk
from casebook.engines.markets.model import Candle, Instrument, Quote, quote_from_mid
from casebook.platform.errors import Invalid

DEFAULT_SEED = 1
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
STEP = timedelta(seconds=limits.STEP_S)
SECONDS_PER_YEAR = 365.25 * 86_400
_BAND_LOG = math.log(limits.PRICE_BAND_FACTOR)


class SymbolWalk:
    """One instrument's price path: integer mid prices by step."""

    __slots__ = ("_anchor_w", "_path", "_sigma_per_step", "instrument")

    def __init__(self, instrument: Instrument, seed: int) -> None:
        self.instrument = instrument
        self._path = walk.BrownianPath(walk.path_key(seed, instrument.symbol))
        volatility = instrument.volatility_bps / 10_000
        self._sigma_per_step = volatility * math.sqrt(limits.STEP_S / SECONDS_PER_YEAR)
        self._anchor_w = self._path.at(step_of(instruments.ANCHOR))

    def mid_minor(self, step: int) -> int:
        log_move = fold(self._sigma_per_step * (self._path.at(step) - self._anchor_w), _BAND_LOG)
        instrument = self.instrument
        ticks = round(instrument.reference_price_minor * math.exp(log_move) / instrument.tick_minor)
        return max(ticks, 1) * instrument.tick_minor


class MarketFeed:
    """Quotes and candles for the catalogue, from one seed. Cheap to create; keep one per process."""

    def __init__(self, *, seed: int = DEFAULT_SEED) -> None:
        self.seed = seed
        self._walks: dict[str, SymbolWalk] = {}

    def _walk_of(self, symbol: str) -> SymbolWalk:
        instrument = instruments.get_instrument(symbol)
        symbol_walk = self._walks.get(instrument.symbol)
        if symbol_walk is None:
            symbol_walk = self._walks[instrument.symbol] = SymbolWalk(instrument, self.seed)
        return symbol_walk

    def quote(self, symbol: str, at: datetime) -> Quote:
        """The quote of `symbol` in the second holding `at` (timezone-aware)."""
        step = step_of(at)
        symbol_walk = self._walk_of(symbol)
        return quote_from_mid(symbol_walk.instrument, symbol_walk.mid_minor(step), time_of(step))

    def quote_many(self, symbols: Iterable[str], at: datetime) -> list[Quote]:
        """Quotes of up to QUOTE_SYMBOLS_MAX symbols at one instant, in the order asked."""
        symbols = list(symbols)
        if len(symbols) > limits.QUOTE_SYMBOLS_MAX:
            raise Invalid(f"at most {limits.QUOTE_SYMBOLS_MAX} symbols", field="symbols",
                          code="too_many_symbols")
        return [self.quote(symbol, at) for symbol in symbols]

    def history(self, symbol: str, *, start: datetime, end: datetime, interval_s: int) -> list[Candle]:
        """Candles of `interval_s` over [start, end), aligned to multiples of the interval since the
        epoch so a candle is the same whichever window asks for it; the last one may be partial.

        High and low are the extremes of the open, the close and up to CANDLE_SAMPLES_MAX points
        between them on a regular grid: a chart's candle, cheap to draw, not an audit record.
        """
        check_interval(interval_s)
        start_step, end_step = step_of(start), step_of(end)
        if end_step <= start_step:
            raise errors.InvalidInterval("end must be at least one second after start", field="end")
        candle_steps = interval_s // limits.STEP_S
        first_step = start_step - start_step % candle_steps
        count = -(-(end_step - first_step) // candle_steps)
        if count > limits.HISTORY_CANDLES_MAX:
            raise errors.InvalidInterval(
                f"at most {limits.HISTORY_CANDLES_MAX} candles: widen the interval or narrow the window",
                field="interval_s")
        symbol_walk = self._walk_of(symbol)
        grid_steps = _sample_grid(candle_steps)
        candles = []
        for candle_start in range(first_step, end_step, candle_steps):
            last_step = min(candle_start + candle_steps, end_step) - 1
            first_grid = candle_start - candle_start % grid_steps + grid_steps
            steps = [candle_start, *range(first_grid, last_step, grid_steps), last_step]
            prices = [symbol_walk.mid_minor(step) for step in steps]
            candles.append(Candle(start=time_of(candle_start), open_minor=prices[0], high_minor=max(prices),
                                  low_minor=min(prices), close_minor=prices[-1]))
        return candles


def fold(value: float, bound: float) -> float:
    """Reflect `value` into [-bound, bound] like a ball between two walls (identity inside them)."""
    shifted = (value + bound) % (4.0 * bound)
    if shifted > 2.0 * bound:
        shifted = 4.0 * bound - shifted
    return shifted - bound


def step_of(at: datetime) -> int:
    """The feed's step holding `at`: whole STEP_S since the epoch. Naive or out-of-span times are refused."""
    if not isinstance(at, datetime) or at.utcoffset() is None:
        raise errors.InvalidTime("a timezone-aware datetime is required", field="at")
    step = (at - EPOCH) // STEP
    if not 0 <= step <= 1 << limits.PATH_LEVELS:
        raise errors.InvalidTime("the simulated market starts at the Unix epoch", field="at")
    return step


def time_of(step: int) -> datetime:
    return EPOCH + step * STEP


def check_interval(interval_s: int) -> None:
    if (not isinstance(interval_s, int) or isinstance(interval_s, bool) or interval_s < limits.STEP_S
            or interval_s > limits.CANDLE_INTERVAL_MAX_S or interval_s % limits.STEP_S):
        raise errors.InvalidInterval(
            f"interval_s must be whole seconds from {limits.STEP_S} to {limits.CANDLE_INTERVAL_MAX_S}",
            field="interval_s")


def _sample_grid(candle_steps: int) -> int:
    """A power-of-two spacing giving at most CANDLE_SAMPLES_MAX inner points per candle. Powers of two
    are the walk's own dyadic points, so reading them in order redraws only a level or two each."""
    grid_steps = 1
    while candle_steps // grid_steps > limits.CANDLE_SAMPLES_MAX:
        grid_steps *= 2
    return grid_steps


@functools.lru_cache(maxsize=limits.FEEDS_MAX)
def shared_feed(seed: int = DEFAULT_SEED) -> MarketFeed:
    """This process's feed for `seed`: a memo of a pure function, so sharing it is safe."""
    return MarketFeed(seed=seed)


def seed_from_secret(secret_key: str) -> int:
    """A deployment's seed from its secret key: its processes agree without coordination, and its
    path cannot be computed ahead from the public source alone."""
    if not secret_key:
        return DEFAULT_SEED
    return int.from_bytes(walk.path_key(0, "seed:" + secret_key)[:8], "big")
