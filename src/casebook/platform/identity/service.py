"""Account use cases: register, read (cached), update, change password; lookups for apps."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import msgspec
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from casebook.platform.errors import Conflict, Invalid, NotFound
from casebook.platform.identity import passwords, rules
from casebook.platform.identity.models import Account, RefreshToken, Session
from casebook.platform.identity.schemas import AccountRead
from casebook.platform.uow import UnitOfWork

if TYPE_CHECKING:
    from casebook.platform.bootstrap import Platform

ACCOUNT_CACHE_TTL_S = 300
ACCOUNT_IDS_MAX = 1000  # a bulk lookup serves one page of something, never a table scan
SESSION_CACHE_PREFIX = "identity:session:"


def account_cache_key(account_id: int) -> str:
    return f"identity:account:{account_id}"


async def register(uow: UnitOfWork, *, username: str, email: str, password: str,
                   display_name: str | None = None) -> Account:
    """A new account; Conflict ("username_taken" / "email_taken") when either is in use."""
    username, email = rules.check_registration(username=username, email=email, password=password)
    display_name = rules.check_display_name(display_name) if display_name else username
    username_normalized, email_normalized = rules.normalize_username(username), rules.normalize_email(email)
    # Hash before the first statement: the write transaction starts lazily, so no lock is held meanwhile.
    password_hash = await passwords.hash_password(password)
    await check_username_free(uow, username_normalized)
    await check_email_free(uow, email_normalized)
    now = uow.now()
    account = Account(id=uow.new_id(), username=username, username_normalized=username_normalized, email=email,
                      email_normalized=email_normalized, display_name=display_name,
                      password_hash=password_hash, created_at=now, updated_at=now)
    uow.session.add(account)
    await _flush_unique(uow)
    return account


async def find_account(uow: UnitOfWork, account_id: int) -> Account | None:
    return await uow.session.get(Account, account_id)


async def get_account(uow: UnitOfWork, account_id: int) -> Account:
    account = await find_account(uow, account_id)
    if account is None:
        raise NotFound("No such account.", code="account_not_found")
    return account


async def find_accounts_by_ids(uow: UnitOfWork, ids: Iterable[int]) -> dict[int, Account]:
    """The accounts that exist among `ids` (at most ACCOUNT_IDS_MAX), by id."""
    wanted = list(dict.fromkeys(ids))
    assert len(wanted) <= ACCOUNT_IDS_MAX, f"find_accounts_by_ids: {len(wanted)} ids"
    if not wanted:
        return {}
    rows = await uow.session.scalars(select(Account).where(Account.id.in_(wanted)))
    return {account.id: account for account in rows}


async def find_account_by_login(uow: UnitOfWork, login: str) -> Account | None:
    """By username, or by email when `login` contains '@'."""
    normalized = rules.normalize_login(login)
    column = Account.email_normalized if "@" in normalized else Account.username_normalized
    return await uow.session.scalar(select(Account).where(column == normalized))


async def read_account_json(platform: Platform, account_id: int) -> bytes:
    """The account's public document as JSON, from the cache; the database only on a miss.

    A read racing an update may re-cache the old document after the invalidation; the
    TTL bounds how long that can last.
    """
    key = account_cache_key(account_id)
    document = await platform.near_cache.get(key)
    if document is None:
        async with platform.reader() as uow:
            account = await get_account(uow, account_id)
        document = msgspec.json.encode(AccountRead.from_account(account))
        await platform.near_cache.set(key, document, ttl_s=ACCOUNT_CACHE_TTL_S)
    return document


async def read_account(platform: Platform, account_id: int) -> AccountRead:
    return msgspec.json.decode(await read_account_json(platform, account_id), type=AccountRead)


async def update_account(uow: UnitOfWork, *, account_id: int, display_name: str | None = None,
                         email: str | None = None) -> Account:
    account = await get_account(uow, account_id)
    if display_name is not None:
        account.display_name = rules.check_display_name(display_name)
    if email is not None:
        email = rules.check_email(email)
        email_normalized = rules.normalize_email(email)
        if email_normalized != account.email_normalized:
            await check_email_free(uow, email_normalized)
        account.email, account.email_normalized = email, email_normalized
    account.updated_at = uow.now()
    await _flush_unique(uow)
    _forget_account_after_commit(uow, account_id)
    return account


async def change_password(uow: UnitOfWork, *, account_id: int, current_password: str, new_password: str,
                          keep_family_id: int | None = None, keep_session_id: int | None = None) -> None:
    """Replace the password and sign out everywhere except the caller's own refresh family or session."""
    rules.check_password(new_password, field="new_password")
    # Verify and hash before the first write statement, so no write lock is held for the CPU work.
    async with uow.platform.reader() as reader:
        current_hash = (await get_account(reader, account_id)).password_hash
    if not await passwords.verify_password(current_hash, current_password):
        raise Invalid("The current password is wrong.", field="current_password", code="wrong_password")
    password_hash = await passwords.hash_password(new_password)
    account = await get_account(uow, account_id)
    account.password_hash = password_hash
    now = account.updated_at = uow.now()
    families = update(RefreshToken).where(RefreshToken.account_id == account_id, RefreshToken.revoked_at.is_(None))
    if keep_family_id is not None:
        families = families.where(RefreshToken.family_id != keep_family_id)
    await uow.session.execute(families.values(revoked_at=now), execution_options={"synchronize_session": False})
    sessions = select(Session.id, Session.token_hash).where(Session.account_id == account_id,
                                                            Session.revoked_at.is_(None))
    if keep_session_id is not None:
        sessions = sessions.where(Session.id != keep_session_id)
    ended = (await uow.session.execute(sessions)).all()
    if ended:
        await uow.session.execute(update(Session).where(Session.id.in_([row.id for row in ended]))
                                  .values(revoked_at=now), execution_options={"synchronize_session": False})
    cache_keys = [SESSION_CACHE_PREFIX + row.token_hash for row in ended]
    _forget_account_after_commit(uow, account_id, *cache_keys)


async def set_password_hash(uow: UnitOfWork, *, account_id: int, password_hash: str) -> None:
    """Store a re-hash made with current parameters (after a successful login)."""
    await uow.session.execute(update(Account).where(Account.id == account_id).values(password_hash=password_hash))


async def check_username_free(uow: UnitOfWork, username_normalized: str) -> None:
    taken = await uow.session.scalar(
        select(func.count()).select_from(Account).where(Account.username_normalized == username_normalized))
    if taken:
        raise Conflict("That username is taken.", code="username_taken",
                       errors=[{"path": "username", "message": "That username is taken."}])


async def check_email_free(uow: UnitOfWork, email_normalized: str) -> None:
    taken = await uow.session.scalar(
        select(func.count()).select_from(Account).where(Account.email_normalized == email_normalized))
    if taken:
        raise Conflict("That email is already registered.", code="email_taken",
                       errors=[{"path": "email", "message": "That email is already registered."}])


async def _flush_unique(uow: UnitOfWork) -> None:
    """Flush, turning a lost race on a unique column into the same Conflict the pre-checks raise."""
    try:
        await uow.session.flush()
    except IntegrityError as error:
        message = str(error.orig)
        if "username_normalized" in message:
            raise Conflict("That username is taken.", code="username_taken") from None
        if "email_normalized" in message:
            raise Conflict("That email is already registered.", code="email_taken") from None
        raise


def _forget_account_after_commit(uow: UnitOfWork, account_id: int, *extra_keys: str) -> None:
    near_cache = uow.platform.near_cache

    async def forget() -> None:
        await near_cache.invalidate(account_cache_key(account_id), *extra_keys)

    uow.after_commit(forget)


__all__ = [
    "ACCOUNT_CACHE_TTL_S",
    "account_cache_key",
    "change_password",
    "check_email_free",
    "check_username_free",
    "find_account",
    "find_account_by_login",
    "find_accounts_by_ids",
    "get_account",
    "read_account",
    "read_account_json",
    "register",
    "set_password_hash",
    "update_account",
]
