"""Money requests: ask someone for money; they pay or decline, the requester may cancel while pending."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from sqlalchemy import func, or_, select

from casebook.apps.cashapp import rules
from casebook.apps.cashapp.models import MoneyRequestRow
from casebook.apps.cashapp.service import payments, profiles
from casebook.platform.errors import Conflict, Forbidden, Invalid, NotFound
from casebook.platform.identity.principal import AuthenticatedAccount
from casebook.platform.uow import UnitOfWork

if TYPE_CHECKING:
    from casebook.platform.bootstrap import Platform

REQUEST_CREATED = "casebook.cashapp.request_created"
PENDING_REQUESTS_MAX = 100  # open requests one person may have out at once: a cap on request spam
REQUESTS_PAGE_MAX = 50


@dataclasses.dataclass(frozen=True)
class MoneyRequest:
    row: MoneyRequestRow
    cashtags: dict[int, str]


async def create_request(platform: Platform, *, requester: AuthenticatedAccount, from_cashtag: str, amount: str,
                         note: str) -> MoneyRequest:
    amount_minor = rules.parse_amount(amount)
    note = rules.check_note(note)
    rules.check_cashtag(from_cashtag, field="from")
    await profiles.ensure_profile(platform, requester)
    async with platform.uow() as uow:
        asker = await profiles.get_profile(uow, requester.id, lock=True)
        payer = await profiles.get_by_cashtag(uow, from_cashtag, field="from")
        if payer.account_id == asker.account_id:
            raise Invalid("You cannot request money from yourself.", field="from", code="self_request")
        pending = await uow.session.scalar(select(func.count()).select_from(MoneyRequestRow).where(
            MoneyRequestRow.requester_id == asker.account_id, MoneyRequestRow.status == "pending"))
        if (pending or 0) >= PENDING_REQUESTS_MAX:
            raise Conflict(f"You have {PENDING_REQUESTS_MAX} open requests; cancel some first.",
                           code="too_many_requests")
        row = MoneyRequestRow(id=uow.new_id(), requester_id=asker.account_id, payer_id=payer.account_id,
                              amount_minor=amount_minor, currency=rules.CURRENCY, note=note, status="pending",
                              payment_id=None, created_at=uow.now(), resolved_at=None)
        uow.session.add(row)
        uow.publish(REQUEST_CREATED, {"request_id": str(row.id), "requester_id": str(row.requester_id),
                                      "payer_id": str(row.payer_id), "amount_minor": amount_minor,
                                      "currency": rules.CURRENCY, "note": note})
        return MoneyRequest(row=row, cashtags={asker.account_id: asker.cashtag, payer.account_id: payer.cashtag})


async def get_request(uow: UnitOfWork, *, account_id: int, request_id: int, lock: bool = False) -> MoneyRequest:
    """Only its two parties can see a request; to anyone else it does not exist."""
    query = select(MoneyRequestRow).where(MoneyRequestRow.id == request_id)
    row = await uow.session.scalar(query.with_for_update() if lock else query)
    if row is None or account_id not in (row.requester_id, row.payer_id):
        raise NotFound("No such request.", code="request_not_found")
    return MoneyRequest(row=row, cashtags=await profiles.cashtags_of(uow, (row.requester_id, row.payer_id)))


async def list_requests(uow: UnitOfWork, *, account_id: int, status: str | None = None) -> list[MoneyRequest]:
    """Requests the account made or was sent, newest first, at most REQUESTS_PAGE_MAX."""
    query = (select(MoneyRequestRow).where(or_(MoneyRequestRow.requester_id == account_id,
                                               MoneyRequestRow.payer_id == account_id))
             .order_by(MoneyRequestRow.id.desc()).limit(REQUESTS_PAGE_MAX))
    if status is not None:
        query = query.where(MoneyRequestRow.status == status)
    rows = list(await uow.session.scalars(query))
    cashtags = await profiles.cashtags_of(uow, {i for row in rows for i in (row.requester_id, row.payer_id)})
    return [MoneyRequest(row=row, cashtags=cashtags) for row in rows]


async def pay_request(platform: Platform, *, payer: AuthenticatedAccount, request_id: int) -> payments.Payment:
    """The person asked pays: the rules of a payment apply; paying again returns the same payment."""
    await profiles.ensure_profile(platform, payer)
    async with platform.uow() as uow:
        payer_profile = await profiles.get_profile(uow, payer.id, lock=True)
        request = (await get_request(uow, account_id=payer.id, request_id=request_id, lock=True)).row
        if request.payer_id != payer.id:
            raise Forbidden("Only the person asked can pay this request.", code="not_payer")
        if request.status == "paid" and request.payment_id is not None:
            return await payments.get_payment(uow, account_id=payer.id, payment_id=request.payment_id)
        _check_pending(request)
        requester = await profiles.get_profile(uow, request.requester_id)
        row = await payments.pay(uow, payer=payer_profile, recipient=requester, amount_minor=request.amount_minor,
                                 note=request.note, key=f"cashapp:request:{request.id}:pay", request_id=request.id)
        request.status, request.payment_id, request.resolved_at = "paid", row.id, uow.now()
        return payments.Payment(row=row, cashtags={payer_profile.account_id: payer_profile.cashtag,
                                                   requester.account_id: requester.cashtag})


async def decline_request(uow: UnitOfWork, *, account_id: int, request_id: int) -> MoneyRequest:
    request = await get_request(uow, account_id=account_id, request_id=request_id, lock=True)
    if request.row.payer_id != account_id:
        raise Forbidden("Only the person asked can decline this request; cancel it instead.", code="not_payer")
    return _resolve(uow, request, "declined")


async def cancel_request(uow: UnitOfWork, *, account_id: int, request_id: int) -> MoneyRequest:
    request = await get_request(uow, account_id=account_id, request_id=request_id, lock=True)
    if request.row.requester_id != account_id:
        raise Forbidden("Only the person who asked can cancel this request; decline it instead.",
                        code="not_requester")
    return _resolve(uow, request, "canceled")


def _resolve(uow: UnitOfWork, request: MoneyRequest, status: str) -> MoneyRequest:
    _check_pending(request.row)
    request.row.status, request.row.resolved_at = status, uow.now()
    return request


def _check_pending(row: MoneyRequestRow) -> None:
    if row.status != "pending":
        raise Conflict(f"This request is already {row.status}.", code="request_not_pending",
                       request_status=row.status)

