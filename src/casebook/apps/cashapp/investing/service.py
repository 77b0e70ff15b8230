"""CashApp investing: quotes and charts from the markets engine, trades as one ledger transaction each,
holdings with their average cost and current value."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Literal

from sqlalchemy import select

from casebook.apps.cashapp import rules as cashapp_rules
from casebook.apps.cashapp.investing import rules
from casebook.apps.cashapp.investing.models import HoldingRow, TradeRow
from casebook.apps.cashapp.models import ProfileRow
from casebook.apps.cashapp.service import profiles
from casebook.engines import ledger, markets
from casebook.platform.errors import Conflict, Invalid, NotFound
from casebook.platform.identity.principal import AuthenticatedAccount
from casebook.platform.uow import UnitOfWork

if TYPE_CHECKING:
    from casebook.platform.bootstrap import Platform

TRADE = "cashapp_trade"  # the ledger metadata `kind` of a trade
HOUSE_OWNER = "cashapp:market_maker"


@dataclasses.dataclass(frozen=True)
class Trade:
    row: TradeRow
    instrument: markets.Instrument


@dataclasses.dataclass(frozen=True)
class Chart:
    instrument: markets.Instrument
    quote: markets.Quote
    interval: str
    candles: list[markets.Candle]


@dataclasses.dataclass(frozen=True)
class Holding:
    instrument: markets.Instrument
    quote: markets.Quote
    quantity_units: int
    cost_basis_minor: int  # what the units still held cost (average cost)
    value_minor: int  # at the bid: what selling them all now would bring

    @property
    def average_cost_minor(self) -> int | None:
        """Cost per whole unit (one bitcoin, one share), rounded to the cent."""
        if not self.quantity_units:
            return None
        scale = 10**self.instrument.quantity_exponent
        return (self.cost_basis_minor * scale * 2 + self.quantity_units) // (self.quantity_units * 2)


@dataclasses.dataclass(frozen=True)
class Portfolio:
    holdings: list[Holding]
    as_of: datetime

    @property
    def value_minor(self) -> int:
        return sum(holding.value_minor for holding in self.holdings)

    @property
    def cost_basis_minor(self) -> int:
        return sum(holding.cost_basis_minor for holding in self.holdings)


def trade_key(account_id: int, client_key: str) -> str:
    """Scoped by account like payments, and stored in the ledger with the trade."""
    return f"cashapp:trade:{account_id}:{client_key}"


def holding_code(account_id: int, symbol: str) -> str:
    return f"cashapp:holding:{account_id}:{symbol}"


def house_code(symbol_or_currency: str) -> str:
    """The market maker's inventory of an instrument, or its cash: system accounts that go either way."""
    return f"cashapp:market_maker:{symbol_or_currency}"


def quote(platform: Platform, *, symbol: str, now: datetime) -> tuple[markets.Instrument, markets.Quote]:
    """The quote in the second holding `now` (the clock's now: the feed is as computable ahead as behind)."""
    instrument = rules.tradable(symbol)
    return instrument, markets.feed_of(platform).quote(instrument.symbol, now)


def list_quotes(platform: Platform, *, now: datetime) -> list[tuple[markets.Instrument, markets.Quote]]:
    instruments = rules.list_tradable()
    quotes = markets.feed_of(platform).quote_many([i.symbol for i in instruments], now)
    return list(zip(instruments, quotes, strict=True))


def chart(platform: Platform, *, symbol: str, interval: str | None, now: datetime) -> Chart:
    """The quote now and the last CHART_CANDLES candles of `interval`, up to and including this second."""
    interval_s = rules.interval_s(interval)
    instrument, current = quote(platform, symbol=symbol, now=now)
    end = current.as_of + timedelta(seconds=1)
    candles = markets.feed_of(platform).history(
        instrument.symbol, start=end - timedelta(seconds=interval_s * rules.CHART_CANDLES), end=end,
        interval_s=interval_s)
    return Chart(instrument=instrument, quote=current, interval=interval or rules.DEFAULT_INTERVAL,
                 candles=candles[-rules.CHART_CANDLES:])


async def place_trade(platform: Platform, *, account: AuthenticatedAccount, symbol: str, side: str,
                      amount: str | None, quantity: str | None, client_key: str | None) -> Trade:
    """Buy or sell at the feed's price now. Refusals, in order: input (422), unknown symbol (404), the key
    (422), size (422), selling more than held or buying past the wallet (409); a refusal changes nothing."""
    side = rules.check_side(side)
    instrument = rules.tradable(symbol)
    order_amount_minor, order_quantity_units = rules.parse_order(instrument, amount=amount, quantity=quantity)
    if client_key is None or not client_key.strip():
        raise Invalid("Send an Idempotency-Key header with every trade, so a retry cannot trade twice.",
                      field="Idempotency-Key", code="idempotency_key_required")
    key = trade_key(account.id, cashapp_rules.check_client_key(client_key, is_required=True) or "")
    await profiles.ensure_profile(platform, account)
    async with platform.uow() as uow:
        profile = await profiles.get_profile(uow, account.id, lock=True)  # one person's trades run one at a time
        row = await trade(uow, profile=profile, instrument=instrument, side=side,
                          order_amount_minor=order_amount_minor, order_quantity_units=order_quantity_units, key=key)
    return Trade(row=row, instrument=instrument)


async def trade(uow: UnitOfWork, *, profile: ProfileRow, instrument: markets.Instrument, side: str,
                order_amount_minor: int | None, order_quantity_units: int | None, key: str) -> TradeRow:
    """Fill the order in this unit of work, the profile row locked by the caller. A known key returns its
    trade (the same order) or is refused (another order)."""
    existing = await uow.session.scalar(select(TradeRow).where(TradeRow.key == key))
    if existing is not None:
        if (existing.account_id, existing.symbol, existing.side, existing.order_amount_minor,
                existing.order_quantity_units) != (profile.account_id, instrument.symbol, side, order_amount_minor,
                                                   order_quantity_units):
            raise Invalid("This Idempotency-Key was used for another trade.", field="Idempotency-Key",
                          code="idempotency_key_reused")
        return existing
    current = markets.feed_of(uow.platform).quote(instrument.symbol, uow.now())
    fill = _fill(current, side, order_amount_minor, order_quantity_units)
    holding = await _holding(uow, account_id=profile.account_id, instrument=instrument, is_opened=side == "buy")
    held_units = 0 if holding is None else (await ledger.balances(uow, holding.ledger_account_id)).available_minor
    if side == "sell" and fill.quantity_units > held_units:
        raise Conflict(f"You hold {rules.format_quantity(held_units, instrument.quantity_exponent)} "
                       f"{instrument.symbol}; this sale needs "
                       f"{rules.format_quantity(fill.quantity_units, instrument.quantity_exponent)}.",
                       code="insufficient_holdings")
    assert holding is not None
    transaction = await _move(uow, profile=profile, holding=holding, instrument=instrument, fill=fill, key=key)
    if side == "buy":
        holding.cost_basis_minor += fill.notional_minor
    else:  # average cost: the units sold take their share of the basis (all of it when none remain)
        holding.cost_basis_minor -= holding.cost_basis_minor * fill.quantity_units // held_units
    holding.updated_at = uow.now()
    row = TradeRow(id=transaction.id, key=key, account_id=profile.account_id, symbol=instrument.symbol, side=side,
                   order_amount_minor=order_amount_minor, order_quantity_units=order_quantity_units,
                   quantity_units=fill.quantity_units, quantity_exponent=fill.quantity_exponent,
                   price_minor=fill.price_minor, amount_minor=fill.notional_minor, fee_minor=0,
                   currency=fill.currency, quoted_at=fill.as_of, created_at=uow.now())
    uow.session.add(row)
    await uow.session.flush()
    return row


def _fill(current: markets.Quote, side: str, order_amount_minor: int | None,
          order_quantity_units: int | None) -> markets.Fill:
    """The engine's fill, its refusals naming the API's field (amount or quantity)."""
    field = "amount" if order_amount_minor is not None else "quantity"
    try:
        if order_amount_minor is not None:
            return markets.fill_for_amount(current, side, order_amount_minor)  # type: ignore[arg-type]
        assert order_quantity_units is not None
        fill = markets.fill_for_quantity(current, side, order_quantity_units)  # type: ignore[arg-type]
    except (markets.OrderTooSmall, markets.OrderTooLarge, markets.InvalidOrder) as refusal:
        raise type(refusal)(refusal.detail, field=field) from None
    rules.check_notional(fill.notional_minor)
    return fill


async def _move(uow: UnitOfWork, *, profile: ProfileRow, holding: HoldingRow, instrument: markets.Instrument,
                fill: markets.Fill, key: str) -> ledger.Transaction:
    """One transaction, balanced per currency: the dollars between the wallet and the market maker's cash,
    the units between the market maker's inventory and the holding."""
    cash, unit = fill.currency, rules.ledger_unit(instrument)
    house_cash = await _house_account(uow, currency=cash, code=house_code(cash), normal_side="credit")
    house_units = await _house_account(uow, currency=unit, code=house_code(instrument.symbol), normal_side="debit")
    is_buy = fill.side == "buy"
    cash_from, cash_to = (profile.wallet_account_id, house_cash) if is_buy else (house_cash, profile.wallet_account_id)
    units_from, units_to = (house_units, holding.ledger_account_id) if is_buy else (holding.ledger_account_id,
                                                                                  house_units)
    quantity = rules.format_quantity(fill.quantity_units, fill.quantity_exponent)
    price = cashapp_rules.format_amount(fill.price_minor)
    metadata = {"kind": TRADE, "activity_type": rules.ACTIVITY_TYPES[(instrument.kind, fill.side)],
                "counterparty_name": instrument.name if instrument.kind == "stock" else "Bitcoin",
                "note": f"{'Bought' if is_buy else 'Sold'} {quantity} {instrument.symbol} at ${price}",
                "account_id": str(profile.account_id), "symbol": instrument.symbol, "side": fill.side,
                "quantity": quantity, "price": price}
    [result] = await ledger.commit(uow, [ledger.Transfer(key=key, metadata=metadata, legs=(
        ledger.Leg(account_id=cash_from, side="debit", amount_minor=fill.notional_minor, currency=cash),
        ledger.Leg(account_id=cash_to, side="credit", amount_minor=fill.notional_minor, currency=cash),
        ledger.Leg(account_id=units_from, side="debit", amount_minor=fill.quantity_units, currency=unit),
        ledger.Leg(account_id=units_to, side="credit", amount_minor=fill.quantity_units, currency=unit)))])
    return result.unwrap()  # InsufficientFunds (409) for a buy past the wallet: the unit of work rolls back


async def _holding(uow: UnitOfWork, *, account_id: int, instrument: markets.Instrument,
                   is_opened: bool) -> HoldingRow | None:
    """The holding of `instrument`, opened on the first buy (its ledger account too). Callers hold the
    profile row's lock, so one person's first buys cannot race; the ledger code makes a retry safe."""
    row = await uow.session.get(HoldingRow, (account_id, instrument.symbol))
    if row is not None or not is_opened:
        return row
    # A holding is our liability in units: credit-normal and never below zero, so no one sells what they lack.
    account = await ledger.open_account(uow, code=holding_code(account_id, instrument.symbol),
                                        currency=rules.ledger_unit(instrument), normal_side="credit",
                                        debits_must_not_exceed_credits=True, owner_ref=profiles.owner_ref(account_id),
                                        metadata={"app": "cashapp", "symbol": instrument.symbol})
    now = uow.now()
    row = HoldingRow(account_id=account_id, symbol=instrument.symbol, ledger_account_id=account.id,
                     cost_basis_minor=0, currency=instrument.currency, created_at=now, updated_at=now)
    uow.session.add(row)
    await uow.session.flush()
    return row


async def _house_account(uow: UnitOfWork, *, currency: str, code: str, normal_side: Literal["debit", "credit"]) -> int:
    found = await ledger.find_account_by_code(uow, code)
    if found is not None:
        return found.id
    account = await ledger.open_account(uow, code=code, currency=currency, normal_side=normal_side,
                                        owner_ref=HOUSE_OWNER, metadata={"app": "cashapp", "role": "market_maker"})
    return account.id


async def portfolio(platform: Platform, *, account_id: int) -> Portfolio:
    """Every symbol held now (quantities read from the ledger), valued at the bid of this second."""
    async with platform.reader() as reader:
        now = reader.now()
        rows = list(await reader.session.scalars(select(HoldingRow).where(HoldingRow.account_id == account_id)
                                                 .order_by(HoldingRow.symbol)))
        held = [(row, (await ledger.balances(reader, row.ledger_account_id)).posted_minor) for row in rows]
    feed = markets.feed_of(platform)
    holdings = []
    for row, quantity_units in held:
        if quantity_units == 0:
            continue
        instrument = rules.tradable(row.symbol)
        current = feed.quote(instrument.symbol, now)
        holdings.append(Holding(instrument=instrument, quote=current, quantity_units=quantity_units,
                                cost_basis_minor=row.cost_basis_minor,
                                value_minor=rules.value_at_minor(quantity_units, current.bid_minor,
                                                                 instrument.quantity_exponent)))
    return Portfolio(holdings=holdings, as_of=now)


async def list_trades(uow: UnitOfWork, *, account_id: int, symbol: str | None, before_id: int | None,
                      limit: int) -> tuple[list[Trade], int | None]:
    """Newest first; returns the page and the `before_id` of the next one (None at the end)."""
    statement = select(TradeRow).where(TradeRow.account_id == account_id)
    if symbol is not None:
        statement = statement.where(TradeRow.symbol == rules.tradable(symbol).symbol)
    if before_id is not None:
        statement = statement.where(TradeRow.id < before_id)
    limit = max(1, min(limit, rules.TRADES_PAGE_MAX))
    rows = list(await uow.session.scalars(statement.order_by(TradeRow.id.desc()).limit(limit + 1)))
    trades = [Trade(row=row, instrument=markets.get_instrument(row.symbol)) for row in rows[:limit]]
    return trades, rows[limit - 1].id if len(rows) > limit else None


async def get_trade(uow: UnitOfWork, *, account_id: int, trade_id: int) -> Trade:
    row = await uow.session.get(TradeRow, trade_id)
    if row is None or row.account_id != account_id:
        raise NotFound("No such trade.", code="trade_not_found")
    return Trade(row=row, instrument=markets.get_instrument(row.symbol))
