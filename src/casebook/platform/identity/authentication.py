"""Signing in and staying signed in: password login, token pairs and their rotation, UI sessions."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import msgspec
from sqlalchemy import select, update

from casebook.platform.errors import Unauthorized
from casebook.platform.identity import passwords, rules, service, throttle, tokens
from casebook.platform.identity.models import Account, RefreshToken, Session
from casebook.platform.identity.principal import AuthenticatedAccount
from casebook.platform.identity.schemas import TokenPair
from casebook.platform.uow import UnitOfWork

if TYPE_CHECKING:
    from casebook.platform.bootstrap import Platform

SESSION_CACHE_TTL_S = 60  # a revoked session is deleted from the cache; the TTL only bounds memory


class SessionPrincipal(msgspec.Struct, frozen=True, kw_only=True):
    """What the cache keeps about a live session, keyed by the SHA-256 of its token."""

    session_id: int
    account_id: int
    username: str
    expires_at_s: float


def session_cache_key(token_hash: str) -> str:
    return service.SESSION_CACHE_PREFIX + token_hash


async def authenticate(platform: Platform, *, login: str, password: str, client_address: str) -> Account:
    """The account `login` (username or email) names when `password` is right.

    Unknown logins and wrong passwords cost the same hash verification and answer the same
    401; failures are counted per account and per client address, and past the limit every
    attempt answers 429 until the window passes.
    """
    login = login.strip()[: rules.LOGIN_LENGTH_MAX]
    async with platform.reader() as uow:
        account = await service.find_account_by_login(uow, login) if login else None
    keys = [throttle.account_key(str(account.id) if account else rules.normalize_login(login)),
            throttle.address_key(client_address)]
    await throttle.check_allowed(platform.cache, platform.settings, keys)
    is_valid = len(password) <= rules.PASSWORD_LENGTH_MAX and await passwords.verify_password(
        account.password_hash if account else None, password)
    if account is None or not is_valid:
        await throttle.record_failure(platform.cache, platform.settings, keys)
        raise Unauthorized("Wrong username, email or password.", code="invalid_credentials")
    await throttle.reset(platform.cache, keys[0])
    if passwords.needs_rehash(account.password_hash):
        password_hash = await passwords.hash_password(password)
        async with platform.uow() as uow:
            await service.set_password_hash(uow, account_id=account.id, password_hash=password_hash)
    return account


async def login(platform: Platform, *, login: str, password: str, client_address: str) -> TokenPair:
    """Check the password, then open a new refresh family. Owns its transactions: the hash
    check runs before any is opened."""
    account = await authenticate(platform, login=login, password=password, client_address=client_address)
    async with platform.uow() as uow:
        return await issue_tokens(uow, account_id=account.id, username=account.username)


async def issue_tokens(uow: UnitOfWork, *, account_id: int, username: str, family_id: int | None = None) -> TokenPair:
    """A fresh access token and refresh token; a new refresh family unless `family_id` continues one."""
    settings = uow.platform.settings
    now = uow.now()
    family_id = family_id if family_id is not None else uow.new_id()
    refresh_token = tokens.new_opaque_token()
    uow.session.add(RefreshToken(
        id=uow.new_id(), family_id=family_id, account_id=account_id, token_hash=tokens.hash_token(refresh_token),
        created_at=now, expires_at=now + timedelta(seconds=settings.refresh_token_ttl_s),
    ))
    access_token = tokens.encode_access_token(
        secret_key=settings.secret_key, account_id=account_id, username=username, family_id=family_id,
        now=now, ttl_s=settings.access_token_ttl_s,
    )
    return TokenPair(access_token=access_token, refresh_token=refresh_token, expires_in=settings.access_token_ttl_s)


async def refresh(platform: Platform, *, refresh_token: str) -> TokenPair:
    """Rotate: mark this refresh token used and mint the next pair of its family.

    Presenting a token that was already rotated means two parties hold it; the whole family
    is revoked (committed before the 401 is raised, hence this owns its transaction).
    """
    token_hash = tokens.hash_token(refresh_token)
    async with platform.uow() as uow:
        query = select(RefreshToken).where(RefreshToken.token_hash == token_hash)
        if platform.db.dialect == "postgresql":  # SQLite's writer is already exclusive
            query = query.with_for_update()
        row = await uow.session.scalar(query)
        now = uow.now()
        pair = None
        if row is None or row.revoked_at is not None or row.expires_at <= now:
            pass
        elif row.used_at is not None:
            await _revoke_family(uow, row.family_id)
        else:
            row.used_at = now
            account = await service.get_account(uow, row.account_id)
            pair = await issue_tokens(uow, account_id=account.id, username=account.username, family_id=row.family_id)
    if pair is None:
        raise Unauthorized("The refresh token is invalid, expired or revoked.", code="invalid_token")
    return pair


async def logout(uow: UnitOfWork, *, refresh_token: str) -> None:
    """Revoke every token of this refresh token's family; unknown tokens are ignored."""
    family_id = await uow.session.scalar(
        select(RefreshToken.family_id).where(RefreshToken.token_hash == tokens.hash_token(refresh_token)))
    if family_id is not None:
        await _revoke_family(uow, family_id)


async def open_session(uow: UnitOfWork, *, account_id: int) -> str:
    """A new UI session; returns the token for the cookie (only its hash is stored)."""
    now = uow.now()
    token = tokens.new_opaque_token()
    uow.session.add(Session(
        id=uow.new_id(), account_id=account_id, token_hash=tokens.hash_token(token), created_at=now,
        expires_at=now + timedelta(seconds=uow.platform.settings.session_ttl_s),
    ))
    return token


async def start_session(platform: Platform, *, login: str, password: str, client_address: str) -> str:
    """Password sign-in for the web shell: the new session's cookie token."""
    account = await authenticate(platform, login=login, password=password, client_address=client_address)
    async with platform.uow() as uow:
        return await open_session(uow, account_id=account.id)


async def end_session(uow: UnitOfWork, *, session_token: str) -> None:
    token_hash = tokens.hash_token(session_token)
    await uow.session.execute(
        update(Session).where(Session.token_hash == token_hash, Session.revoked_at.is_(None))
        .values(revoked_at=uow.now()), execution_options={"synchronize_session": False})
    cache = uow.cache

    async def forget() -> None:
        await cache.delete(session_cache_key(token_hash))

    uow.after_commit(forget)


async def resolve_session(platform: Platform, session_token: str) -> SessionPrincipal | None:
    """The live session behind a cookie token, from the cache when it can; None when gone."""
    if len(session_token) > tokens.OPAQUE_TOKEN_LENGTH_MAX:
        return None
    token_hash = tokens.hash_token(session_token)
    key = session_cache_key(token_hash)
    now_s = platform.clock.now().timestamp()
    cached = await platform.cache.get(key)
    if cached is not None:
        principal = msgspec.json.decode(cached, type=SessionPrincipal)
        return principal if principal.expires_at_s > now_s else None
    async with platform.reader() as uow:
        row = (await uow.session.execute(
            select(Session.id, Session.account_id, Session.expires_at, Account.username)
            .join(Account, Account.id == Session.account_id)
            .where(Session.token_hash == token_hash, Session.revoked_at.is_(None)))).first()
    if row is None or row.expires_at.timestamp() <= now_s:
        return None
    principal = SessionPrincipal(session_id=row.id, account_id=row.account_id, username=row.username,
                                 expires_at_s=row.expires_at.timestamp())
    ttl_s = min(SESSION_CACHE_TTL_S, principal.expires_at_s - now_s)
    await platform.cache.set(key, msgspec.json.encode(principal), ttl_s=ttl_s)
    return principal


def authenticate_bearer(platform: Platform, access_token: str) -> tuple[AuthenticatedAccount, int | None]:
    """The caller of a bearer token and the refresh family it belongs to; Unauthorized otherwise."""
    claims = tokens.decode_access_token(access_token, secret_key=platform.settings.secret_key,
                                        now_s=platform.clock.now().timestamp())
    family_id = int(claims.sid) if claims.sid and claims.sid.isdigit() else None
    return AuthenticatedAccount(id=int(claims.sub), username=claims.usr, via="bearer"), family_id


async def _revoke_family(uow: UnitOfWork, family_id: int) -> None:
    await uow.session.execute(
        update(RefreshToken).where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=uow.now()), execution_options={"synchronize_session": False})
