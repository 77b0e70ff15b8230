"""CashApp: cashtags, a USD wallet on the ledger, add cash and cash out, P2P payments, requests, activity."""

from pathlib import Path

from litestar.openapi.spec import SecurityScheme

from casebook.apps.cashapp import bench, demo, events
from casebook.apps.cashapp.card import events as card_events
from casebook.apps.cashapp.card import network_auth
from casebook.apps.cashapp.card.routes import BoostController, CardController, CardNetworkController
from casebook.apps.cashapp.card.ui import CashCardPages
from casebook.apps.cashapp.investing.routes import HoldingController, MarketController, TradeController
from casebook.apps.cashapp.investing.ui import InvestingPages
from casebook.apps.cashapp.routes import (
    ActivityController,
    BankController,
    PaymentController,
    ProfileController,
    RequestController,
)
from casebook.apps.cashapp.ui import CashAppPages
from casebook.engines import ledger, payments
from casebook.platform.appmodule import AppModule

module = AppModule(
    slug="cashapp",
    title="CashApp",
    description="Send and request money by $cashtag, add cash from a bank, cash out, and see every movement.",
    api_routes=[ProfileController, BankController, PaymentController, RequestController, ActivityController,
                MarketController, TradeController, HoldingController,
                CardController, BoostController, CardNetworkController],
    ui_routes=[CashAppPages, InvestingPages, CashCardPages],
    template_dir=Path(__file__).parent / "templates",
    model_modules=["casebook.apps.cashapp.models", "casebook.apps.cashapp.investing.models",
                   "casebook.apps.cashapp.card.models"],
    consumers=[*events.consumers, *card_events.consumers],
    demo=demo.load,
    demo_steps=demo.DEMO_STEPS,
    jobs=[*ledger.jobs, *payments.jobs],
    bench=bench.workload,
    self_idempotent_paths=["/payments"],
    openapi_security_schemes={network_auth.SECURITY_SCHEME: SecurityScheme(
        type="http", scheme="bearer",
        description="The simulated card network: hex HMAC-SHA256 of 'cashapp:card-network' under the secret key")},
)
