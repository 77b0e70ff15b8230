"""CashApp's bitcoin and stocks pages (session, CSRF, htmx and plain forms) and the investing demo data."""

from __future__ import annotations

from sqlalchemy import func, select

from casebook.apps.cashapp import demo
from casebook.apps.cashapp.investing import demo as investing_demo
from casebook.apps.cashapp.investing.models import HoldingRow, TradeRow
from casebook.apps.cashapp.investing.ui import CHART_HEIGHT, chart_points
from casebook.engines import ledger, markets
from tests.apps.cashapp.factories import fund, join
from tests.apps.cashapp.test_investing import all_counts
from tests.platform.identity.harness import csrf_token, login, register, sign_in_with_form


async def signed_in_with_cash(client, platform, username: str, amount: str) -> str:
    """Fund through the API first (once the client holds a session, API calls need CSRF too), then sign in."""
    await register(client, username)
    headers = {"Authorization": f"Bearer {(await login(client, username))['access_token']}"}
    assert (await client.get("/api/cashapp/me", headers=headers)).status_code == 200
    await fund(client, platform, headers, amount)
    await sign_in_with_form(client, username)
    return await csrf_token(client, "/cashapp/bitcoin")


async def test_anyone_sees_the_bitcoin_price_and_is_asked_to_sign_in(client, platform) -> None:
    page = await client.get("/cashapp/bitcoin")
    stocks = await client.get("/cashapp/stocks", params={"symbol": "msft"})
    fragment = await client.get("/cashapp/investing/AAPL/quote")

    assert page.status_code == 200 and 'data-testid="ask"' in page.text and 'data-testid="bid"' in page.text
    assert "Sign in" in page.text and "/cashapp/investing/trade" not in page.text
    assert '<a href="/cashapp/bitcoin" aria-current="page">Bitcoin</a>' in page.text
    assert stocks.status_code == 200 and "Microsoft Corporation" in stocks.text and "NVDA" in stocks.text
    assert fragment.status_code == 200 and "<html" not in fragment.text and "Apple Inc." in fragment.text
    assert 'hx-trigger="every 2s"' in fragment.text


async def test_a_signed_in_user_buys_and_sells_bitcoin_with_htmx(client, platform) -> None:
    token = await signed_in_with_cash(client, platform, "alice", "40.00")
    page = await client.get("/cashapp/bitcoin")

    bought = await client.post("/cashapp/investing/trade", headers={"HX-Request": "true"}, data={
        "symbol": "BTC", "side": "buy", "amount": "20.00", "key": "ui-buy", "_csrf": token})
    again = await client.post("/cashapp/investing/trade", headers={"HX-Request": "true"}, data={
        "symbol": "BTC", "side": "buy", "amount": "20.00", "key": "ui-buy", "_csrf": token})
    async with platform.reader() as uow:
        [holding] = list(await uow.session.scalars(select(HoldingRow)))
        held_units = (await ledger.balances(uow, holding.ledger_account_id)).posted_minor
    quantity = format(markets.to_decimal(held_units, 8).normalize(), "f")
    sold_all = await client.post("/cashapp/investing/trade", headers={"HX-Request": "true"}, data={
        "symbol": "BTC", "side": "sell", "quantity": quantity, "key": "ui-sell-all", "_csrf": token})

    assert page.status_code == 200 and "<svg" in page.text and "<polyline" in page.text
    assert 'data-testid="cash"' in page.text and "$40.00" in page.text
    assert bought.status_code == 200 and "<html" not in bought.text
    assert "$20.00" in bought.text and f"{quantity}\n    BTC" in bought.text and "Sell all BTC" in bought.text
    assert again.status_code == 200  # the same form key: shown again, bought once
    assert sold_all.status_code == 200 and "you hold no BTC" in sold_all.text and "No investments yet." in sold_all.text
    async with platform.reader() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(TradeRow)) == 2


async def test_a_refused_trade_shows_why_and_changes_nothing(client, platform) -> None:
    token = await signed_in_with_cash(client, platform, "alice", "10.00")
    before = await all_counts(platform)

    refused = await client.post("/cashapp/investing/trade", headers={"HX-Request": "true"}, data={
        "symbol": "AAPL", "side": "sell", "amount": "5.00", "key": "k1", "_csrf": token})
    plain = await client.post("/cashapp/investing/trade", data={
        "symbol": "BTC", "side": "buy", "amount": "abc", "key": "k2", "_csrf": token})
    unknown = await client.post("/cashapp/investing/trade", data={
        "symbol": "NOPE", "side": "buy", "amount": "5.00", "key": "k3", "_csrf": token})
    no_csrf = await client.post("/cashapp/investing/trade", data={
        "symbol": "BTC", "side": "buy", "amount": "5.00", "key": "k4"})

    assert refused.status_code == 200 and refused.headers["hx-reswap"] == "none"
    assert "You hold 0 AAPL" in refused.text and 'hx-swap-oob="innerHTML:#form-error"' in refused.text
    assert plain.status_code == 422 and "decimal string" in plain.text and "<html" in plain.text
    assert unknown.status_code == 404 and "<html" in unknown.text
    assert no_csrf.status_code == 403
    assert await all_counts(platform) == before


async def test_a_plain_form_buy_redirects_to_the_stock_page(client, platform) -> None:
    token = await signed_in_with_cash(client, platform, "alice", "30.00")

    bought = await client.post("/cashapp/investing/trade", data={
        "symbol": "KO", "side": "buy", "amount": "12.00", "key": "plain-buy", "_csrf": token})
    page = await client.get("/cashapp/stocks", params={"symbol": "KO"})

    assert bought.status_code == 303 and bought.headers["location"] == "/cashapp/stocks?symbol=KO"
    assert page.status_code == 200 and "The Coca-Cola Company" in page.text and 'data-testid="holding"' in page.text
    assert "$18.00" in page.text  # the cash left


def test_the_chart_fills_its_box_and_keeps_a_flat_line_in_the_middle() -> None:
    def candle(close_minor: int) -> markets.Candle:
        return markets.Candle(start=markets.ANCHOR, open_minor=close_minor, high_minor=close_minor,
                              low_minor=close_minor, close_minor=close_minor)

    rising = chart_points([candle(100), candle(150), candle(200)])
    flat = chart_points([candle(100), candle(100)])

    assert rising == f"0.0,{CHART_HEIGHT:.1f} 240.0,{CHART_HEIGHT / 2:.1f} 480.0,0.0"
    assert flat == f"0.0,{CHART_HEIGHT / 2:.1f} 480.0,{CHART_HEIGHT / 2:.1f}"
    assert chart_points([]) == ""


async def test_the_demo_gives_people_holdings_once(client, platform) -> None:
    await demo.load(platform, lambda _steps: None)
    people = [await demo._person(platform, username) for username in demo.PEOPLE]

    await investing_demo.give_holdings(platform, people)
    await investing_demo.give_holdings(platform, people)  # a second run trades nothing

    async with platform.reader() as uow:
        trades = await uow.session.scalar(select(func.count()).select_from(TradeRow))
        holders = set(await uow.session.scalars(select(HoldingRow.account_id)))
    assert trades == len(investing_demo.TRADES)
    assert holders == {person.id for person in people}
    headers = {"Authorization": f"Bearer {(await login(client, 'ada', password=demo.DEMO_PASSWORD))['access_token']}"}
    holdings = (await client.get("/api/cashapp/holdings", headers=headers)).json()
    assert [item["symbol"] for item in holdings["items"]] == ["AAPL", "BTC"]


async def test_a_person_without_cash_sees_the_page_and_the_api_agrees(client, platform) -> None:
    headers = await join(client, "bob")

    holdings = await client.get("/api/cashapp/holdings", headers=headers)

    assert holdings.json()["items"] == [] and holdings.json()["total_value"] == "0.00"
