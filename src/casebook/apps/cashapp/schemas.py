"""Request and response shapes of the CashApp API: amounts are decimal strings of dollars."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import msgspec

from casebook.apps.cashapp import rules
from casebook.apps.cashapp.models import MoneyRequestRow, PaymentRow, ProfileRow
from casebook.apps.cashapp.service import activity, profiles, verification
from casebook.apps.cashapp.service import payments as payment_service
from casebook.apps.cashapp.service import requests as request_service
from casebook.engines import payments


class Schema(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    pass


class BalancesRead(Schema):
    currency: str
    available: str
    pending: str  # incoming, not yet settled (deposits)
    posted: str


class LimitsRead(Schema):
    currency: str
    is_verified: bool
    sending_limit: str
    sent: str  # in the rolling window
    remaining: str
    window_days: int

    @classmethod
    def from_overview(cls, overview: profiles.Overview) -> LimitsRead:
        remaining = max(overview.limit_minor - overview.sent_minor, 0)
        return cls(currency=rules.CURRENCY, is_verified=overview.profile.is_verified,
                   sending_limit=rules.format_amount(overview.limit_minor),
                   sent=rules.format_amount(overview.sent_minor), remaining=rules.format_amount(remaining),
                   window_days=rules.SENDING_WINDOW.days)


class ProfileRead(Schema):
    cashtag: str
    display_name: str
    phone: str | None
    balances: BalancesRead
    limits: LimitsRead

    @classmethod
    def from_overview(cls, overview: profiles.Overview) -> ProfileRead:
        balances = overview.balances
        return cls(cashtag=overview.profile.cashtag, display_name=overview.profile.display_name,
                   phone=overview.profile.phone,
                   balances=BalancesRead(currency=rules.CURRENCY,
                                         available=rules.format_amount(balances.available_minor),
                                         pending=rules.format_amount(balances.credits_pending_minor),
                                         posted=rules.format_amount(balances.posted_minor)),
                   limits=LimitsRead.from_overview(overview))


class ProfileUpdate(Schema):
    cashtag: str | None = None
    phone: str | None = None


class PersonRead(Schema):
    cashtag: str
    display_name: str

    @classmethod
    def from_row(cls, row: ProfileRow) -> PersonRead:
        return cls(cashtag=row.cashtag, display_name=row.display_name)


class PeoplePage(Schema):
    items: list[PersonRead]


class VerificationCreate(Schema):
    legal_name: str
    date_of_birth: str  # yyyy-mm-dd; a string, so a bad date is refused with its field like any other
    ssn_last4: str


class VerificationRead(Schema):
    """What the profile shows of its verified identity: never the date of birth, only the tax id's last 4."""

    is_verified: bool
    legal_name: str | None
    ssn_last4: str | None
    verified_at: datetime | None
    attempts_remaining: int  # failed checks still allowed today
    limits: LimitsRead

    @classmethod
    def from_verification(cls, state: verification.Verification) -> VerificationRead:
        verified = state.verified
        return cls(is_verified=verified is not None, legal_name=verified.legal_name if verified else None,
                   ssn_last4=verified.ssn_last4 if verified else None,
                   verified_at=verified.verified_at if verified else None,
                   attempts_remaining=state.attempts_remaining, limits=LimitsRead.from_overview(state.overview))


class BankLinkCreate(Schema):
    name: str
    account_last4: str | None = None  # simulated: random digits when left out


class BankLinkRead(Schema):
    id: str
    name: str
    account_last4: str
    is_default: bool  # used by deposits and cash-outs that name no link_id
    created_at: datetime

    @classmethod
    def from_link(cls, link: payments.BankLink, *, default_link_id: int) -> BankLinkRead:
        return cls(id=str(link.id), name=link.name, account_last4=link.account_last4,
                   is_default=link.id == default_link_id, created_at=link.created_at)


class BankLinkPage(Schema):
    items: list[BankLinkRead]


class AmountCreate(Schema):
    amount: str


class DepositCreate(Schema):
    amount: str
    link_id: str | None = None  # one of GET /bank/links; the default link when left out


class WithdrawalCreate(Schema):
    amount: str
    speed: Literal["standard", "instant"] = "standard"
    link_id: str | None = None


class BankTransferRead(Schema):
    id: str
    link_id: str
    direction: str
    speed: str
    status: str
    amount: str
    fee: str
    currency: str
    created_at: datetime
    settles_at: datetime

    @classmethod
    def from_transfer(cls, transfer: payments.Deposit | payments.Withdrawal) -> BankTransferRead:
        is_withdrawal = isinstance(transfer, payments.Withdrawal)
        return cls(id=str(transfer.id), link_id=str(transfer.link_id), direction="withdrawal" if is_withdrawal else "deposit",
                   speed=transfer.speed if is_withdrawal else "standard", status=transfer.status,
                   amount=rules.format_amount(transfer.amount_minor),
                   fee=rules.format_amount(transfer.fee_minor if is_withdrawal else 0), currency=transfer.currency,
                   created_at=transfer.created_at, settles_at=transfer.settles_at)


class PaymentCreate(Schema):
    to: str
    amount: str
    note: str = ""


class PaymentRead(Schema):
    id: str
    sender: str
    recipient: str
    amount: str
    currency: str
    note: str
    status: str
    request_id: str | None
    created_at: datetime

    @classmethod
    def from_payment(cls, payment: payment_service.Payment) -> PaymentRead:
        return cls.from_row(payment.row, cashtags=payment.cashtags)

    @classmethod
    def from_row(cls, row: PaymentRow, *, cashtags: dict[int, str]) -> PaymentRead:
        return cls(id=str(row.id), sender=cashtags[row.sender_id], recipient=cashtags[row.recipient_id],
                   amount=rules.format_amount(row.amount_minor), currency=row.currency, note=row.note,
                   status=row.status, request_id=str(row.request_id) if row.request_id else None,
                   created_at=row.created_at)


class MoneyRequestCreate(Schema):
    from_: str = msgspec.field(name="from")
    amount: str
    note: str = ""


class MoneyRequestRead(Schema):
    id: str
    requester: str
    payer: str
    amount: str
    currency: str
    note: str
    status: str
    payment_id: str | None
    created_at: datetime
    resolved_at: datetime | None

    @classmethod
    def from_request(cls, request: request_service.MoneyRequest) -> MoneyRequestRead:
        return cls.from_row(request.row, cashtags=request.cashtags)

    @classmethod
    def from_row(cls, row: MoneyRequestRow, *, cashtags: dict[int, str]) -> MoneyRequestRead:
        return cls(id=str(row.id), requester=cashtags[row.requester_id], payer=cashtags[row.payer_id],
                   amount=rules.format_amount(row.amount_minor), currency=row.currency, note=row.note,
                   status=row.status, payment_id=str(row.payment_id) if row.payment_id else None,
                   created_at=row.created_at, resolved_at=row.resolved_at)


class ActivityRead(Schema):
    id: str  # the ledger posting
    transaction_id: str
    type: str  # payment_sent | payment_received | refund_sent | refund_received | deposit | cash_out | other
    status: str  # pending | completed | refunded | failed
    amount: str  # signed: negative when money left the wallet
    currency: str
    counterparty: str | None
    note: str
    created_at: datetime

    @classmethod
    def from_activity(cls, item: activity.Activity) -> ActivityRead:
        return cls(id=str(item.posting_id), transaction_id=str(item.transaction_id), type=item.type,
                   status=item.status, amount=rules.format_amount(item.amount_minor), currency=rules.CURRENCY,
                   counterparty=item.counterparty, note=item.note, created_at=item.created_at)


class MoneyRequestPage(Schema):
    items: list[MoneyRequestRead]


class ActivityPage(Schema):
    items: list[ActivityRead]
    next_cursor: str | None = None


class Position(msgspec.Struct):
    before_id: int
