"""Request and response shapes of CashApp investing: money in decimal strings of dollars, quantities in
decimal strings of whole units (bitcoin, shares)."""

from __future__ import annotations

from datetime import datetime

import msgspec

from casebook.apps.cashapp import rules as cashapp_rules
from casebook.apps.cashapp.investing import rules
from casebook.apps.cashapp.investing import service as investing
from casebook.engines import markets


class Schema(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    pass


def _dollars(amount_minor: int) -> str:
    return cashapp_rules.format_amount(amount_minor)


class QuoteRead(Schema):
    symbol: str
    name: str
    kind: str  # crypto | stock
    bid: str  # what a sale gets per whole unit
    ask: str  # what a purchase pays per whole unit
    mid: str
    spread: str  # ask - bid
    spread_bps: int
    currency: str
    quantity_decimals: int  # 8: satoshi; 6: micro-shares
    as_of: datetime

    @classmethod
    def from_quote(cls, instrument: markets.Instrument, quote: markets.Quote) -> QuoteRead:
        return cls(symbol=instrument.symbol, name=instrument.name, kind=instrument.kind,
                   bid=_dollars(quote.bid_minor), ask=_dollars(quote.ask_minor), mid=_dollars(quote.mid_minor),
                   spread=_dollars(quote.ask_minor - quote.bid_minor), spread_bps=quote.spread_bps,
                   currency=quote.currency, quantity_decimals=instrument.quantity_exponent, as_of=quote.as_of)


class MarketPage(Schema):
    items: list[QuoteRead]


class CandleRead(Schema):
    start: datetime
    open: str
    high: str
    low: str
    close: str

    @classmethod
    def from_candle(cls, candle: markets.Candle) -> CandleRead:
        return cls(start=candle.start, open=_dollars(candle.open_minor), high=_dollars(candle.high_minor),
                   low=_dollars(candle.low_minor), close=_dollars(candle.close_minor))


class MarketRead(QuoteRead):
    """A quote with its recent candles (mid prices) of the asked interval."""

    interval: str
    candles: list[CandleRead]

    @classmethod
    def from_chart(cls, chart: investing.Chart) -> MarketRead:
        quote = QuoteRead.from_quote(chart.instrument, chart.quote)
        return cls(**msgspec.structs.asdict(quote), interval=chart.interval,
                   candles=[CandleRead.from_candle(candle) for candle in chart.candles])


class TradeCreate(Schema):
    symbol: str
    side: str  # buy | sell
    amount: str | None = None  # dollars to trade ("25.00"), or
    quantity: str | None = None  # units to trade ("0.0005" bitcoin, "1.5" shares)


class TradeRead(Schema):
    id: str  # the ledger transaction
    symbol: str
    name: str
    side: str
    quantity: str
    price: str  # per whole unit: the ask for a buy, the bid for a sell
    amount: str  # paid for a buy, received for a sell
    fee: str
    currency: str
    quoted_at: datetime
    created_at: datetime

    @classmethod
    def from_trade(cls, trade: investing.Trade) -> TradeRead:
        row = trade.row
        return cls(id=str(row.id), symbol=row.symbol, name=trade.instrument.name, side=row.side,
                   quantity=rules.format_quantity(row.quantity_units, row.quantity_exponent),
                   price=_dollars(row.price_minor), amount=_dollars(row.amount_minor), fee=_dollars(row.fee_minor),
                   currency=row.currency, quoted_at=row.quoted_at, created_at=row.created_at)


class TradePage(Schema):
    items: list[TradeRead]
    next_cursor: str | None = None


class HoldingRead(Schema):
    symbol: str
    name: str
    kind: str
    quantity: str
    average_cost: str | None  # per whole unit
    cost_basis: str  # what the units held cost
    price: str  # the bid now
    value: str  # quantity at the bid
    gain: str  # value - cost_basis
    currency: str

    @classmethod
    def from_holding(cls, holding: investing.Holding) -> HoldingRead:
        instrument, average = holding.instrument, holding.average_cost_minor
        return cls(symbol=instrument.symbol, name=instrument.name, kind=instrument.kind,
                   quantity=rules.format_quantity(holding.quantity_units, instrument.quantity_exponent),
                   average_cost=None if average is None else _dollars(average),
                   cost_basis=_dollars(holding.cost_basis_minor), price=_dollars(holding.quote.bid_minor),
                   value=_dollars(holding.value_minor), gain=_dollars(holding.value_minor - holding.cost_basis_minor),
                   currency=instrument.currency)


class HoldingsRead(Schema):
    items: list[HoldingRead]
    total_value: str
    total_cost_basis: str
    total_gain: str
    currency: str
    as_of: datetime

    @classmethod
    def from_portfolio(cls, portfolio: investing.Portfolio) -> HoldingsRead:
        return cls(items=[HoldingRead.from_holding(holding) for holding in portfolio.holdings],
                   total_value=_dollars(portfolio.value_minor), total_cost_basis=_dollars(portfolio.cost_basis_minor),
                   total_gain=_dollars(portfolio.value_minor - portfolio.cost_basis_minor),
                   currency=cashapp_rules.CURRENCY, as_of=portfolio.as_of)


class Position(msgspec.Struct):
    before_id: int
