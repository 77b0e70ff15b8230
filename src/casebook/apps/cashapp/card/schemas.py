"""Request and response shapes of the Cash Card API: amounts are decimal strings of dollars, ids strings."""

from __future__ import annotations

from datetime import datetime

import msgspec

from casebook.apps.cashapp import rules
from casebook.apps.cashapp.card import boosts, purchases
from casebook.apps.cashapp.card import rules as card_rules
from casebook.engines import payments


class Schema(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    pass


class CardRead(Schema):
    id: str
    status: str  # active | frozen
    number: str  # masked: "•••• •••• •••• 1234"
    last4: str
    expiry_month: int
    expiry_year: int
    cvv: str  # always masked: the CVV stays sealed in the database

    @classmethod
    def from_card(cls, card: payments.Card) -> CardRead:
        return cls(id=str(card.id), status=card.status, number=payments.reveal_masked(card), last4=card.last4,
                   expiry_month=card.expiry_month, expiry_year=card.expiry_year, cvv=card_rules.CVV_MASK)


class BoostRead(Schema):
    id: str
    title: str
    merchant_category: str
    is_active: bool

    @classmethod
    def from_boost(cls, boost: boosts.Boost, *, active_id: str | None) -> BoostRead:
        return cls(id=boost.id, title=boost.title, merchant_category=boost.merchant_category,
                   is_active=boost.id == active_id)


class BoostPage(Schema):
    items: list[BoostRead]
    active_boost_id: str | None

    @classmethod
    def of(cls, active_id: str | None) -> BoostPage:
        return cls(items=[BoostRead.from_boost(boost, active_id=active_id) for boost in boosts.CATALOGUE],
                   active_boost_id=active_id)


class AuthorizationCreate(Schema):
    """Name the card by `card_id` (on file), or by `card_number` with `expiry_month`, `expiry_year`, `cvv`."""

    amount: str
    merchant_name: str
    merchant_category: str  # a lower-case slug like coffee_shop
    currency: str = rules.CURRENCY
    card_id: str | None = None
    card_number: str | None = None
    expiry_month: int | None = None
    expiry_year: int | None = None
    cvv: str | None = None

    def card_details(self) -> purchases.CardDetails | None:
        if self.card_number is None and self.expiry_month is None and self.expiry_year is None and self.cvv is None:
            return None
        return purchases.CardDetails(card_number=self.card_number or "", expiry_month=self.expiry_month or 0,
                                     expiry_year=self.expiry_year or 0, cvv=self.cvv or "")


class CaptureCreate(Schema):
    amount: str | None = None  # less than held: a partial capture, the rest released; none: all of it


class AuthorizationRead(Schema):
    id: str
    card_id: str
    status: str  # authorized | declined | captured | reversed | expired
    decline_reason: str | None
    amount: str  # held
    captured: str
    discount: str  # credited back by the Boost at capture
    boost_id: str | None
    currency: str
    merchant_name: str
    merchant_category: str
    created_at: datetime
    expires_at: datetime | None
    resolved_at: datetime | None

    @classmethod
    def from_purchase(cls, purchase: purchases.Purchase) -> AuthorizationRead:
        held = purchase.authorization
        return cls(id=str(held.id), card_id=str(held.card_id), status=held.status,
                   decline_reason=held.decline_reason, amount=rules.format_amount(held.amount_minor),
                   captured=rules.format_amount(held.captured_minor),
                   discount=rules.format_amount(held.discount_minor), boost_id=purchase.boost_id,
                   currency=held.currency, merchant_name=held.merchant_name,
                   merchant_category=held.merchant_category, created_at=held.created_at,
                   expires_at=held.expires_at, resolved_at=held.resolved_at)
