"""HTTP API of the activity list, direct messages and the live stream, under /api/instagram."""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.response import ServerSentEvent
from litestar.status_codes import HTTP_200_OK

from casebook.apps.instagram.inbox import activity, direct, stream
from casebook.apps.instagram.inbox.schemas import (
    ConversationCreate,
    ConversationPage,
    ConversationRead,
    MessageCreate,
    MessageRead,
    NotificationPage,
    NotificationsMarkRead,
    ReadCreate,
    ReadReceipt,
    ThreadRead,
    UnreadCountRead,
)
from casebook.apps.instagram.profiles import service as profiles
from casebook.apps.instagram.schemas import AccountSummary, parse_id
from casebook.platform.http.dependencies import PlatformDependency
from casebook.platform.http.pagination import clamp_limit
from casebook.platform.http.params import SnowflakeId
from casebook.platform.identity.principal import AuthenticatedAccount


class NotificationController(Controller):
    path = "/"

    @get("/notifications")
    async def list_notifications(self, platform: PlatformDependency, account: AuthenticatedAccount,
                                 cursor: str | None = None, limit: int | None = None) -> NotificationPage:
        async with platform.reader() as uow:
            page = await activity.list_activity(uow, account_id=account.id, cursor=cursor, limit=clamp_limit(limit))
        return NotificationPage.from_page(page)

    @get("/notifications/unread-count")
    async def read_unread_count(self, platform: PlatformDependency, account: AuthenticatedAccount) -> UnreadCountRead:
        async with platform.reader() as uow:
            return UnreadCountRead(unread_count=await activity.unread_count(uow, account_id=account.id))

    @post("/notifications/read", status_code=HTTP_200_OK)
    async def mark_read(self, data: NotificationsMarkRead, platform: PlatformDependency,
                        account: AuthenticatedAccount) -> UnreadCountRead:
        ids = data.parsed_ids()
        async with platform.uow() as uow:
            changed, unread = await activity.mark_read(uow, account_id=account.id, ids=ids)
        return UnreadCountRead(unread_count=unread, changed=changed)

    @get("/stream", summary="Live Instagram notifications, messages and read receipts (SSE)")
    async def stream_events(self, platform: PlatformDependency, account: AuthenticatedAccount) -> ServerSentEvent:
        return ServerSentEvent(stream.instagram_events(platform, account.id))


class ConversationController(Controller):
    path = "/conversations"

    @get("/")
    async def list_conversations(self, platform: PlatformDependency, account: AuthenticatedAccount,
                                 folder: str = "inbox", cursor: str | None = None,
                                 limit: int | None = None) -> ConversationPage:
        async with platform.reader() as uow:
            page = await direct.list_conversations(uow, account_id=account.id, folder=folder, cursor=cursor,
                                                   limit=limit)
        return ConversationPage(items=[ConversationRead.from_view(view) for view in page.items],
                                next_cursor=page.next_cursor)

    @post("/")
    async def start_conversation(self, data: ConversationCreate, platform: PlatformDependency,
                                 account: AuthenticatedAccount) -> ConversationRead:
        await profiles.ensure_profile(platform, account)
        async with platform.uow() as uow:
            conversation = await direct.start_conversation(uow, sender_id=account.id, usernames=data.usernames,
                                                           title=data.title)
            view = await direct.get_conversation(uow, account_id=account.id, conversation_id=conversation.id)
        return ConversationRead.from_view(view)

    @get("/{conversation_id:int}")
    async def read_conversation(self, conversation_id: SnowflakeId, platform: PlatformDependency,
                                account: AuthenticatedAccount) -> ConversationRead:
        async with platform.reader() as uow:
            view = await direct.get_conversation(uow, account_id=account.id, conversation_id=conversation_id)
        return ConversationRead.from_view(view)

    @post("/{conversation_id:int}/accept", status_code=HTTP_200_OK)
    async def accept(self, conversation_id: SnowflakeId, platform: PlatformDependency,
                     account: AuthenticatedAccount) -> ConversationRead:
        async with platform.uow() as uow:
            await direct.accept_request(uow, account_id=account.id, conversation_id=conversation_id)
            view = await direct.get_conversation(uow, account_id=account.id, conversation_id=conversation_id)
        return ConversationRead.from_view(view)

    @post("/{conversation_id:int}/decline", status_code=HTTP_200_OK)
    async def decline(self, conversation_id: SnowflakeId, platform: PlatformDependency,
                      account: AuthenticatedAccount) -> None:
        async with platform.uow() as uow:
            await direct.decline_request(uow, account_id=account.id, conversation_id=conversation_id)

    @get("/{conversation_id:int}/messages")
    async def list_messages(self, conversation_id: SnowflakeId, platform: PlatformDependency,
                            account: AuthenticatedAccount, cursor: str | None = None,
                            limit: int | None = None) -> ThreadRead:
        async with platform.reader() as uow:
            view = await direct.read_thread(uow, account_id=account.id, conversation_id=conversation_id,
                                            cursor=cursor, limit=limit)
        return ThreadRead.from_view(view)

    @post("/{conversation_id:int}/messages")
    async def send_message(self, conversation_id: SnowflakeId, data: MessageCreate, platform: PlatformDependency,
                           account: AuthenticatedAccount) -> MessageRead:
        media_id = None if data.media_id is None else parse_id(data.media_id, field="media_id")
        post_id = None if data.post_id is None else parse_id(data.post_id, field="post_id")
        sender = await profiles.ensure_profile(platform, account)
        async with platform.uow() as uow:
            message = await direct.send_message(uow, sender_id=account.id, conversation_id=conversation_id,
                                                text=data.text, media_id=media_id, post_id=post_id)
        return MessageRead.from_message(message, AccountSummary.from_profile(sender))

    @post("/{conversation_id:int}/read", status_code=HTTP_200_OK)
    async def mark_read(self, conversation_id: SnowflakeId, data: ReadCreate, platform: PlatformDependency,
                        account: AuthenticatedAccount) -> ReadReceipt:
        message_id = None if data.message_id is None else parse_id(data.message_id, field="message_id")
        async with platform.uow() as uow:
            position = await direct.mark_read(uow, account_id=account.id, conversation_id=conversation_id,
                                              message_id=message_id)
        return ReadReceipt(last_read_message_id=None if position is None else str(position))
