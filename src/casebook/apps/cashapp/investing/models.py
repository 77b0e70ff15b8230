"""Tables of CashApp investing: each person's holding per symbol (ledger account, cost basis) and their trades."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from casebook.platform.db.types import Base, MoneyMinor, Snowflake, UTCDateTime


class HoldingRow(Base):
    """One per person and symbol ever bought: the ledger account holding the units (the quantity's truth)
    and the cost basis of what is still held (average cost: a sale removes its share of the basis)."""

    __tablename__ = "cashapp_holdings"

    account_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    symbol: Mapped[str] = mapped_column(String(12), primary_key=True)
    ledger_account_id: Mapped[int] = mapped_column(Snowflake, unique=True)
    cost_basis_minor: Mapped[int] = mapped_column(MoneyMinor)
    currency: Mapped[str] = mapped_column(String(8))  # of the cost basis
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class TradeRow(Base):
    """A filled buy or sell; its id is the ledger transaction's id, and `key` the ledger key it moved under.
    The order as asked (an amount or a quantity) is kept so a retried key can be told from another order."""

    __tablename__ = "cashapp_trades"

    id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    key: Mapped[str] = mapped_column(String(128), unique=True)
    account_id: Mapped[int] = mapped_column(Snowflake)
    symbol: Mapped[str] = mapped_column(String(12))
    side: Mapped[str] = mapped_column(String(4))  # buy | sell
    order_amount_minor: Mapped[int | None] = mapped_column(MoneyMinor)
    order_quantity_units: Mapped[int | None] = mapped_column(BigInteger)
    quantity_units: Mapped[int] = mapped_column(BigInteger)  # of 10**-quantity_exponent: satoshi, micro-shares
    quantity_exponent: Mapped[int] = mapped_column(Integer)
    price_minor: Mapped[int] = mapped_column(MoneyMinor)  # per whole unit: the ask for a buy, the bid for a sell
    amount_minor: Mapped[int] = mapped_column(MoneyMinor)  # paid (buy) or received (sell)
    fee_minor: Mapped[int] = mapped_column(MoneyMinor)  # Cash App charges through the spread: zero here
    currency: Mapped[str] = mapped_column(String(8))
    quoted_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the second of the quote it filled at
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_cashapp_trades_account_id_id", "account_id", "id"),)
