"""Between two Instagram accounts: follow (a request when the account is private), follow requests,
followers and following lists, blocks, reports and the close-friends list."""

from __future__ import annotations

import dataclasses

from sqlalchemy import delete, select

from casebook.apps.instagram import audience, events, rules
from casebook.apps.instagram.models import CloseFriendRow, CommentRow, PostRow, ProfileRow, ReportRow
from casebook.apps.instagram.profiles import service as profiles
from casebook.engines import social
from casebook.platform.errors import Forbidden, Invalid, NotFound
from casebook.platform.uow import UnitOfWork


class PrivateAccount(Forbidden):
    code = "private_account"


async def follow(uow: UnitOfWork, *, follower_id: int, username: str) -> str:
    """Follow `username`: "following" at once for a public account, "requested" for a private one."""
    viewer = await audience.load_viewer(uow, follower_id)
    target = await profiles.get_by_username(uow, username, viewer=viewer)
    if target.account_id == follower_id:
        raise Invalid("You cannot follow yourself.", field="username", code="self_follow")
    result = await social.follow(uow, network=rules.NETWORK, follower_id=follower_id,
                                 followee_id=target.account_id, requires_approval=target.is_private)
    return result.state


async def unfollow(uow: UnitOfWork, *, follower_id: int, username: str) -> None:
    """Stop following, or withdraw a pending request; not following is already the wanted state."""
    viewer = await audience.load_viewer(uow, follower_id)
    target = await profiles.get_by_username(uow, username, viewer=viewer)
    await social.unfollow(uow, network=rules.NETWORK, follower_id=follower_id, followee_id=target.account_id)


@dataclasses.dataclass(frozen=True, slots=True)
class AccountPage:
    profiles: list[ProfileRow]
    next_cursor: str | None


async def list_followers(uow: UnitOfWork, *, viewer_id: int, username: str, cursor: str | None,
                         limit: int) -> AccountPage:
    return await _list_edges(uow, viewer_id=viewer_id, username=username, cursor=cursor, limit=limit,
                             lister=social.list_followers)


async def list_following(uow: UnitOfWork, *, viewer_id: int, username: str, cursor: str | None,
                         limit: int) -> AccountPage:
    return await _list_edges(uow, viewer_id=viewer_id, username=username, cursor=cursor, limit=limit,
                             lister=social.list_following)


async def _list_edges(uow: UnitOfWork, *, viewer_id: int, username: str, cursor: str | None, limit: int,
                      lister) -> AccountPage:
    """A private account's followers and following are its followers' business only."""
    viewer = await audience.load_viewer(uow, viewer_id)
    owner = await profiles.get_by_username(uow, username, viewer=viewer)
    if not viewer.can_see_account(owner.account_id, is_private=owner.is_private):
        raise PrivateAccount(f"@{owner.username} is private: follow it to see who it follows and who follows it.")
    page = await lister(uow, network=rules.NETWORK, account_id=owner.account_id, cursor=cursor, limit=limit)
    found = await profiles.profiles_by_id(uow, [item.account_id for item in page.items])
    shown = [found[item.account_id] for item in page.items
             if item.account_id in found and item.account_id not in viewer.blocked_ids]
    return AccountPage(profiles=shown, next_cursor=page.next_cursor)


@dataclasses.dataclass(frozen=True, slots=True)
class FollowRequestView:
    id: int
    requester: ProfileRow
    created_at: object


async def list_follow_requests(uow: UnitOfWork, *, account_id: int, cursor: str | None,
                               limit: int) -> tuple[list[FollowRequestView], str | None]:
    page = await social.list_follow_requests(uow, network=rules.NETWORK, target_id=account_id, cursor=cursor,
                                             limit=limit)
    found = await profiles.profiles_by_id(uow, [item.requester_id for item in page.items])
    views = [FollowRequestView(id=item.id, requester=found[item.requester_id], created_at=item.created_at)
             for item in page.items if item.requester_id in found]
    return views, page.next_cursor


async def approve_follow_request(uow: UnitOfWork, *, account_id: int, request_id: int) -> int:
    return await social.approve_follow_request(uow, network=rules.NETWORK, target_id=account_id,
                                               request_id=request_id)


async def deny_follow_request(uow: UnitOfWork, *, account_id: int, request_id: int) -> None:
    await social.deny_follow_request(uow, network=rules.NETWORK, target_id=account_id, request_id=request_id)


async def block(uow: UnitOfWork, *, blocker_id: int, username: str) -> None:
    """Block: follows both ways end, and neither side sees, follows, comments on, mentions or messages the other."""
    target = await profiles.find_by_username(uow, username)
    if target is None:
        raise NotFound(f"No Instagram account @{rules.normalize_username(username)[:40]}.", code="user_not_found")
    if target.account_id == blocker_id:
        raise Invalid("You cannot block yourself.", field="username", code="self_block")
    await social.block(uow, network=rules.NETWORK, blocker_id=blocker_id, blocked_id=target.account_id)
    await uow.session.execute(delete(CloseFriendRow).where(
        ((CloseFriendRow.owner_id == blocker_id) & (CloseFriendRow.friend_id == target.account_id))
        | ((CloseFriendRow.owner_id == target.account_id) & (CloseFriendRow.friend_id == blocker_id))))


async def unblock(uow: UnitOfWork, *, blocker_id: int, username: str) -> None:
    target = await profiles.find_by_username(uow, username)
    if target is None:
        raise NotFound(f"No Instagram account @{rules.normalize_username(username)[:40]}.", code="user_not_found")
    await social.unblock(uow, network=rules.NETWORK, blocker_id=blocker_id, blocked_id=target.account_id)


async def report(uow: UnitOfWork, *, reporter_id: int, target_kind: str, target_id: int, reason: str,
                 details: str) -> ReportRow:
    """Keep a report for moderation; the reported thing must exist and be visible to the reporter."""
    if target_kind not in rules.REPORT_KINDS:
        raise Invalid(f"A report is about one of {', '.join(rules.REPORT_KINDS)}.", field="target_kind",
                      code="report_kind_invalid")
    if reason not in rules.REPORT_REASONS:
        raise Invalid(f"The reason is one of {', '.join(rules.REPORT_REASONS)}.", field="reason",
                      code="report_reason_invalid")
    rules.check_text(details, field="details", chars_max=rules.REPORT_DETAILS_CHARS_MAX)
    viewer = await audience.load_viewer(uow, reporter_id)
    if not await _is_reportable(uow, viewer, target_kind, target_id):
        raise NotFound(f"No such {target_kind}.", code=f"{target_kind}_not_found")
    row = ReportRow(id=uow.new_id(), reporter_id=reporter_id, target_kind=target_kind, target_id=target_id,
                    reason=reason, details=details, status="open", created_at=uow.now())
    uow.session.add(row)
    await uow.session.flush()
    return row


async def _is_reportable(uow: UnitOfWork, viewer: audience.Viewer, kind: str, target_id: int) -> bool:
    if kind == "account":
        # Blocked accounts stay reportable: harassment is often reported right after a block.
        return await uow.session.get(ProfileRow, target_id) is not None and target_id != viewer.account_id
    post_id = target_id
    if kind == "comment":
        comment = await uow.session.get(CommentRow, target_id)
        if comment is None:
            return False
        post_id = comment.post_id
    post = await uow.session.get(PostRow, post_id)
    return post is not None and bool(await audience.visible_posts(uow, viewer, [post]))


async def list_close_friends(uow: UnitOfWork, *, owner_id: int) -> list[ProfileRow]:
    friend_ids = (await uow.session.scalars(select(CloseFriendRow.friend_id).where(
        CloseFriendRow.owner_id == owner_id).limit(rules.CLOSE_FRIENDS_MAX))).all()
    found = await profiles.profiles_by_id(uow, friend_ids)
    return sorted(found.values(), key=lambda profile: profile.username)


async def set_close_friend(uow: UnitOfWork, *, owner_id: int, username: str, is_close_friend: bool) -> None:
    """Add or remove someone on one's close-friends list (someone one is not blocked with)."""
    viewer = await audience.load_viewer(uow, owner_id)
    friend = await profiles.get_by_username(uow, username, viewer=viewer)
    if friend.account_id == owner_id:
        raise Invalid("You are always in your own audience.", field="username", code="self_close_friend")
    existing = await uow.session.get(CloseFriendRow, (owner_id, friend.account_id))
    if is_close_friend and existing is None:
        count = len((await uow.session.scalars(select(CloseFriendRow.friend_id).where(
            CloseFriendRow.owner_id == owner_id).limit(rules.CLOSE_FRIENDS_MAX))).all())
        if count >= rules.CLOSE_FRIENDS_MAX:
            raise Invalid(f"A close-friends list holds at most {rules.CLOSE_FRIENDS_MAX} people.",
                          field="username", code="close_friends_full")
        uow.session.add(CloseFriendRow(owner_id=owner_id, friend_id=friend.account_id, created_at=uow.now()))
    elif not is_close_friend and existing is not None:
        await uow.session.delete(existing)
    else:
        return
    await uow.session.flush()
    uow.publish(events.CLOSE_FRIEND_CHANGED, {"owner_id": owner_id, "friend_id": friend.account_id,
                                              "is_close_friend": is_close_friend})
