"""CashApp investing API: quotes with a spread, trades as one balanced ledger transaction, holdings at the bid."""

from __future__ import annotations

import asyncio
import itertools
import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from casebook.apps.cashapp.investing.models import HoldingRow, TradeRow
from casebook.engines import ledger, markets
from casebook.engines.ledger.models import AccountRow
from tests.apps.cashapp.factories import available, balances, counts, fund, join


async def trade(client: Any, headers: dict[str, str], key: str | None = None, **order: Any) -> Any:
    return await client.post("/api/cashapp/trades", json=order,
                             headers={**headers, "Idempotency-Key": key or uuid.uuid4().hex})


async def all_counts(platform) -> dict[str, int]:
    """Rows a refused trade must leave unchanged: the CashApp ones, plus trades, holdings, ledger accounts."""
    found = await counts(platform)
    async with platform.reader() as uow:
        for name, table in (("trades", TradeRow), ("holdings", HoldingRow), ("ledger_accounts", AccountRow)):
            found[name] = await uow.session.scalar(select(func.count()).select_from(table)) or 0
    return found


async def held(client: Any, headers: dict[str, str]) -> list[tuple[str, str, str]]:
    """Symbol, quantity and cost basis of each holding: what a trade changes (values move with the price)."""
    items = (await client.get("/api/cashapp/holdings", headers=headers)).json()["items"]
    return [(item["symbol"], item["quantity"], item["cost_basis"]) for item in items]


def quoted(platform, symbol: str, at: str) -> markets.Quote:
    return markets.feed_of(platform).quote(symbol, datetime.fromisoformat(at))


async def test_markets_list_bitcoin_and_stocks_with_a_visible_spread(client, platform) -> None:
    listing = await client.get("/api/cashapp/markets")

    items = listing.json()["items"]
    assert listing.status_code == 200
    assert items[0]["symbol"] == "BTC" and "ETH" not in [item["symbol"] for item in items]
    assert {item["kind"] for item in items[1:]} == {"stock"} and len(items) == 11
    for item in items:
        quote = quoted(platform, item["symbol"], item["as_of"])
        assert (item["bid"], item["ask"], item["mid"]) == (
            str(ledger.to_major(quote.bid_minor, "USD")), str(ledger.to_major(quote.ask_minor, "USD")),
            str(ledger.to_major(quote.mid_minor, "USD")))
        assert str(ledger.to_major(quote.ask_minor - quote.bid_minor, "USD")) == item["spread"] != "0.00"


async def test_a_market_shows_its_quote_and_recent_candles(client, platform) -> None:
    hourly = await client.get("/api/cashapp/markets/btc", params={"interval": "1h"})
    default = await client.get("/api/cashapp/markets/AAPL")

    body = hourly.json()
    assert hourly.status_code == 200 and body["symbol"] == "BTC" and body["interval"] == "1h"
    starts = [datetime.fromisoformat(candle["start"]) for candle in body["candles"]]
    assert len(starts) == 48
    assert all(later - earlier == timedelta(hours=1) for earlier, later in itertools.pairwise(starts))
    as_of = datetime.fromisoformat(body["as_of"])
    assert starts[-1] <= as_of < starts[-1] + timedelta(hours=1)
    # the last candle closes at this second's mid: the chart ends where the quote is
    assert body["candles"][-1]["close"] == body["mid"]
    assert default.status_code == 200 and default.json()["interval"] == "5m" and len(default.json()["candles"]) == 48


async def test_unknown_markets_and_intervals_are_refused(client, platform) -> None:
    answers = {
        "unknown": await client.get("/api/cashapp/markets/NOPE"),
        "ether": await client.get("/api/cashapp/markets/ETH"),  # the engine has it; Cash App trades only bitcoin
        "interval": await client.get("/api/cashapp/markets/BTC", params={"interval": "7m"}),
    }

    assert {name: (a.status_code, a.json()["code"]) for name, a in answers.items()} == {
        "unknown": (404, "unknown_symbol"), "ether": (404, "unknown_symbol"), "interval": (422, "invalid_interval")}
    assert all(a.headers["content-type"].startswith("application/problem+json") for a in answers.values())


async def test_a_buy_by_amount_moves_dollars_and_bitcoin_in_one_ledger_transaction(client, platform) -> None:
    alice = await join(client, "alice")
    await fund(client, platform, alice, "100.00")

    bought = await trade(client, alice, symbol="btc", side="buy", amount="25.00")

    assert bought.status_code == 201, bought.text
    body = bought.json()
    quote = quoted(platform, "BTC", body["quoted_at"])
    quantity_units = 2_500 * 10**8 // quote.ask_minor
    paid_minor = -(-quantity_units * quote.ask_minor // 10**8)
    assert {k: body[k] for k in ("symbol", "side", "price", "amount", "fee", "currency")} == {
        "symbol": "BTC", "side": "buy", "price": str(ledger.to_major(quote.ask_minor, "USD")),
        "amount": str(ledger.to_major(paid_minor, "USD")), "fee": "0.00", "currency": "USD"}
    assert body["quantity"] == format(markets.to_decimal(quantity_units, 8).normalize(), "f")
    assert await available(client, alice) == 100 - ledger.to_major(paid_minor, "USD")
    async with platform.reader() as uow:
        transaction = await ledger.get_transaction(uow, int(body["id"]))
    by_currency: dict[str, list[tuple[str, int]]] = {}
    for entry in transaction.entries:
        by_currency.setdefault(entry.currency, []).append((entry.side, entry.amount_minor))
    assert sorted(by_currency["USD"]) == [("credit", paid_minor), ("debit", paid_minor)]
    assert sorted(by_currency["BTC"]) == [("credit", quantity_units), ("debit", quantity_units)]
    assert transaction.metadata["activity_type"] == "bitcoin_buy"
    assert transaction.metadata["counterparty_name"] == "Bitcoin"

    holdings = (await client.get("/api/cashapp/holdings", headers=alice)).json()
    [btc] = holdings["items"]
    value_minor = quantity_units * quote_now_bid(platform, holdings["as_of"]) // 10**8
    assert (btc["symbol"], btc["quantity"], btc["cost_basis"]) == ("BTC", body["quantity"],
                                                                   str(ledger.to_major(paid_minor, "USD")))
    assert btc["value"] == holdings["total_value"] == str(ledger.to_major(value_minor, "USD"))
    assert btc["gain"] == str(ledger.to_major(value_minor - paid_minor, "USD"))
    [line] = [item for item in (await client.get("/api/cashapp/activity", headers=alice)).json()["items"]
              if item["transaction_id"] == body["id"]]
    assert (line["type"], line["counterparty"], line["amount"]) == (
        "bitcoin_buy", "Bitcoin", "-" + str(ledger.to_major(paid_minor, "USD")))


def quote_now_bid(platform, as_of: str) -> int:
    return markets.feed_of(platform).quote("BTC", datetime.fromisoformat(as_of)).bid_minor


async def test_stock_trades_by_quantity_keep_the_average_cost_of_what_remains(client, platform) -> None:
    alice = await join(client, "alice")
    await fund(client, platform, alice, "500.00")

    bought = await trade(client, alice, symbol="AAPL", side="buy", quantity="0.5")
    sold = await trade(client, alice, symbol="AAPL", side="sell", quantity="0.2")

    assert (bought.status_code, sold.status_code) == (201, 201), (bought.text, sold.text)
    buy_quote = quoted(platform, "AAPL", bought.json()["quoted_at"])
    sell_quote = quoted(platform, "AAPL", sold.json()["quoted_at"])
    paid_minor = -(-500_000 * buy_quote.ask_minor // 10**6)
    received_minor = 200_000 * sell_quote.bid_minor // 10**6
    assert bought.json()["amount"] == str(ledger.to_major(paid_minor, "USD"))
    assert sold.json()["amount"] == str(ledger.to_major(received_minor, "USD"))
    assert sold.json()["price"] == str(ledger.to_major(sell_quote.bid_minor, "USD"))
    assert await available(client, alice) == ledger.to_major(50_000 - paid_minor + received_minor, "USD")
    [apple] = (await client.get("/api/cashapp/holdings", headers=alice)).json()["items"]
    basis_minor = paid_minor - paid_minor * 200_000 // 500_000
    assert (apple["quantity"], apple["cost_basis"]) == ("0.3", str(ledger.to_major(basis_minor, "USD")))
    assert apple["average_cost"] == str(ledger.to_major((basis_minor * 10 + 1) // 3, "USD"))  # per share, rounded
    types = [item["type"] for item in (await client.get("/api/cashapp/activity", headers=alice)).json()["items"]]
    assert types[:2] == ["stock_sell", "stock_buy"]


async def test_selling_everything_leaves_no_holding_and_returns_the_dollars(client, platform) -> None:
    alice = await join(client, "alice")
    await fund(client, platform, alice, "50.00")
    bought = (await trade(client, alice, symbol="BTC", side="buy", amount="10.00")).json()

    sold = await trade(client, alice, symbol="BTC", side="sell", quantity=bought["quantity"])
    again = await trade(client, alice, symbol="BTC", side="sell", amount="1.00")

    assert sold.status_code == 201 and sold.json()["quantity"] == bought["quantity"]
    assert (again.status_code, again.json()["code"]) == (409, "insufficient_holdings")
    holdings = (await client.get("/api/cashapp/holdings", headers=alice)).json()
    assert holdings["items"] == [] and holdings["total_value"] == "0.00"
    assert await available(client, alice) == 50 - ledger.to_major(
        ledger.to_minor(bought["amount"], "USD") - ledger.to_minor(sold.json()["amount"], "USD"), "USD")
    async with platform.reader() as uow:
        [holding] = list(await uow.session.scalars(select(HoldingRow)))
    assert (holding.symbol, holding.cost_basis_minor) == ("BTC", 0)  # the row stays, for a later buy


async def test_a_retried_key_trades_once_and_another_order_with_it_is_refused(client, platform) -> None:
    alice, bob = await join(client, "alice"), await join(client, "bob")
    await fund(client, platform, alice, "100.00")
    await fund(client, platform, bob, "100.00")

    first = await trade(client, alice, key="buy-1", symbol="BTC", side="buy", amount="20.00")
    after_first = await all_counts(platform)
    retried = await trade(client, alice, key="buy-1", symbol="BTC", side="buy", amount="20.00")
    other = await trade(client, alice, key="buy-1", symbol="BTC", side="buy", amount="21.00")
    other_symbol = await trade(client, alice, key="buy-1", symbol="AAPL", side="buy", amount="20.00")
    bobs = await trade(client, bob, key="buy-1", symbol="BTC", side="buy", amount="20.00")

    assert first.status_code == retried.status_code == 201 and retried.json() == first.json()
    assert (other.status_code, other.json()["code"]) == (422, "idempotency_key_reused")
    assert (other_symbol.status_code, other_symbol.json()["code"]) == (422, "idempotency_key_reused")
    assert bobs.status_code == 201 and bobs.json()["id"] != first.json()["id"]  # keys are scoped per account
    assert await available(client, alice) == 80
    async with platform.reader() as uow:
        trades = (await uow.session.execute(select(TradeRow.key, TradeRow.account_id).order_by(TradeRow.id))).all()
    assert [key for key, _ in trades] == [f"cashapp:trade:{account_id}:buy-1" for _, account_id in trades]
    assert len({account_id for _, account_id in trades}) == 2
    assert (await all_counts(platform))["trades"] == after_first["trades"] + 1


async def test_refusals_change_nothing(client, platform) -> None:
    alice = await join(client, "alice")
    await fund(client, platform, alice, "30.00")
    await trade(client, alice, symbol="AAPL", side="buy", amount="5.00")
    before, wallet_before = await all_counts(platform), await balances(client, alice)
    holdings_before = await held(client, alice)

    answers = {
        "unknown": await trade(client, alice, symbol="NOPE", side="buy", amount="5.00"),
        "ether": await trade(client, alice, symbol="ETH", side="buy", amount="5.00"),
        "side": await trade(client, alice, symbol="BTC", side="hold", amount="5.00"),
        "zero": await trade(client, alice, symbol="BTC", side="buy", amount="0.00"),
        "negative": await trade(client, alice, symbol="BTC", side="buy", amount="-5.00"),
        "fraction": await trade(client, alice, symbol="BTC", side="buy", amount="5.001"),
        "text": await trade(client, alice, symbol="BTC", side="buy", amount="five"),
        "below_min": await trade(client, alice, symbol="BTC", side="buy", amount="0.50"),
        "absurd": await trade(client, alice, symbol="BTC", side="buy", amount="99999999999.99"),
        "over_cap": await trade(client, alice, symbol="BTC", side="buy", amount="10000.01"),
        "btc_decimals": await trade(client, alice, symbol="BTC", side="buy", quantity="0.000000001"),
        "stock_decimals": await trade(client, alice, symbol="AAPL", side="sell", quantity="0.0000001"),
        "quantity_zero": await trade(client, alice, symbol="AAPL", side="buy", quantity="0"),
        "quantity_text": await trade(client, alice, symbol="AAPL", side="buy", quantity="1e3"),
        "quantity_huge": await trade(client, alice, symbol="BTC", side="buy", quantity="999999999999"),
        "quantity_over_cap": await trade(client, alice, symbol="BTC", side="buy", quantity="1"),
        "quantity_dust": await trade(client, alice, symbol="AAPL", side="buy", quantity="0.000001"),
        "both": await trade(client, alice, symbol="BTC", side="buy", amount="5.00", quantity="0.001"),
        "neither": await trade(client, alice, symbol="BTC", side="buy"),
        "cash": await trade(client, alice, symbol="BTC", side="buy", amount="25.01"),
        "oversell": await trade(client, alice, symbol="AAPL", side="sell", amount="6.00"),
        "not_held": await trade(client, alice, symbol="MSFT", side="sell", quantity="0.1"),
        "no_key": await client.post("/api/cashapp/trades", json={"symbol": "BTC", "side": "buy", "amount": "5.00"},
                                    headers=alice),
    }
    number = await trade(client, alice, symbol="BTC", side="buy", amount=5)
    unknown_field = await trade(client, alice, symbol="BTC", side="buy", amount="5.00", price="1.00")
    anonymous = await client.post("/api/cashapp/trades", json={"symbol": "BTC", "side": "buy", "amount": "5.00"},
                                  headers={"Idempotency-Key": "anon"})

    summary = {name: (a.status_code, a.json()["code"]) for name, a in answers.items()}
    assert summary == {
        "unknown": (404, "unknown_symbol"), "ether": (404, "unknown_symbol"), "side": (422, "invalid_side"),
        "zero": (422, "invalid_amount"), "negative": (422, "invalid_amount"), "fraction": (422, "invalid_amount"),
        "text": (422, "invalid_amount"), "below_min": (422, "order_too_small"), "absurd": (422, "invalid_amount"),
        "over_cap": (422, "invalid_amount"), "btc_decimals": (422, "invalid_quantity"),
        "stock_decimals": (422, "invalid_quantity"), "quantity_zero": (422, "invalid_quantity"),
        "quantity_text": (422, "invalid_quantity"), "quantity_huge": (422, "order_too_large"),
        "quantity_over_cap": (422, "trade_too_large"),
        "quantity_dust": (422, "order_too_small"), "both": (422, "amount_or_quantity"),
        "neither": (422, "amount_or_quantity"), "cash": (409, "insufficient_funds"),
        "oversell": (409, "insufficient_holdings"), "not_held": (409, "insufficient_holdings"),
        "no_key": (422, "idempotency_key_required"),
    }
    assert all(a.headers["content-type"].startswith("application/problem+json") for a in answers.values())
    assert answers["quantity_dust"].json()["errors"][0]["path"] == "quantity"
    assert all(answers[n].json()["errors"][0]["path"] == "amount" for n in ("zero", "fraction", "absurd", "below_min"))
    assert number.status_code in (400, 422) and unknown_field.status_code in (400, 422)
    assert anonymous.status_code == 401
    assert await all_counts(platform) == before
    assert await balances(client, alice) == wallet_before
    assert await held(client, alice) == holdings_before


async def test_trade_history_pages_newest_first_filters_by_symbol_and_stays_private(client, platform) -> None:
    alice, bob = await join(client, "alice"), await join(client, "bob")
    await fund(client, platform, alice, "100.00")
    made = [(await trade(client, alice, symbol=symbol, side="buy", amount="5.00")).json()
            for symbol in ("BTC", "AAPL", "BTC")]

    first = (await client.get("/api/cashapp/trades", params={"limit": 2}, headers=alice)).json()
    second = (await client.get("/api/cashapp/trades", params={"limit": 2, "cursor": first["next_cursor"]},
                               headers=alice)).json()
    apple = (await client.get("/api/cashapp/trades", params={"symbol": "aapl"}, headers=alice)).json()
    one = await client.get(f"/api/cashapp/trades/{made[1]['id']}", headers=alice)
    bobs_view = await client.get(f"/api/cashapp/trades/{made[1]['id']}", headers=bob)
    bobs_list = (await client.get("/api/cashapp/trades", headers=bob)).json()
    bad_cursor = await client.get("/api/cashapp/trades", params={"cursor": "forged"}, headers=alice)
    bad_symbol = await client.get("/api/cashapp/trades", params={"symbol": "NOPE"}, headers=alice)

    assert [t["id"] for t in first["items"] + second["items"]] == [t["id"] for t in reversed(made)]
    assert second["next_cursor"] is None
    assert [t["id"] for t in apple["items"]] == [made[1]["id"]]
    assert one.status_code == 200 and one.json() == made[1]
    assert (bobs_view.status_code, bobs_view.json()["code"]) == (404, "trade_not_found")
    assert bobs_list == {"items": [], "next_cursor": None}
    assert (bad_cursor.status_code, bad_cursor.json()["code"]) == (422, "invalid_cursor")
    assert bad_symbol.status_code == 404


async def test_racing_first_buys_open_one_holding_and_each_trade_once(client, platform) -> None:
    people = [await join(client, name) for name in ("alice", "bob")]
    for person in people:
        await fund(client, platform, person, "100.00")

    answers = await asyncio.gather(*(trade(client, person, symbol="NVDA", side="buy", amount="3.00")
                                     for person in people for _ in range(4)))

    assert [a.status_code for a in answers] == [201] * 8, [a.text for a in answers]
    async with platform.reader() as uow:
        holdings = list(await uow.session.scalars(select(HoldingRow)))
        house = await ledger.find_account_by_code(uow, "cashapp:market_maker:NVDA")
        house_balance = await ledger.balances(uow, house.id)
        held = [(await ledger.balances(uow, row.ledger_account_id)).posted_minor for row in holdings]
    assert len(holdings) == 2 and all(row.symbol == "NVDA" for row in holdings)
    assert house_balance.posted_minor == sum(held)  # what the market maker delivered is what people hold
    assert sum(row.cost_basis_minor for row in holdings) == sum(ledger.to_minor(a.json()["amount"], "USD")
                                                                for a in answers)
