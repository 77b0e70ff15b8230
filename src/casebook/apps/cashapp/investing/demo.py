"""Sample investments for `casebook demo`: some of CashApp's demo people own bitcoin and stocks."""

from __future__ import annotations

from collections.abc import Sequence

from casebook.apps.cashapp.investing import service as investing
from casebook.platform.bootstrap import Platform
from casebook.platform.identity.principal import AuthenticatedAccount

# (person's index in CashApp's demo PEOPLE, symbol, side, dollars): a sale follows its buy, and each
# person's buys fit the cash the CashApp demo leaves them (over $150 each).
TRADES = ((0, "BTC", "buy", "25.00"), (0, "AAPL", "buy", "20.00"), (0, "BTC", "sell", "5.00"),
          (1, "BTC", "buy", "15.00"), (1, "NVDA", "buy", "30.00"), (2, "TSLA", "buy", "40.00"),
          (2, "SPY", "buy", "50.00"), (3, "BTC", "buy", "60.00"), (3, "KO", "buy", "12.00"),
          (4, "MSFT", "buy", "35.00"))


async def give_holdings(platform: Platform, people: Sequence[AuthenticatedAccount]) -> None:
    """Idempotent: each trade carries a fixed key, so a rerun returns the first fills and trades nothing."""
    for index, (person, symbol, side, amount) in enumerate(TRADES):
        if person < len(people):
            await investing.place_trade(platform, account=people[person], symbol=symbol, side=side, amount=amount,
                                        quantity=None, client_key=f"demo-trade-{index}")
