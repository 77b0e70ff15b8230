"""Tables of CashApp's Cash Card: the Boost each profile has chosen, and the Boosts redeemed at capture."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from casebook.platform.db.types import Base, MoneyMinor, Snowflake, UTCDateTime


class BoostSelectionRow(Base):
    """The one active Boost of a profile; activating another replaces `boost_id`, turning it off deletes the row."""

    __tablename__ = "cashapp_boost_selections"

    account_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    boost_id: Mapped[str] = mapped_column(String(40))  # a slug of the catalogue in boosts.py
    activated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class BoostRedemptionRow(Base):
    """A Boost applied to a card capture: the discount the wallet got back, and which Boost paid it."""

    __tablename__ = "cashapp_boost_redemptions"

    authorization_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    account_id: Mapped[int] = mapped_column(Snowflake)
    boost_id: Mapped[str] = mapped_column(String(40))
    discount_minor: Mapped[int] = mapped_column(MoneyMinor)
    currency: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_cashapp_boost_redemptions_account_id_created_at", "account_id", "created_at"),)
