"""HTTP API of CashApp investing under /api/cashapp: markets (quotes, charts), trades, holdings."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, post
from litestar.params import Parameter

from casebook.apps.cashapp.investing import service as investing
from casebook.apps.cashapp.investing.schemas import (
    HoldingsRead,
    MarketPage,
    MarketRead,
    Position,
    QuoteRead,
    TradeCreate,
    TradePage,
    TradeRead,
)
from casebook.platform.http.dependencies import PlatformDependency
from casebook.platform.http.pagination import Cursors, clamp_limit
from casebook.platform.http.params import SnowflakeId
from casebook.platform.identity.principal import AuthenticatedAccount
from casebook.platform.uow import UnitOfWork

IdempotencyKey = Annotated[str | None, Parameter(header="Idempotency-Key", required=False)]
Interval = Annotated[str | None, Parameter(max_length=8, description="Candle interval: 1m, 5m, 1h or 1d.")]


class MarketController(Controller):
    """Market data is public: anyone may see prices; trading needs an account."""

    path = "/markets"

    @get("/")
    async def list_markets(self, platform: PlatformDependency) -> MarketPage:
        quotes = investing.list_quotes(platform, now=platform.clock.now())
        return MarketPage(items=[QuoteRead.from_quote(instrument, quote) for instrument, quote in quotes])

    @get("/{symbol:str}")
    async def read_market(self, symbol: str, platform: PlatformDependency, interval: Interval = None) -> MarketRead:
        chart = investing.chart(platform, symbol=symbol, interval=interval, now=platform.clock.now())
        return MarketRead.from_chart(chart)


class TradeController(Controller):
    path = "/trades"

    @post("/", status_code=201)
    async def place_trade(self, data: TradeCreate, platform: PlatformDependency, account: AuthenticatedAccount,
                          idempotency_key: IdempotencyKey = None) -> TradeRead:
        trade = await investing.place_trade(platform, account=account, symbol=data.symbol, side=data.side,
                                            amount=data.amount, quantity=data.quantity, client_key=idempotency_key)
        return TradeRead.from_trade(trade)

    @get("/")
    async def list_trades(self, platform: PlatformDependency, reader: UnitOfWork, account: AuthenticatedAccount,
                          symbol: Annotated[str | None, Parameter(max_length=12)] = None,
                          cursor: str | None = None, limit: int | None = None) -> TradePage:
        cursors = Cursors(platform.settings.secret_key)
        position = cursors.decode(cursor, type=Position)
        trades, next_before_id = await investing.list_trades(
            reader, account_id=account.id, symbol=symbol, limit=clamp_limit(limit),
            before_id=position.before_id if position else None)
        next_cursor = cursors.encode({"before_id": next_before_id}) if next_before_id is not None else None
        return TradePage(items=[TradeRead.from_trade(trade) for trade in trades], next_cursor=next_cursor)

    @get("/{trade_id:int}")
    async def read_trade(self, trade_id: SnowflakeId, reader: UnitOfWork, account: AuthenticatedAccount) -> TradeRead:
        return TradeRead.from_trade(await investing.get_trade(reader, account_id=account.id, trade_id=trade_id))


class HoldingController(Controller):
    path = "/holdings"

    @get("/")
    async def read_holdings(self, platform: PlatformDependency, account: AuthenticatedAccount) -> HoldingsRead:
        return HoldingsRead.from_portfolio(await investing.portfolio(platform, account_id=account.id))
