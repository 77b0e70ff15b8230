"""Every bound of the markets engine, units last (TigerBeetle: a limit on everything)."""

STEP_S = 1  # the feed's resolution: one price per symbol per second, the same in every process
PATH_LEVELS = 36  # the walk spans 2**36 steps from the Unix epoch: until about the year 4147
PRICE_BAND_FACTOR = 3  # a price stays within [reference / 3, reference * 3]: moves of years, never absurd

SYMBOL_CHARS_MAX = 12
QUOTE_SYMBOLS_MAX = 100  # one quote_many call, or one ticker

HISTORY_CANDLES_MAX = 1_000  # a chart needs a few hundred points; 1,000 bounds one request's work
CANDLE_INTERVAL_MAX_S = 7 * 86_400  # weekly candles: five years in 261 points
CANDLE_SAMPLES_MAX = 16  # path points read inside one candle (plus open and close) to find its high and low

# $1: Cash App's and Robinhood's minimum for dollar-based and crypto orders.
ORDER_MIN_MINOR = 100
# $1,000,000: far above a retail trade; keeps every notional well inside a signed BIGINT.
ORDER_MAX_MINOR = 100_000_000
QUANTITY_MAX_UNITS = 2**62  # checked before any arithmetic on a quantity

TICKER_INTERVAL_MIN_S = 0.01
FEEDS_MAX = 8  # distinct seeds whose feeds one process memoises
