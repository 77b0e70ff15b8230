"""CashApp's bitcoin and stocks pages: live quote, a small chart, buy and sell by dollars, holdings."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, Parameter
from litestar.response import Redirect, Template

from casebook.apps.cashapp import rules as cashapp_rules
from casebook.apps.cashapp.investing import rules
from casebook.apps.cashapp.investing import service as investing
from casebook.apps.cashapp.service import profiles
from casebook.engines import ledger, markets
from casebook.platform.errors import CasebookError
from casebook.platform.http.dependencies import PlatformDependency
from casebook.platform.identity.principal import AuthenticatedAccount

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
CHART_WIDTH, CHART_HEIGHT = 480, 120  # the SVG's viewBox, in its own units
QUOTE_REFRESH_S = 2  # the quote polls the (deterministic, per-second) feed; cheap, and works behind any proxy


class InvestingPages(Controller):
    path = "/"

    @get("/bitcoin")
    async def bitcoin(self, platform: PlatformDependency, maybe_account: AuthenticatedAccount | None) -> Template:
        return Template("cashapp/investing.html", context=await _page_context(platform, maybe_account, "BTC"))

    @get("/stocks")
    async def stocks(self, platform: PlatformDependency, maybe_account: AuthenticatedAccount | None,
                     symbol: Annotated[str, Parameter(max_length=12)] = "AAPL") -> Template:
        instrument = rules.tradable(symbol)
        if instrument.kind != "stock":
            return Template("cashapp/investing.html", context=await _page_context(platform, maybe_account, "BTC"))
        return Template("cashapp/investing.html",
                        context=await _page_context(platform, maybe_account, instrument.symbol))

    @get("/investing/{symbol:str}/quote")
    async def quote(self, symbol: str, platform: PlatformDependency) -> Template:
        instrument, current = investing.quote(platform, symbol=symbol, now=platform.clock.now())
        return Template("cashapp/_investing_quote.html", context=_quote_context(instrument, current))

    @post("/investing/trade")
    async def trade(self, request: Request, platform: PlatformDependency, account: AuthenticatedAccount,
                    data: Form) -> Template | Redirect:
        """One form for buying and selling: the pressed button names the side; "all" sells the whole holding."""
        is_htmx = request.headers.get("hx-request") == "true"
        symbol = data.get("symbol", "")
        try:
            amount, quantity = data.get("amount") or None, data.get("quantity") or None
            await investing.place_trade(platform, account=account, symbol=symbol, side=data.get("side", ""),
                                        amount=amount, quantity=quantity, client_key=data.get("key"))
            instrument = rules.tradable(symbol)
        except CasebookError as refusal:
            if is_htmx:  # htmx swaps only 2xx answers: keep the panel, put the message out of band into the form
                return Template("cashapp/_form_error.html", context={"message": refusal.detail},
                                headers={"HX-Reswap": "none"})
            shown = _known_symbol(symbol)
            context = await _page_context(platform, account, shown) | {"error": refusal.detail}
            return Template("cashapp/investing.html", context=context, status_code=refusal.status)
        if is_htmx:
            return Template("cashapp/_investing_panel.html",
                            context=await _panel_context(platform, account, instrument.symbol))
        return Redirect(_page_of(instrument), status_code=303)  # See Other: the browser GETs the page


def _known_symbol(symbol: str) -> str:
    try:
        return rules.tradable(symbol).symbol
    except CasebookError:
        return "BTC"


def _page_of(instrument: markets.Instrument) -> str:
    return "/cashapp/bitcoin" if instrument.kind == "crypto" else f"/cashapp/stocks?symbol={instrument.symbol}"


async def _page_context(platform: PlatformDependency, account: AuthenticatedAccount | None,
                        symbol: str) -> dict[str, Any]:
    now = platform.clock.now()
    stocks = [(instrument, quote) for instrument, quote in investing.list_quotes(platform, now=now)
              if instrument.kind == "stock"]
    context = {"account": account, "stocks": stocks, "page_of": _page_of, "error": None}
    if account is None:
        instrument, current = investing.quote(platform, symbol=symbol, now=now)
        return context | {"instrument": instrument} | _quote_context(instrument, current)
    return context | await _panel_context(platform, account, symbol)


async def _panel_context(platform: PlatformDependency, account: AuthenticatedAccount, symbol: str) -> dict[str, Any]:
    """The panel of one symbol: quote, chart, your holding and cash, the trade form, your portfolio."""
    overview = await profiles.overview(platform, account)
    chart = investing.chart(platform, symbol=symbol, interval=None, now=platform.clock.now())
    portfolio = await investing.portfolio(platform, account_id=account.id)
    holding = next((h for h in portfolio.holdings if h.instrument.symbol == chart.instrument.symbol), None)
    return {"account": account, "instrument": chart.instrument, "cash_minor": overview.balances.available_minor,
            "holding": holding, "portfolio": portfolio, "chart_points": chart_points(chart.candles),
            "chart_interval": chart.interval, "form_key": uuid.uuid4().hex, "format_amount": _dollars,
            "format_quantity": rules.format_quantity, "page_of": _page_of,
            **_quote_context(chart.instrument, chart.quote)}


def _quote_context(instrument: markets.Instrument, quote: markets.Quote) -> dict[str, Any]:
    return {"quote_instrument": instrument, "quote": quote, "format_amount": _dollars,
            "refresh_s": QUOTE_REFRESH_S}


def _dollars(amount_minor: int) -> str:
    """Dollars with thousands separators for people: 90,123.45."""
    return f"{ledger.to_major(amount_minor, cashapp_rules.CURRENCY):,}"


def chart_points(candles: list[markets.Candle]) -> str:
    """The closes as an SVG polyline's points, scaled to fill the chart box (a flat line sits mid-height)."""
    if not candles:
        return ""
    closes = [candle.close_minor for candle in candles]
    low, high = min(closes), max(closes)
    span = high - low
    step = CHART_WIDTH / max(len(closes) - 1, 1)
    points = []
    for index, close in enumerate(closes):
        y = CHART_HEIGHT / 2 if span == 0 else CHART_HEIGHT - (close - low) * CHART_HEIGHT / span
        points.append(f"{index * step:.1f},{y:.1f}")
    return " ".join(points)
