"""HTTP API of CashApp under /api/cashapp: profile, verification, people, bank, payments, requests, activity,
statements."""

from __future__ import annotations

from typing import Annotated, Literal

from litestar import Controller, Response, delete, get, patch, post
from litestar.params import Parameter

from casebook.apps.cashapp.schemas import (
    ActivityPage,
    ActivityRead,
    BankLinkCreate,
    BankLinkPage,
    BankLinkRead,
    BankTransferRead,
    DepositCreate,
    MoneyRequestCreate,
    MoneyRequestPage,
    MoneyRequestRead,
    PaymentCreate,
    PaymentRead,
    PeoplePage,
    PersonRead,
    Position,
    ProfileRead,
    ProfileUpdate,
    VerificationCreate,
    VerificationRead,
    WithdrawalCreate,
)
from casebook.apps.cashapp.service import activity, bank, payments, profiles, requests, verification
from casebook.platform.errors import Invalid
from casebook.platform.http.dependencies import PlatformDependency
from casebook.platform.http.pagination import Cursors, clamp_limit
from casebook.platform.http.params import SnowflakeId
from casebook.platform.identity.principal import AuthenticatedAccount
from casebook.platform.uow import UnitOfWork

IdempotencyKey = Annotated[str | None, Parameter(header="Idempotency-Key", required=False)]


class ProfileController(Controller):
    path = "/"

    @get("/me")
    async def read_me(self, platform: PlatformDependency, account: AuthenticatedAccount) -> ProfileRead:
        return ProfileRead.from_overview(await profiles.overview(platform, account))

    @patch("/me")
    async def update_me(self, data: ProfileUpdate, platform: PlatformDependency,
                        account: AuthenticatedAccount) -> ProfileRead:
        overview = await profiles.change_profile(platform, account, cashtag=data.cashtag, phone=data.phone)
        return ProfileRead.from_overview(overview)

    @get("/verification")
    async def read_verification(self, platform: PlatformDependency, account: AuthenticatedAccount,
                                ) -> VerificationRead:
        return VerificationRead.from_verification(await verification.get_verification(platform, account))

    @post("/verification", status_code=200)
    async def verify_identity(self, data: VerificationCreate, platform: PlatformDependency,
                              account: AuthenticatedAccount) -> VerificationRead:
        state = await verification.verify_identity(platform, account, legal_name=data.legal_name,
                                                   date_of_birth=data.date_of_birth, ssn_last4=data.ssn_last4)
        return VerificationRead.from_verification(state)

    @get("/people")
    async def find_people(self, reader: UnitOfWork, account: AuthenticatedAccount,
                          q: Annotated[str, Parameter(max_length=254)] = "") -> PeoplePage:
        rows = await profiles.find_people(reader, query=q, viewer_id=account.id)
        return PeoplePage(items=[PersonRead.from_row(row) for row in rows])


class BankController(Controller):
    path = "/bank"

    @get("/links")
    async def list_links(self, platform: PlatformDependency, account: AuthenticatedAccount) -> BankLinkPage:
        profile, links = await bank.list_links(platform, account)
        return BankLinkPage(items=[BankLinkRead.from_link(link, default_link_id=profile.bank_link_id)
                                   for link in links])

    @post("/links", status_code=201)
    async def link_bank(self, data: BankLinkCreate, platform: PlatformDependency,
                        account: AuthenticatedAccount) -> BankLinkRead:
        link = await bank.link_bank(platform, account, name=data.name, account_last4=data.account_last4)
        return BankLinkRead.from_link(link, default_link_id=0)  # a new link is never the first one

    @post("/deposits", status_code=201)
    async def add_cash(self, data: DepositCreate, platform: PlatformDependency, account: AuthenticatedAccount,
                       idempotency_key: IdempotencyKey = None) -> BankTransferRead:
        deposit = await bank.add_cash(platform, account=account, amount=data.amount, client_key=idempotency_key,
                                      link_id=data.link_id)
        return BankTransferRead.from_transfer(deposit)

    @post("/withdrawals", status_code=201)
    async def cash_out(self, data: WithdrawalCreate, platform: PlatformDependency, account: AuthenticatedAccount,
                       idempotency_key: IdempotencyKey = None) -> BankTransferRead:
        withdrawal = await bank.cash_out(platform, account=account, amount=data.amount, speed=data.speed,
                                         client_key=idempotency_key, link_id=data.link_id)
        return BankTransferRead.from_transfer(withdrawal)


class PaymentController(Controller):
    path = "/payments"

    @post("/", status_code=201)
    async def send_payment(self, data: PaymentCreate, platform: PlatformDependency, account: AuthenticatedAccount,
                           idempotency_key: IdempotencyKey = None) -> Response[PaymentRead]:
        """Idempotent by its key inside the payment's own transaction (the generic middleware stands aside):
        a retry answers the first payment with `Idempotent-Replayed: true`, even while it is being written."""
        payment = await payments.send_payment(platform, sender=account, to=data.to, amount=data.amount,
                                              note=data.note, client_key=idempotency_key)
        headers = {"Idempotent-Replayed": "true"} if payment.is_replay else {}
        return Response(PaymentRead.from_payment(payment), status_code=201, headers=headers)

    @get("/{payment_id:int}")
    async def read_payment(self, payment_id: SnowflakeId, reader: UnitOfWork,
                           account: AuthenticatedAccount) -> PaymentRead:
        return PaymentRead.from_payment(await payments.get_payment(reader, account_id=account.id,
                                                                   payment_id=payment_id))

    @post("/{payment_id:int}/refund", status_code=200)
    async def refund(self, payment_id: SnowflakeId, uow: UnitOfWork, account: AuthenticatedAccount) -> PaymentRead:
        return PaymentRead.from_payment(await payments.refund_payment(uow, account_id=account.id,
                                                                      payment_id=payment_id))


class RequestController(Controller):
    path = "/requests"

    @post("/", status_code=201)
    async def create_request(self, data: MoneyRequestCreate, platform: PlatformDependency,
                             account: AuthenticatedAccount) -> MoneyRequestRead:
        request = await requests.create_request(platform, requester=account, from_cashtag=data.from_,
                                                amount=data.amount, note=data.note)
        return MoneyRequestRead.from_request(request)

    @get("/")
    async def list_requests(self, reader: UnitOfWork, account: AuthenticatedAccount,
                            status: Literal["pending", "paid", "declined", "canceled"] | None = None,
                            ) -> MoneyRequestPage:
        found = await requests.list_requests(reader, account_id=account.id, status=status)
        return MoneyRequestPage(items=[MoneyRequestRead.from_request(request) for request in found])

    @get("/{request_id:int}")
    async def read_request(self, request_id: SnowflakeId, reader: UnitOfWork,
                           account: AuthenticatedAccount) -> MoneyRequestRead:
        return MoneyRequestRead.from_request(await requests.get_request(reader, account_id=account.id,
                                                                        request_id=request_id))

    @post("/{request_id:int}/pay", status_code=201)
    async def pay_request(self, request_id: SnowflakeId, platform: PlatformDependency,
                          account: AuthenticatedAccount) -> PaymentRead:
        return PaymentRead.from_payment(await requests.pay_request(platform, payer=account, request_id=request_id))

    @post("/{request_id:int}/decline", status_code=200)
    async def decline_request(self, request_id: SnowflakeId, uow: UnitOfWork,
                              account: AuthenticatedAccount) -> MoneyRequestRead:
        return MoneyRequestRead.from_request(await requests.decline_request(uow, account_id=account.id,
                                                                            request_id=request_id))

    @delete("/{request_id:int}", status_code=200)
    async def cancel_request(self, request_id: SnowflakeId, uow: UnitOfWork,
                             account: AuthenticatedAccount) -> MoneyRequestRead:
        return MoneyRequestRead.from_request(await requests.cancel_request(uow, account_id=account.id,
                                                                           request_id=request_id))


class ActivityController(Controller):
    path = "/"

    @get("/activity")
    async def list_activity(self, platform: PlatformDependency, account: AuthenticatedAccount,
                            cursor: str | None = None, limit: int | None = None) -> ActivityPage:
        size = clamp_limit(limit)
        cursors = Cursors(platform.settings.secret_key)
        position = cursors.decode(cursor, type=Position)
        items, next_before_id = await activity.feed(platform, account=account, limit=size,
                                                    before_id=position.before_id if position else None)
        next_cursor = cursors.encode({"before_id": next_before_id}) if next_before_id is not None else None
        return ActivityPage(items=[ActivityRead.from_activity(item) for item in items], next_cursor=next_cursor)

    @get("/statements/{filename:str}", media_type="text/csv")
    async def statement(self, filename: str, platform: PlatformDependency,
                        account: AuthenticatedAccount) -> Response[str]:
        if not filename.endswith(".csv"):
            raise Invalid("Statements are CSV: /statements/yyyy-mm.csv", field="month")
        month = filename.removesuffix(".csv")
        body = await activity.statement(platform, account=account, month=month)
        return Response(body, media_type="text/csv; charset=utf-8", headers={
            "Content-Disposition": f'attachment; filename="cashapp-statement-{month}.csv"'})
