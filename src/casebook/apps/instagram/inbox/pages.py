"""Instagram's activity and direct-message pages: the notifications list (marked read on open, new ones
prepended live), the inbox with its requests tab and a new-message form, and a thread with live appends and
"Seen". Plain forms redirect; htmx gets the thread's fragment back."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from casebook.apps.instagram.inbox import activity, direct
from casebook.apps.instagram.profiles import service as profiles
from casebook.apps.instagram.schemas import parse_id
from casebook.platform.errors import CasebookError
from casebook.platform.http.dependencies import PlatformDependency
from casebook.platform.http.params import SnowflakeId
from casebook.platform.identity.principal import AuthenticatedAccount

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
PAGE_ITEMS = 30


class InboxPages(Controller):
    path = "/"
    include_in_schema = False

    @get("/notifications")
    async def notifications_page(self, platform: PlatformDependency,
                                 maybe_account: AuthenticatedAccount | None) -> Template:
        context: dict[str, Any] = {"account": maybe_account, "ig_current": "notifications"}
        if maybe_account is None:
            return Template("instagram/inbox/notifications.html", context=context)
        await profiles.ensure_profile(platform, maybe_account)
        async with platform.uow() as uow:
            page = await activity.list_activity(uow, account_id=maybe_account.id, limit=PAGE_ITEMS)
            await activity.mark_read(uow, account_id=maybe_account.id, ids=None)  # opening the list reads it
        return Template("instagram/inbox/notifications.html", context=context | {"page": page})

    @get("/direct")
    async def direct_page(self, platform: PlatformDependency, maybe_account: AuthenticatedAccount | None,
                          folder: str = "inbox") -> Template:
        context: dict[str, Any] = {"account": maybe_account, "ig_current": "direct",
                                   "folder": "requests" if folder == "requests" else "inbox", "error": None}
        if maybe_account is None:
            return Template("instagram/inbox/direct.html", context=context)
        return Template("instagram/inbox/direct.html", context=context | await _inbox(platform, maybe_account,
                                                                                       context["folder"]))

    @post("/direct")
    async def start_conversation(self, platform: PlatformDependency, account: AuthenticatedAccount,
                                 data: Form) -> Template | Redirect:
        usernames = [name for name in data.get("usernames", "").replace(",", " ").split() if name]
        try:
            await profiles.ensure_profile(platform, account)
            async with platform.uow() as uow:
                conversation = await direct.start_conversation(uow, sender_id=account.id, usernames=usernames,
                                                               title=data.get("title") or None)
                if data.get("text", "").strip():
                    await direct.send_message(uow, sender_id=account.id, conversation_id=conversation.id,
                                              text=data["text"])
        except CasebookError as refusal:
            context = {"account": account, "ig_current": "direct", "folder": "inbox", "error": refusal.detail}
            return Template("instagram/inbox/direct.html", status_code=refusal.status,
                            context=context | await _inbox(platform, account, "inbox"))
        return Redirect(f"/instagram/direct/{conversation.id}", status_code=303)

    @get("/direct/{conversation_id:int}")
    async def thread_page(self, conversation_id: SnowflakeId, platform: PlatformDependency,
                          maybe_account: AuthenticatedAccount | None) -> Template:
        context: dict[str, Any] = {"account": maybe_account, "ig_current": "direct", "error": None}
        if maybe_account is None:
            return Template("instagram/inbox/thread.html", context=context)
        return Template("instagram/inbox/thread.html",
                        context=context | await _thread(platform, maybe_account, conversation_id))

    @get("/direct/{conversation_id:int}/thread")
    async def thread_fragment(self, conversation_id: SnowflakeId, platform: PlatformDependency,
                              account: AuthenticatedAccount) -> Template:
        context = {"account": account, "error": None} | await _thread(platform, account, conversation_id)
        return Template("instagram/inbox/_thread.html", context=context)

    @post("/direct/{conversation_id:int}")
    async def send_message(self, conversation_id: SnowflakeId, request: Request, platform: PlatformDependency,
                           account: AuthenticatedAccount, data: Form) -> Template | Redirect:
        error = None
        try:
            post_id = parse_id(data["post_id"], field="post_id") if data.get("post_id") else None
            async with platform.uow() as uow:
                await direct.send_message(uow, sender_id=account.id, conversation_id=conversation_id,
                                          text=data.get("text", ""), post_id=post_id)
        except CasebookError as refusal:
            error = refusal.detail
        if request.headers.get("hx-request") == "true":
            context = {"account": account, "error": error} | await _thread(platform, account, conversation_id)
            return Template("instagram/inbox/_thread.html", context=context)
        return Redirect(f"/instagram/direct/{conversation_id}", status_code=303)

    @post("/direct/{conversation_id:int}/accept")
    async def accept(self, conversation_id: SnowflakeId, platform: PlatformDependency,
                     account: AuthenticatedAccount) -> Redirect:
        async with platform.uow() as uow:
            await direct.accept_request(uow, account_id=account.id, conversation_id=conversation_id)
        return Redirect(f"/instagram/direct/{conversation_id}", status_code=303)

    @post("/direct/{conversation_id:int}/decline")
    async def decline(self, conversation_id: SnowflakeId, platform: PlatformDependency,
                      account: AuthenticatedAccount) -> Redirect:
        async with platform.uow() as uow:
            await direct.decline_request(uow, account_id=account.id, conversation_id=conversation_id)
        return Redirect("/instagram/direct?folder=requests", status_code=303)


async def _inbox(platform: PlatformDependency, account: AuthenticatedAccount, folder: str) -> dict[str, Any]:
    async with platform.reader() as uow:
        page = await direct.list_conversations(uow, account_id=account.id, folder=folder, cursor=None,
                                               limit=PAGE_ITEMS)
    return {"conversations": page.items}


async def _thread(platform: PlatformDependency, account: AuthenticatedAccount, conversation_id: int) -> dict[str, Any]:
    """The newest page oldest-first, read on sight (unless it is still a request), with "Seen" under the
    reader's newest message that others have read."""
    async with platform.uow() as uow:
        view = await direct.read_thread(uow, account_id=account.id, conversation_id=conversation_id,
                                        limit=PAGE_ITEMS)
        if view.conversation.summary.status == "active" and view.messages:
            await direct.mark_read(uow, account_id=account.id, conversation_id=conversation_id)
    own = next((item.message.id for item in view.messages if item.message.sender_id == account.id), None)
    names = {member.account_id: member.username for member in view.conversation.members}
    seen_by = [names[account_id] for account_id, last_read in view.last_read.items()
               if own is not None and last_read is not None and last_read >= own and account_id in names]
    return {"thread": view, "messages": list(reversed(view.messages)), "seen_message_id": own if seen_by else None,
            "seen_by": seen_by, "is_group": view.conversation.summary.conversation.kind == "group"}
