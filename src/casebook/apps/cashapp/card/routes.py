"""HTTP API of the Cash Card under /api/cashapp: the holder's card and Boosts, and the card network's door."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, delete, get, post
from litestar.params import Parameter

from casebook.apps.cashapp.card import network_auth, purchases, service
from casebook.apps.cashapp.card.schemas import (
    AuthorizationCreate,
    AuthorizationRead,
    BoostPage,
    CaptureCreate,
    CardRead,
)
from casebook.platform.http.dependencies import PlatformDependency
from casebook.platform.http.params import SnowflakeId
from casebook.platform.identity.principal import AuthenticatedAccount

NetworkIdempotencyKey = Annotated[str | None, Parameter(
    header="Idempotency-Key", required=False,
    description="Required: the network's key for this message; a retry with it acts once.")]
BoostSlug = Annotated[str, Parameter(max_length=40, description="A Boost id from GET /boosts.")]


class CardController(Controller):
    path = "/card"

    @post("/", status_code=201)
    async def issue_card(self, platform: PlatformDependency, account: AuthenticatedAccount) -> CardRead:
        return CardRead.from_card(await service.issue_card(platform, account))

    @get("/")
    async def read_card(self, platform: PlatformDependency, account: AuthenticatedAccount) -> CardRead:
        return CardRead.from_card(await service.read_card(platform, account))

    @post("/freeze", status_code=200)
    async def freeze(self, platform: PlatformDependency, account: AuthenticatedAccount) -> CardRead:
        return CardRead.from_card(await service.set_frozen(platform, account, is_frozen=True))

    @post("/unfreeze", status_code=200)
    async def unfreeze(self, platform: PlatformDependency, account: AuthenticatedAccount) -> CardRead:
        return CardRead.from_card(await service.set_frozen(platform, account, is_frozen=False))


class BoostController(Controller):
    path = "/boosts"

    @get("/")
    async def list_boosts(self, platform: PlatformDependency, account: AuthenticatedAccount) -> BoostPage:
        return BoostPage.of(await service.read_active_boost(platform, account))

    @post("/{boost_id:str}/activate", status_code=200)
    async def activate(self, boost_id: BoostSlug, platform: PlatformDependency,
                       account: AuthenticatedAccount) -> BoostPage:
        return BoostPage.of(await service.activate_boost(platform, account, boost_id=boost_id))

    @delete("/active", status_code=200)
    async def deactivate(self, platform: PlatformDependency, account: AuthenticatedAccount) -> BoostPage:
        await service.deactivate_boost(platform, account)
        return BoostPage.of(None)


class CardNetworkController(Controller):
    """The simulated card network; authenticated as the network (`Authorization: Bearer <network key>`,
    see network_auth), never as a user."""

    path = "/network/authorizations"
    guards = (network_auth.network_guard,)
    security = ({network_auth.SECURITY_SCHEME: []},)
    tags = ("cashapp card network",)

    @post("/", status_code=201, summary="Authorize a card purchase (card network only)")
    async def authorize(self, data: AuthorizationCreate, platform: PlatformDependency,
                        idempotency_key: NetworkIdempotencyKey = None) -> AuthorizationRead:
        purchase = await purchases.authorize(
            platform, client_key=idempotency_key, amount=data.amount, currency=data.currency,
            merchant_name=data.merchant_name, merchant_category=data.merchant_category, card_id=data.card_id,
            card=data.card_details())
        return AuthorizationRead.from_purchase(purchase)

    @post("/{authorization_id:int}/capture", status_code=200, summary="Capture a hold (card network only)")
    async def capture(self, authorization_id: SnowflakeId, platform: PlatformDependency,
                      data: CaptureCreate | None = None,
                      idempotency_key: NetworkIdempotencyKey = None) -> AuthorizationRead:
        purchase = await purchases.capture(platform, authorization_id=authorization_id, client_key=idempotency_key,
                                           amount=data.amount if data else None)
        return AuthorizationRead.from_purchase(purchase)

    @post("/{authorization_id:int}/reverse", status_code=200, summary="Reverse a purchase (card network only)")
    async def reverse(self, authorization_id: SnowflakeId, platform: PlatformDependency,
                      idempotency_key: NetworkIdempotencyKey = None) -> AuthorizationRead:
        purchase = await purchases.reverse(platform, authorization_id=authorization_id, client_key=idempotency_key)
        return AuthorizationRead.from_purchase(purchase)
