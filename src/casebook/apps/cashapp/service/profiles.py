"""Profiles: created on first use with a cashtag, a wallet and a bank link; cashtag changes; finding people."""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from casebook.apps.cashapp import rules
from casebook.apps.cashapp.models import CashtagRow, PaymentRow, ProfileRow
from casebook.engines import ledger, payments
from casebook.platform.errors import Conflict, Invalid, NotFound
from casebook.platform.identity import first_use
from casebook.platform.identity import rules as identity_rules
from casebook.platform.identity import service as identity
from casebook.platform.identity.models import Account
from casebook.platform.identity.principal import AuthenticatedAccount
from casebook.platform.uow import UnitOfWork

if TYPE_CHECKING:
    from casebook.platform.bootstrap import Platform

BANK_LINK_NAME = "Simulated Checking"


class CashtagTaken(Conflict):
    code = "cashtag_taken"
    title = "Cashtag taken"


def owner_ref(account_id: int) -> str:
    return f"cashapp:{account_id}"


def wallet_code(account_id: int) -> str:
    return f"cashapp:wallet:{account_id}:{rules.CURRENCY}"


async def ensure_profile(platform: Platform, account: AuthenticatedAccount) -> ProfileRow:
    """The caller's profile, created on first use; safe when several first requests race (a derived name
    taken by another account at the same moment is picked again)."""
    async def find(uow: UnitOfWork) -> ProfileRow | None:
        return await uow.session.get(ProfileRow, account.id, populate_existing=True)

    async def create(uow: UnitOfWork) -> ProfileRow:
        return await create_profile(uow, account=account)

    return await first_use.ensure_record(platform, account.id, find=find, create=create, what="CashApp profile")


async def create_profile(uow: UnitOfWork, *, account: AuthenticatedAccount) -> ProfileRow:
    """A cashtag from the username (suffixed when taken), a USD wallet that cannot go below zero, one bank link."""
    identity_account = await identity.get_account(uow, account.id)
    cashtag = await _free_cashtag(uow, rules.cashtag_from_username(account.username))
    await claim_cashtag(uow, cashtag=cashtag, account_id=account.id)
    # A customer wallet is a liability of ours: credit-normal, debits never past credits (no overdraft).
    wallet = await ledger.open_account(uow, code=wallet_code(account.id), currency=rules.CURRENCY,
                                       normal_side="credit", debits_must_not_exceed_credits=True,
                                       owner_ref=owner_ref(account.id), metadata={"app": "cashapp"})
    now = uow.now()
    profile = ProfileRow(account_id=account.id, cashtag=cashtag, display_name=identity_account.display_name,
                         phone=None, wallet_account_id=wallet.id, bank_link_id=0, is_verified=False,
                         created_at=now, updated_at=now)
    uow.session.add(profile)
    await uow.session.flush()  # a racing creation of the same profile fails here, before the bank link
    link = await payments.link_bank(uow, owner_ref=owner_ref(account.id), name=BANK_LINK_NAME)
    profile.bank_link_id = link.id
    return profile


async def get_profile(uow: UnitOfWork, account_id: int, *, lock: bool = False) -> ProfileRow:
    query = select(ProfileRow).where(ProfileRow.account_id == account_id)
    profile = await uow.session.scalar(query.with_for_update() if lock else query)
    if profile is None:
        raise NotFound("No CashApp profile yet: open GET /api/cashapp/me first.", code="profile_not_found")
    return profile


async def get_by_cashtag(uow: UnitOfWork, cashtag: str, *, field: str) -> ProfileRow:
    profile = await uow.session.scalar(select(ProfileRow).where(
        ProfileRow.cashtag == rules.check_cashtag(cashtag, field=field)))
    if profile is None:
        raise NotFound(f"Nobody has the cashtag {rules.normalize_cashtag(cashtag)}.", code="recipient_not_found")
    return profile


async def cashtags_of(uow: UnitOfWork, account_ids: Iterable[int]) -> dict[int, str]:
    wanted = set(account_ids)
    if not wanted:
        return {}
    rows = await uow.session.execute(select(ProfileRow.account_id, ProfileRow.cashtag)
                                     .where(ProfileRow.account_id.in_(wanted)))
    return {account_id: cashtag for account_id, cashtag in rows}


async def sent_since(uow: UnitOfWork, *, sender_id: int, since: datetime) -> tuple[int, int]:
    """How many payments `sender_id` made since `since`, and their total in minor units."""
    count, total = (await uow.session.execute(
        select(func.count(), func.coalesce(func.sum(PaymentRow.amount_minor), 0))
        .where(PaymentRow.sender_id == sender_id, PaymentRow.created_at >= since))).one()
    return int(count), int(total)


async def update_profile(uow: UnitOfWork, *, account_id: int, cashtag: str | None = None,
                         phone: str | None = None) -> ProfileRow:
    """Change the cashtag (the old one is held for CASHTAG_HOLD, then anyone may take it) and/or the phone."""
    profile = await get_profile(uow, account_id, lock=True)
    if cashtag is not None:
        new = rules.check_cashtag(cashtag)
        if new != profile.cashtag:
            await claim_cashtag(uow, cashtag=new, account_id=account_id)
            await _release_cashtag(uow, profile.cashtag)
            profile.cashtag = new
    if phone is not None:
        new_phone = rules.check_phone(phone)
        holder = await uow.session.scalar(select(ProfileRow.account_id).where(ProfileRow.phone == new_phone))
        if holder is not None and holder != account_id:
            raise Conflict("That phone number belongs to another profile.", code="phone_taken")
        profile.phone = new_phone
    profile.updated_at = uow.now()
    await uow.session.flush()
    return profile


async def claim_cashtag(uow: UnitOfWork, *, cashtag: str, account_id: int) -> None:
    """Take `cashtag` for `account_id`: new, or released and past its hold (or released by this account)."""
    row = await uow.session.scalar(select(CashtagRow).where(CashtagRow.cashtag == cashtag).with_for_update())
    now = uow.now()
    if row is None:
        uow.session.add(CashtagRow(cashtag=cashtag, account_id=account_id, claimed_at=now, released_at=None,
                                   reusable_at=None))
        await uow.session.flush()  # a rival claim of the same new cashtag fails here (primary key)
        return
    if row.released_at is None:
        raise CashtagTaken(f"{cashtag} is taken.", field="cashtag")
    if row.account_id != account_id and row.reusable_at is not None and row.reusable_at > now:
        raise CashtagTaken(f"{cashtag} was released recently and is held until {row.reusable_at.date()}.",
                           field="cashtag")
    row.account_id, row.claimed_at, row.released_at, row.reusable_at = account_id, now, None, None


async def _release_cashtag(uow: UnitOfWork, cashtag: str) -> None:
    row = await uow.session.get(CashtagRow, cashtag)
    assert row is not None and row.released_at is None, f"profile cashtag {cashtag} is not claimed"
    now = uow.now()
    row.released_at, row.reusable_at = now, now + rules.CASHTAG_HOLD


async def _free_cashtag(uow: UnitOfWork, wanted: str) -> str:
    """`wanted`, or it with a random numeric suffix, whichever nobody holds (released ones stay held)."""
    candidates = [wanted] + [rules.with_suffix(wanted, str(secrets.randbelow(10_000)))
                             for _ in range(rules.CASHTAG_SUFFIX_ATTEMPTS_MAX)]
    held = set(await uow.session.scalars(select(CashtagRow.cashtag).where(CashtagRow.cashtag.in_(candidates))))
    for candidate in candidates:
        if candidate not in held:
            return candidate
    raise Conflict("Could not find a free cashtag; retry.", code="cashtag_unavailable")


async def find_people(uow: UnitOfWork, *, query: str, viewer_id: int) -> list[ProfileRow]:
    """By cashtag prefix, or exactly by email or phone; never the viewer. Answers carry no email or phone."""
    text = query.strip()
    if not text:
        return []
    if "@" in text and not text.startswith("$"):
        statement = (select(ProfileRow).join(Account, Account.id == ProfileRow.account_id)
                     .where(Account.email_normalized == identity_rules.normalize_email(text)))
    elif text.startswith("+"):
        try:
            phone = rules.check_phone(text)
        except Invalid:  # not a phone number: nobody matches
            return []
        statement = select(ProfileRow).where(ProfileRow.phone == phone)
    else:
        prefix = rules.normalize_cashtag(text)
        if len(prefix) > rules.CASHTAG_CHARS_MAX + 1 or not all(c.isalnum() or c == "_" for c in prefix[1:]):
            return []
        statement = (select(ProfileRow).where(ProfileRow.cashtag.startswith(prefix, autoescape=True))
                     .order_by(ProfileRow.cashtag))
    rows = await uow.session.scalars(statement.where(ProfileRow.account_id != viewer_id)
                                     .limit(rules.PEOPLE_RESULTS_MAX))
    return list(rows)


@dataclasses.dataclass(frozen=True)
class Overview:
    profile: ProfileRow
    balances: ledger.Balances
    sent_minor: int  # in the rolling sending window
    limit_minor: int


async def overview(platform: Platform, account: AuthenticatedAccount) -> Overview:
    """The caller's profile with balances read from the ledger (never a cache) and the limit used so far,
    in one read transaction (a first visit creates the profile before)."""
    found = await _read_overview(platform, account.id)
    if found is None:
        await ensure_profile(platform, account)
        found = await _read_overview(platform, account.id)
    assert found is not None, "ensure_profile created the profile"
    return found


async def _read_overview(platform: Platform, account_id: int) -> Overview | None:
    async with platform.reader() as reader:
        profile = await reader.session.get(ProfileRow, account_id)
        if profile is None:
            return None
        balances = await ledger.balances(reader, profile.wallet_account_id)
        _, sent_minor = await sent_since(reader, sender_id=account_id, since=reader.now() - rules.SENDING_WINDOW)
    return Overview(profile=profile, balances=balances, sent_minor=sent_minor,
                    limit_minor=rules.sending_limit_minor(is_verified=profile.is_verified))


async def change_profile(platform: Platform, account: AuthenticatedAccount, *, cashtag: str | None,
                         phone: str | None) -> Overview:
    await ensure_profile(platform, account)
    async with platform.uow() as uow:
        await update_profile(uow, account_id=account.id, cashtag=cashtag, phone=phone)
    return await overview(platform, account)
