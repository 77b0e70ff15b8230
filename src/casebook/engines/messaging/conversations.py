"""Starting and answering conversations: get-or-create a direct thread, create a group, accept or decline a
message request, leave a group.

The engine never decides who may message whom: the app applies its rules (follows, blocks, privacy) and passes
the outcome in, as `as_request` / `requested_ids`.
"""

from __future__ import annotations

from sqlalchemy import insert, update

from casebook.engines.messaging import events, model, repository
from casebook.engines.messaging.errors import InvalidConversation, NoPendingRequest, NotAGroup
from casebook.engines.messaging.models import MemberRow
from casebook.platform.uow import UnitOfWork


async def open_direct(uow: UnitOfWork, *, network: str, sender_id: int, recipient_id: int,
                      as_request: bool) -> model.Conversation:
    """The one direct conversation of these two accounts on `network`, created if needed (race-safe).

    The sender becomes (or stays) active: opening a thread someone requested with you accepts it. The recipient
    joins as "requested" when `as_request`, else "active"; a recipient who declined or deleted the thread comes
    back the same way, and `as_request=False` also moves a pending request into their inbox.
    """
    model.check_network(network)
    if sender_id == recipient_id:
        raise InvalidConversation("a direct conversation needs two different accounts", field="recipient_id")
    now, key = uow.now(), model.direct_key(sender_id, recipient_id)
    recipient_status = "requested" if as_request else "active"
    conversation_id = uow.new_id()
    is_created = await repository.insert_direct(uow.session, {
        "id": conversation_id, "network": network, "kind": "direct", "title": None, "created_by": sender_id,
        "direct_key": key, "created_at": now, "last_message_at": None, "last_message_id": None})
    if is_created:
        await uow.session.execute(insert(MemberRow), [
            _member_values(conversation_id, network, account_id, status, now, activity_id=None)
            for account_id, status in ((sender_id, "active"), (recipient_id, recipient_status))])
        return repository.conversation_of(await repository.conversation_row(uow.session, conversation_id))
    row = await repository.direct_row(uow.session, network, key)
    sender = await repository.find_member(uow.session, row.id, sender_id)
    recipient = await repository.find_member(uow.session, row.id, recipient_id)
    assert sender is not None and recipient is not None, f"direct conversation {row.id} lost a member"
    if sender.status == "requested":
        await _accept(uow, row.network, row.id, sender_id)
    elif sender.status == "left":
        await _rejoin(uow, row.id, sender_id, "active", was_left=True)
    if recipient.status == "left" or (recipient.status == "requested" and not as_request):
        await _rejoin(uow, row.id, recipient_id, recipient_status, was_left=recipient.status == "left")
    return repository.conversation_of(row)


async def create_group(uow: UnitOfWork, *, network: str, creator_id: int, member_ids: set[int],
                       title: str | None = None, requested_ids: set[int] = frozenset()) -> model.Conversation:
    """A new group of the creator and `member_ids`; those in `requested_ids` start as message requests.

    A group shows in everyone's list from its creation (its id is its first activity), unlike a direct thread.
    """
    model.check_network(network)
    others = set(member_ids) - {creator_id}
    model.check_group(creator_id, others, title)
    now, conversation_id = uow.now(), uow.new_id()
    request_ids = set(requested_ids) & others
    await repository.conversation_insert(uow.session, {
        "id": conversation_id, "network": network, "kind": "group", "title": title, "created_by": creator_id,
        "direct_key": None, "created_at": now, "last_message_at": None, "last_message_id": None})
    await uow.session.execute(insert(MemberRow), [
        _member_values(conversation_id, network, account_id,
                       "requested" if account_id in request_ids else "active", now, activity_id=conversation_id)
        for account_id in sorted(others | {creator_id})])
    uow.publish(events.GROUP_CREATED, {
        "conversation_id": str(conversation_id), "network": network, "creator_id": str(creator_id),
        "member_ids": [str(account_id) for account_id in sorted(others - request_ids)],
        "request_ids": [str(account_id) for account_id in sorted(request_ids)]})
    return repository.conversation_of(await repository.conversation_row(uow.session, conversation_id))


async def accept_request(uow: UnitOfWork, *, conversation_id: int, account_id: int) -> model.Conversation:
    """Requested → active: the thread moves from the requests folder to the inbox. Accepting twice is a no-op."""
    member = await repository.present_member(uow.session, conversation_id, account_id)
    row = await repository.conversation_row(uow.session, conversation_id)
    if member.status == "requested":
        await _accept(uow, row.network, conversation_id, account_id)
    return repository.conversation_of(row)


async def decline_request(uow: UnitOfWork, *, conversation_id: int, account_id: int) -> None:
    """Requested → left: the thread disappears for this account (until the other side opens it again)."""
    member = await repository.present_member(uow.session, conversation_id, account_id)
    if member.status != "requested":
        raise NoPendingRequest(f"conversation {conversation_id} is not a message request")
    await repository.set_status(uow.session, conversation_id, account_id, "left")


async def leave(uow: UnitOfWork, *, conversation_id: int, account_id: int) -> None:
    """Leave a group (active or still requested); afterwards the group is NotFound for this account."""
    await repository.present_member(uow.session, conversation_id, account_id)
    row = await repository.conversation_row(uow.session, conversation_id)
    if row.kind != "group":
        raise NotAGroup(f"conversation {conversation_id} is a direct conversation")
    await repository.set_status(uow.session, conversation_id, account_id, "left")


async def set_muted(uow: UnitOfWork, *, conversation_id: int, account_id: int, is_muted: bool) -> None:
    """Muting changes no delivery (the thread still updates live); MESSAGE_SENT lists muted recipients apart so
    the app's notifications can skip them."""
    await repository.present_member(uow.session, conversation_id, account_id)
    await uow.session.execute(update(MemberRow).where(
        MemberRow.conversation_id == conversation_id, MemberRow.account_id == account_id).values(is_muted=is_muted))


async def _accept(uow: UnitOfWork, network: str, conversation_id: int, account_id: int) -> None:
    await repository.set_status(uow.session, conversation_id, account_id, "active")
    uow.publish(events.REQUEST_ACCEPTED, {"conversation_id": str(conversation_id), "network": network,
                                          "account_id": str(account_id)})


async def _rejoin(uow: UnitOfWork, conversation_id: int, account_id: int, status: str, *, was_left: bool) -> None:
    await repository.rejoin(uow.session, conversation_id, account_id, status=status, was_left=was_left,
                            now=uow.now())


def _member_values(conversation_id: int, network: str, account_id: int, status: str, now: object, *,
                   activity_id: int | None) -> dict[str, object]:
    return {"conversation_id": conversation_id, "account_id": account_id, "network": network, "status": status,
            "activity_id": activity_id, "last_read_message_id": None, "unread_count": 0, "is_muted": False,
            "joined_at": now}
