"""Bank links (every profile starts with one, more on request), add cash from one (pending until the bank
settles) and cash out to one, standard or instant."""

from __future__ import annotations

import dataclasses
import uuid
from typing import TYPE_CHECKING

from casebook.apps.cashapp import rules
from casebook.apps.cashapp.models import ProfileRow
from casebook.apps.cashapp.service import profiles
from casebook.engines import payments
from casebook.platform.identity.principal import AuthenticatedAccount
from casebook.platform.uow import UnitOfWork

if TYPE_CHECKING:
    from casebook.platform.bootstrap import Platform

SETTLE_AFTER_S = 3  # the simulated bank answers after a few seconds, so the UI shows pending, then settled


async def list_links(platform: Platform, account: AuthenticatedAccount) -> tuple[ProfileRow, list[payments.BankLink]]:
    """The caller's bank links, oldest (the default one) first, with the profile that names the default."""
    profile = await profiles.ensure_profile(platform, account)
    async with platform.reader() as reader:
        return profile, await payments.list_bank_links(reader, profiles.owner_ref(account.id))


async def link_bank(platform: Platform, account: AuthenticatedAccount, *, name: str,
                    account_last4: str | None) -> payments.BankLink:
    """Link one more simulated bank account; past the engine's limit per owner, BankLinksExceeded (409)."""
    name = rules.check_bank_link_name(name)
    last4 = rules.check_account_last4(account_last4)
    await profiles.ensure_profile(platform, account)
    async with platform.uow() as uow:
        await profiles.get_profile(uow, account.id, lock=True)  # racing links cannot both pass the count check
        try:
            return await payments.link_bank(uow, owner_ref=profiles.owner_ref(account.id), name=name,
                                            account_last4=last4)
        except payments.BankLinksExceeded as refusal:
            raise payments.BankLinksExceeded("You already have the most bank accounts one can link "
                                             f"({refusal.detail}).") from refusal


async def add_cash(platform: Platform, *, account: AuthenticatedAccount, amount: str, client_key: str | None,
                   link_id: str | None = None) -> payments.Deposit:
    transfer = await _prepare(platform, account, amount=amount, client_key=client_key, link_id=link_id)
    return await payments.start_deposit(platform, key=f"cashapp:deposit:{account.id}:{transfer.key}",
                                        link_id=transfer.link_id, wallet_account_id=transfer.wallet_account_id,
                                        amount_minor=transfer.amount_minor, currency=rules.CURRENCY,
                                        settle_after_s=SETTLE_AFTER_S)


async def cash_out(platform: Platform, *, account: AuthenticatedAccount, amount: str, speed: str,
                   client_key: str | None, link_id: str | None = None) -> payments.Withdrawal:
    """Standard: free, held until the bank settles. Instant: settled now, for a fee. Short of funds: 409."""
    transfer = await _prepare(platform, account, amount=amount, client_key=client_key, link_id=link_id)
    return await payments.start_withdrawal(platform, key=f"cashapp:cashout:{account.id}:{transfer.key}",
                                           link_id=transfer.link_id, wallet_account_id=transfer.wallet_account_id,
                                           amount_minor=transfer.amount_minor, currency=rules.CURRENCY,
                                           speed=speed,  # type: ignore[arg-type]
                                           settle_after_s=SETTLE_AFTER_S)


@dataclasses.dataclass(frozen=True)
class _Transfer:
    amount_minor: int
    key: str
    link_id: int
    wallet_account_id: int


async def _prepare(platform: Platform, account: AuthenticatedAccount, *, amount: str, client_key: str | None,
                   link_id: str | None) -> _Transfer:
    """Checked input (refused before anything is read), the caller's wallet and its own chosen link."""
    amount_minor = rules.parse_amount(amount, amount_max_minor=rules.BANK_AMOUNT_MAX_MINOR)
    key = rules.check_client_key(client_key, is_required=False) or uuid.uuid4().hex
    wanted_link_id = rules.parse_link_id(link_id)
    profile = await profiles.ensure_profile(platform, account)
    async with platform.reader() as reader:
        chosen_link_id = await _own_link_id(reader, profile, wanted_link_id)
    return _Transfer(amount_minor=amount_minor, key=key, link_id=chosen_link_id,
                     wallet_account_id=profile.wallet_account_id)


async def _own_link_id(uow: UnitOfWork, profile: ProfileRow, link_id: int | None) -> int:
    """The profile's first link by default; someone else's link is NotFound, as if it did not exist.
    (Links are never removed, so the check still holds when the transfer starts.)"""
    if link_id is None:
        return profile.bank_link_id
    link = await payments.get_bank_link(uow, link_id, owner_ref=profiles.owner_ref(profile.account_id))
    return link.id
