"""Card purchases as the simulated card network sends them: authorize (hold), capture (with the owner's
Boost), reverse; and the UI's "simulate a purchase", which plays the network on the user's own card."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from casebook.apps.cashapp import rules
from casebook.apps.cashapp.card import boosts, service
from casebook.apps.cashapp.card import rules as card_rules
from casebook.apps.cashapp.card.models import BoostRedemptionRow
from casebook.apps.cashapp.models import ProfileRow
from casebook.apps.cashapp.service import profiles
from casebook.engines import payments
from casebook.platform.errors import Invalid
from casebook.platform.identity.principal import AuthenticatedAccount
from casebook.platform.uow import UnitOfWork

if TYPE_CHECKING:
    from casebook.platform.bootstrap import Platform


@dataclasses.dataclass(frozen=True)
class Purchase:
    authorization: payments.Authorization
    boost_id: str | None  # the Boost redeemed at capture, if any


@dataclasses.dataclass(frozen=True, kw_only=True)
class CardDetails:
    """A card named by what is printed on it, as a merchant's terminal sends it."""

    card_number: str
    expiry_month: int
    expiry_year: int
    cvv: str


async def authorize(platform: Platform, *, client_key: str | None, amount: object, currency: object,
                    merchant_name: str, merchant_category: str, card_id: object = None,
                    card: CardDetails | None = None) -> Purchase:
    """Hold the amount on the card's wallet. Input errors (422) and unknown cards (404) change nothing; a
    card that cannot pay (frozen, expired, wrong CVV or expiry, short of funds) is a stored decline."""
    return await _authorize(platform, key=card_rules.network_key(client_key), amount=amount, currency=currency,
                            merchant_name=merchant_name, merchant_category=merchant_category, card_id=card_id,
                            card=card)


async def _authorize(platform: Platform, *, key: str, amount: object, currency: object, merchant_name: str,
                     merchant_category: str, card_id: object, card: CardDetails | None) -> Purchase:
    amount_minor = card_rules.parse_purchase_amount(amount)
    currency = card_rules.check_currency(currency)
    if (card_id is None) == (card is None):
        raise Invalid("Name the card by card_id, or by card_number with expiry_month, expiry_year and cvv.",
                      field="card_id", code="card_required")
    named: dict[str, object] = {}
    if card is None:
        named["card_id"] = card_rules.parse_card_id(card_id)
    else:
        number, month, year, cvv = card_rules.check_card_details(
            card_number=card.card_number, expiry_month=card.expiry_month, expiry_year=card.expiry_year, cvv=card.cvv)
        named |= {"card_number": number, "expiry_month": month, "expiry_year": year, "cvv": cvv}
    authorization = await payments.authorize(platform, key=key, amount_minor=amount_minor, currency=currency,
                                             merchant_name=merchant_name, merchant_category=merchant_category,
                                             **named)  # type: ignore[arg-type]
    return Purchase(authorization=authorization, boost_id=None)


async def capture(platform: Platform, *, authorization_id: int, client_key: str | None,
                  amount: object = None) -> Purchase:
    """Post the hold (all of it, or `amount` of it). The card owner's Boost active *at capture time* discounts
    the captured amount when its category matches: the price is settled at capture, as in a store, so a
    Boost chosen while a hold is open counts and one turned off before capture does not."""
    return await _capture(platform, key=card_rules.network_key(client_key), authorization_id=authorization_id,
                          amount=amount)


async def _capture(platform: Platform, *, key: str, authorization_id: int, amount: object) -> Purchase:
    amount_minor = None if amount is None else card_rules.parse_purchase_amount(amount)
    async with platform.reader() as reader:
        held = await payments.get_authorization(reader, authorization_id)
        owner = await _owner(reader, held)
        captured_minor = held.amount_minor if amount_minor is None else amount_minor
        boost: boosts.Boost | None = None
        discount_minor = 0  # declined, reversed or lapsed: the engine refuses it, and nothing is opened for it
        is_open = held.status == "authorized" and (held.expires_at is None or reader.now() < held.expires_at)
        if held.status == "captured":  # a retry must repeat the first capture; another key is refused by it
            discount_minor = held.discount_minor
        elif is_open:
            if captured_minor > held.amount_minor:
                raise Invalid(f"The capture is over the {rules.format_amount(held.amount_minor)} held.",
                              field="amount", code="capture_over_authorized")
            boost = boosts.find_boost(await service.active_boost_id(reader, owner.account_id)) if owner else None
            discount_minor = boost.discount_minor(merchant_category=held.merchant_category,
                                                  amount_minor=captured_minor) if boost else 0
    source_id = await service.boosts_account_id(platform) if discount_minor else None
    captured = await payments.capture(platform, key=key, authorization_id=authorization_id,
                                      amount_minor=amount_minor, discount_minor=discount_minor,
                                      discount_source_account_id=source_id)
    if boost is not None and owner is not None and captured.discount_minor:
        await _record_redemption(platform, captured, account_id=owner.account_id, boost_id=boost.id)
    return await _with_boost(platform, captured)


async def reverse(platform: Platform, *, authorization_id: int, client_key: str | None) -> Purchase:
    """Void an open hold, or refund a captured purchase in full (its Boost goes back too)."""
    key = card_rules.network_key(client_key)
    return await _with_boost(platform, await payments.reverse(platform, key=key, authorization_id=authorization_id))


async def simulate_purchase(platform: Platform, account: AuthenticatedAccount, *, form_key: str | None,
                            merchant_name: str, merchant_category: str, amount: str) -> Purchase:
    """The UI's test terminal: authorize and, when approved, capture at once on the caller's own card, under
    keys scoped to the caller so a resubmitted form buys once."""
    # One key for both messages: the engine keeps authorization and capture keys in separate columns.
    key = f"{card_rules.UI_KEY_PREFIX}{account.id}:{rules.check_client_key(form_key, is_required=True)}"
    profile = await profiles.ensure_profile(platform, account)
    async with platform.reader() as reader:
        card = await service.get_card(reader, profile)
    held = await _authorize(platform, key=key, amount=amount, currency=rules.CURRENCY, merchant_name=merchant_name,
                            merchant_category=merchant_category, card_id=str(card.id), card=None)
    if held.authorization.status != "authorized":  # declined; or a resubmitted form, already captured
        return held if held.authorization.status == "declined" else await _with_boost(platform, held.authorization)
    return await _capture(platform, key=key, authorization_id=held.authorization.id, amount=None)


async def _with_boost(platform: Platform, authorization: payments.Authorization) -> Purchase:
    async with platform.reader() as reader:
        boost_ids = await service.redeemed_boosts(reader, [authorization.id])
    return Purchase(authorization=authorization, boost_id=boost_ids.get(authorization.id))


async def _owner(uow: UnitOfWork, authorization: payments.Authorization) -> ProfileRow | None:
    """The CashApp profile whose wallet the card spends (None: another app's card, which gets no Boost)."""
    return await uow.session.scalar(select(ProfileRow).where(
        ProfileRow.wallet_account_id == authorization.wallet_account_id))


async def _record_redemption(platform: Platform, captured: payments.Authorization, *, account_id: int,
                             boost_id: str) -> None:
    """Which Boost paid the discount line; once per authorization (a replayed capture finds it)."""
    try:
        async with platform.uow() as uow:
            if await uow.session.get(BoostRedemptionRow, captured.id) is None:
                uow.session.add(BoostRedemptionRow(
                    authorization_id=captured.id, account_id=account_id, boost_id=boost_id,
                    discount_minor=captured.discount_minor, currency=captured.currency, created_at=uow.now()))
    except IntegrityError:  # a concurrent replay of the same capture recorded it first
        pass
