"""`casebook demo` for CashApp: funded people with history, loaded once however often it runs."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from casebook.apps.cashapp import demo
from casebook.apps.cashapp.card import service as card_service
from casebook.apps.cashapp.investing import service as investing
from casebook.apps.cashapp.models import MoneyRequestRow, PaymentRow, ProfileRow
from casebook.engines import ledger
from casebook.engines import payments as payments_engine


async def test_the_demo_loads_history_once_and_conserves_money(platform) -> None:
    steps: list[int] = []

    await demo.load(platform, steps.append)
    await demo.load(platform, steps.append)  # a second run adds nothing

    async with platform.reader() as uow:
        payments = list(await uow.session.scalars(select(PaymentRow)))
        requests = await uow.session.scalar(select(func.count()).select_from(MoneyRequestRow))
        wallets = list(await uow.session.scalars(select(ProfileRow.wallet_account_id)))
        total_minor = sum([(await ledger.balances(uow, wallet)).posted_minor for wallet in wallets])
        # Dollars that left the wallets went to the market maker (holdings) or the merchants (card purchases);
        # boosts paid some back from CashApp's own account (debit-normal: its balance is what it gave).
        for code, sign in ((investing.house_code("USD"), 1), (payments_engine.merchant_settlement_code("USD"), 1),
                           (card_service.BOOSTS_ACCOUNT_CODE, -1)):
            account = await ledger.find_account_by_code(uow, code)
            assert account is not None, code
            total_minor += sign * (await ledger.balances(uow, account.id)).posted_minor
    assert sum(steps) == 2 * demo.DEMO_STEPS
    assert (len(payments), requests) == (len(demo.PAYMENTS), len(demo.REQUESTS))
    assert [p.status for p in payments].count("refunded") == 1
    assert total_minor == len(demo.PEOPLE) * ledger.to_minor(Decimal(demo.FUNDING), "USD")
