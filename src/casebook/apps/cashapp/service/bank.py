"""Add cash from the linked bank (pending until the bank settles) and cash out, standard or instant."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from casebook.apps.cashapp import rules
from casebook.apps.cashapp.service import profiles
from casebook.engines import payments
from casebook.platform.identity.principal import AuthenticatedAccount

if TYPE_CHECKING:
    from casebook.platform.bootstrap import Platform

SETTLE_AFTER_S = 3  # the simulated bank answers after a few seconds, so the UI shows pending, then settled


async def add_cash(platform: Platform, *, account: AuthenticatedAccount, amount: str,
                   client_key: str | None) -> payments.Deposit:
    amount_minor = rules.parse_amount(amount, amount_max_minor=rules.BANK_AMOUNT_MAX_MINOR)
    key = rules.check_client_key(client_key, is_required=False) or uuid.uuid4().hex
    profile = await profiles.ensure_profile(platform, account)
    return await payments.start_deposit(platform, key=f"cashapp:deposit:{account.id}:{key}",
                                        link_id=profile.bank_link_id, wallet_account_id=profile.wallet_account_id,
                                        amount_minor=amount_minor, currency=rules.CURRENCY,
                                        settle_after_s=SETTLE_AFTER_S)


async def cash_out(platform: Platform, *, account: AuthenticatedAccount, amount: str, speed: str,
                   client_key: str | None) -> payments.Withdrawal:
    """Standard: free, held until the bank settles. Instant: settled now, for a fee. Short of funds: 409."""
    amount_minor = rules.parse_amount(amount, amount_max_minor=rules.BANK_AMOUNT_MAX_MINOR)
    key = rules.check_client_key(client_key, is_required=False) or uuid.uuid4().hex
    profile = await profiles.ensure_profile(platform, account)
    return await payments.start_withdrawal(platform, key=f"cashapp:cashout:{account.id}:{key}",
                                           link_id=profile.bank_link_id,
                                           wallet_account_id=profile.wallet_account_id, amount_minor=amount_minor,
                                           currency=rules.CURRENCY, speed=speed,  # type: ignore[arg-type]
                                           settle_after_s=SETTLE_AFTER_S)
