"""Cash Card use cases of the card holder: issue, show, freeze and unfreeze the card; choose a Boost."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from sqlalchemy import delete, select

from casebook.apps.cashapp import rules
from casebook.apps.cashapp.card import boosts
from casebook.apps.cashapp.card import rules as card_rules
from casebook.apps.cashapp.card.models import BoostRedemptionRow, BoostSelectionRow
from casebook.apps.cashapp.models import ProfileRow
from casebook.apps.cashapp.service import profiles
from casebook.engines import ledger, payments
from casebook.platform.errors import NotFound
from casebook.platform.identity.principal import AuthenticatedAccount
from casebook.platform.uow import UnitOfWork

if TYPE_CHECKING:
    from casebook.platform.bootstrap import Platform

BOOSTS_ACCOUNT_CODE = f"cashapp:boosts:{rules.CURRENCY}"


class NoCard(NotFound):
    code = "card_not_found"
    title = "No Cash Card"


@dataclasses.dataclass(frozen=True)
class CardOverview:
    card: payments.Card
    purchases: list[payments.Authorization]  # newest first, at most RECENT_PURCHASES_MAX
    boost_ids: dict[int, str]  # authorization id -> the Boost redeemed on it


async def issue_card(platform: Platform, account: AuthenticatedAccount) -> payments.Card:
    """A virtual card on the caller's wallet; one open card per wallet (a second is a 409)."""
    profile = await profiles.ensure_profile(platform, account)
    async with platform.uow() as uow:
        return await payments.issue_card(uow, owner_ref=profiles.owner_ref(account.id),
                                         wallet_account_id=profile.wallet_account_id)


async def find_card(uow: UnitOfWork, profile: ProfileRow) -> payments.Card | None:
    return await payments.find_card_for_wallet(uow, profile.wallet_account_id)


async def get_card(uow: UnitOfWork, profile: ProfileRow) -> payments.Card:
    card = await find_card(uow, profile)
    if card is None:
        raise NoCard("You have no Cash Card yet: POST /api/cashapp/card issues one.")
    return card


async def read_card(platform: Platform, account: AuthenticatedAccount) -> payments.Card:
    profile = await profiles.ensure_profile(platform, account)
    async with platform.reader() as reader:
        return await get_card(reader, profile)


async def card_overview(platform: Platform, account: AuthenticatedAccount) -> CardOverview | None:
    """The caller's card with its recent purchases, or None before one is issued."""
    profile = await profiles.ensure_profile(platform, account)
    async with platform.reader() as reader:
        card = await find_card(reader, profile)
        if card is None:
            return None
        page = await payments.list_authorizations(reader, card_id=card.id, limit=card_rules.RECENT_PURCHASES_MAX)
        purchases = list(page.items)
        return CardOverview(card=card, purchases=purchases,
                            boost_ids=await redeemed_boosts(reader, [p.id for p in purchases]))


async def set_frozen(platform: Platform, account: AuthenticatedAccount, *, is_frozen: bool) -> payments.Card:
    """Frozen: new authorizations are declined (card_frozen); holds already taken still capture."""
    profile = await profiles.ensure_profile(platform, account)
    async with platform.uow() as uow:
        card = await get_card(uow, profile)
        change = payments.freeze_card if is_frozen else payments.unfreeze_card
        return await change(uow, card_id=card.id, owner_ref=profiles.owner_ref(account.id))


async def active_boost_id(uow: UnitOfWork, account_id: int) -> str | None:
    row = await uow.session.get(BoostSelectionRow, account_id)
    return None if row is None or boosts.find_boost(row.boost_id) is None else row.boost_id


async def read_active_boost(platform: Platform, account: AuthenticatedAccount) -> str | None:
    await profiles.ensure_profile(platform, account)
    async with platform.reader() as reader:
        return await active_boost_id(reader, account.id)


async def activate_boost(platform: Platform, account: AuthenticatedAccount, *, boost_id: str) -> str:
    """Make `boost_id` the caller's one active Boost, replacing any other."""
    boost = boosts.get_boost(boost_id)
    await profiles.ensure_profile(platform, account)
    async with platform.uow() as uow:
        await profiles.get_profile(uow, account.id, lock=True)  # one selection change at a time per profile
        row = await uow.session.get(BoostSelectionRow, account.id)
        if row is None:
            uow.session.add(BoostSelectionRow(account_id=account.id, boost_id=boost.id, activated_at=uow.now()))
        elif row.boost_id != boost.id:
            row.boost_id, row.activated_at = boost.id, uow.now()
    return boost.id


async def deactivate_boost(platform: Platform, account: AuthenticatedAccount) -> None:
    await profiles.ensure_profile(platform, account)
    async with platform.uow() as uow:
        await uow.session.execute(delete(BoostSelectionRow).where(BoostSelectionRow.account_id == account.id))


async def redeemed_boosts(uow: UnitOfWork, authorization_ids: list[int]) -> dict[int, str]:
    if not authorization_ids:
        return {}
    rows = await uow.session.execute(select(BoostRedemptionRow.authorization_id, BoostRedemptionRow.boost_id)
                                     .where(BoostRedemptionRow.authorization_id.in_(authorization_ids)))
    return {authorization_id: boost_id for authorization_id, boost_id in rows}


async def boosts_account_id(platform: Platform) -> int:
    """CashApp's promotions expense account, which funds every Boost: debit-normal and without limit, opened
    on first use (open_account returns the existing account to a racing opener)."""
    async with platform.reader() as reader:
        found = await ledger.find_account_by_code(reader, BOOSTS_ACCOUNT_CODE)
    if found is not None:
        return found.id
    async with platform.uow() as uow:
        account = await ledger.open_account(uow, code=BOOSTS_ACCOUNT_CODE, currency=rules.CURRENCY,
                                            normal_side="debit", owner_ref="cashapp",
                                            metadata={"app": "cashapp", "role": "boosts"})
    return account.id
