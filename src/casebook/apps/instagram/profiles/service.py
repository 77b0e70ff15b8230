"""Instagram profiles: created on first use, looked up by username, edited; counts from counters."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from casebook.apps.instagram import audience, events, rules
from casebook.apps.instagram.models import ProfileRow
from casebook.engines import media, social
from casebook.platform.errors import Conflict, Invalid, NotFound
from casebook.platform.identity import first_use
from casebook.platform.identity import service as identity
from casebook.platform.identity.principal import AuthenticatedAccount
from casebook.platform.uow import UnitOfWork

if TYPE_CHECKING:
    from casebook.platform.bootstrap import Platform

USERNAME_SUFFIX_ATTEMPTS_MAX = 20


class UsernameTaken(Conflict):
    code = "username_taken"


async def ensure_profile(platform: Platform, account: AuthenticatedAccount) -> ProfileRow:
    """The caller's profile, created on first use; safe when several first requests race (a derived name
    taken by another account at the same moment is picked again)."""
    async def find(uow: UnitOfWork) -> ProfileRow | None:
        return await uow.session.get(ProfileRow, account.id, populate_existing=True)

    async def create(uow: UnitOfWork) -> ProfileRow:
        return await create_profile(uow, account=account)

    return await first_use.ensure_record(platform, account.id, find=find, create=create, what="Instagram profile")


async def create_profile(uow: UnitOfWork, *, account: AuthenticatedAccount, is_private: bool = False,
                         bio: str = "") -> ProfileRow:
    """A username from the identity username (suffixed when taken), the identity's display name as full name."""
    identity_account = await identity.get_account(uow, account.id)
    username = await _free_username(uow, rules.username_from_identity(account.username))
    now = uow.now()
    profile = ProfileRow(account_id=account.id, username=username,
                         full_name=identity_account.display_name[:rules.FULL_NAME_CHARS_MAX], bio=bio,
                         website="", avatar_media_id=None, is_private=is_private, posts_count=0,
                         created_at=now, updated_at=now)
    uow.session.add(profile)
    await uow.session.flush()
    uow.publish(events.PROFILE_CREATED, {"account_id": account.id, "username": username})
    return profile


async def _free_username(uow: UnitOfWork, wanted: str) -> str:
    for attempt in range(USERNAME_SUFFIX_ATTEMPTS_MAX):
        suffix = "" if attempt == 0 else str(attempt + 1)
        candidate = wanted[:rules.USERNAME_CHARS_MAX - len(suffix)] + suffix
        if await find_by_username(uow, candidate) is None:
            return candidate
    return f"user{uow.new_id()}"[:rules.USERNAME_CHARS_MAX]


async def find_by_username(uow: UnitOfWork, username: str) -> ProfileRow | None:
    return await uow.session.scalar(select(ProfileRow).where(
        ProfileRow.username == rules.normalize_username(username)))


async def get_by_username(uow: UnitOfWork, username: str, *, viewer: audience.Viewer | None = None) -> ProfileRow:
    """The profile, or NotFound, also when a block stands between it and `viewer` (existence stays hidden)."""
    profile = await find_by_username(uow, username)
    if profile is None or (viewer is not None and profile.account_id in viewer.blocked_ids):
        raise NotFound(f"No Instagram account @{rules.normalize_username(username)[:40]}.", code="user_not_found")
    return profile


async def get_profile(uow: UnitOfWork, account_id: int) -> ProfileRow:
    profile = await uow.session.get(ProfileRow, account_id)
    if profile is None:
        raise NotFound("No Instagram profile yet: open GET /api/instagram/profile first.", code="profile_not_found")
    return profile


async def profiles_by_id(uow: UnitOfWork, account_ids: Iterable[int]) -> dict[int, ProfileRow]:
    wanted = set(account_ids)
    if not wanted:
        return {}
    rows = (await uow.session.scalars(select(ProfileRow).where(ProfileRow.account_id.in_(wanted)))).all()
    return {row.account_id: row for row in rows}


async def ids_by_username(uow: UnitOfWork, usernames: Iterable[str]) -> dict[str, int]:
    wanted = {rules.normalize_username(name) for name in usernames}
    if not wanted:
        return {}
    rows = (await uow.session.execute(select(ProfileRow.username, ProfileRow.account_id).where(
        ProfileRow.username.in_(wanted)))).all()
    return {username: account_id for username, account_id in rows}


@dataclasses.dataclass(frozen=True, slots=True)
class ProfileView:
    """A profile as one viewer sees it: counts, the relationship, and whether its content is visible."""

    profile: ProfileRow
    followers_count: int
    following_count: int
    relationship: social.Relationship | None  # None: the viewer's own profile or signed out
    can_see_content: bool
    avatar_urls: dict[str, str]


async def view_profile(uow: UnitOfWork, *, viewer: audience.Viewer, username: str) -> ProfileView:
    profile = await get_by_username(uow, username, viewer=viewer)
    return await view_of(uow, viewer=viewer, profile=profile)


async def view_of(uow: UnitOfWork, *, viewer: audience.Viewer, profile: ProfileRow) -> ProfileView:
    counts = (await social.counts(uow, network=rules.NETWORK, account_ids=[profile.account_id]))[profile.account_id]
    relationship = None
    if viewer.account_id is not None and viewer.account_id != profile.account_id:
        relationship = await social.relationship(uow, network=rules.NETWORK, viewer_id=viewer.account_id,
                                                 other_id=profile.account_id)
    return ProfileView(profile=profile, followers_count=counts.followers_count,
                       following_count=counts.following_count, relationship=relationship,
                       can_see_content=viewer.can_see_account(profile.account_id, is_private=profile.is_private),
                       avatar_urls=await avatar_urls(uow, profile))


async def avatar_urls(uow: UnitOfWork, profile: ProfileRow) -> dict[str, str]:
    if profile.avatar_media_id is None:
        return {}
    assets = await media.get_assets(uow, ids=[profile.avatar_media_id])
    asset = assets.get(profile.avatar_media_id)
    return media.rendition_urls(uow.platform.blobs, asset) if asset is not None else {}


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class ProfileChanges:
    username: str | None = None
    full_name: str | None = None
    bio: str | None = None
    website: str | None = None
    avatar_media_id: int | None = None
    remove_avatar: bool = False
    is_private: bool | None = None


async def update_profile(uow: UnitOfWork, *, account_id: int, changes: ProfileChanges) -> ProfileRow:
    """Apply the changes that are given; a new username must be free, an avatar the caller's own image."""
    profile = await uow.session.scalar(select(ProfileRow).where(ProfileRow.account_id == account_id)
                                       .with_for_update())
    if profile is None:
        raise NotFound("No Instagram profile yet.", code="profile_not_found")
    was_private = profile.is_private
    if changes.username is not None:
        username = rules.check_username(changes.username)
        if username != profile.username:
            if await find_by_username(uow, username) is not None:
                raise UsernameTaken(f"@{username} is taken.", field="username")
            profile.username = username
    if changes.full_name is not None:
        profile.full_name = rules.check_text(changes.full_name.strip(), field="full_name",
                                             chars_max=rules.FULL_NAME_CHARS_MAX)
    if changes.bio is not None:
        profile.bio = rules.check_text(changes.bio, field="bio", chars_max=rules.BIO_CHARS_MAX)
    if changes.website is not None:
        profile.website = _check_website(changes.website)
    if changes.remove_avatar:
        profile.avatar_media_id = None
    elif changes.avatar_media_id is not None:
        asset = await media.get_asset(uow, asset_id=changes.avatar_media_id, owner_id=account_id)
        if asset.kind != "image":
            raise Invalid("An avatar is a photo.", field="avatar_media_id", code="avatar_not_image")
        profile.avatar_media_id = asset.id
    if changes.is_private is not None:
        profile.is_private = changes.is_private
    profile.updated_at = uow.now()
    try:
        await uow.session.flush()
    except IntegrityError as error:  # the username was claimed between the check and the write
        raise UsernameTaken("That username was just taken.", field="username") from error
    if was_private and not profile.is_private:
        # Instagram lets everyone waiting in when an account turns public.
        await _approve_waiting(uow, account_id)
    uow.publish(events.PROFILE_UPDATED, {"account_id": account_id, "username": profile.username,
                                         "was_private": was_private, "is_private": profile.is_private})
    return profile


async def _approve_waiting(uow: UnitOfWork, account_id: int) -> None:
    """Approve every pending follow request, a page at a time (the engine bounds each page)."""
    while True:
        page = await social.list_follow_requests(uow, network=rules.NETWORK, target_id=account_id,
                                                 limit=social.limits.PAGE_SIZE_MAX)
        for request in page.items:
            await social.approve_follow_request(uow, network=rules.NETWORK, target_id=account_id,
                                                request_id=request.id)
        if not page.items:
            return


def _check_website(website: str) -> str:
    website = rules.check_text(website.strip(), field="website", chars_max=rules.WEBSITE_CHARS_MAX)
    if website and not website.startswith(("https://", "http://")):
        raise Invalid("A website starts with https:// or http://.", field="website", code="website_invalid")
    return website
