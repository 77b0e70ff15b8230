"""Sample data for `casebook demo`: five funded people, payments between them, a refund, open requests,
Cash Card purchases with boosts, bitcoin and stock holdings."""

from __future__ import annotations

from sqlalchemy import func, select

from casebook.apps.cashapp.card import demo as card_demo
from casebook.apps.cashapp.investing import demo as investing_demo
from casebook.apps.cashapp.models import MoneyRequestRow
from casebook.apps.cashapp.service import bank, payments, profiles, requests
from casebook.engines import payments as payments_engine
from casebook.platform.appmodule import DemoProgress
from casebook.platform.bootstrap import Platform
from casebook.platform.identity import service as identity
from casebook.platform.identity.principal import AuthenticatedAccount

DEMO_PASSWORD = "casebook-demo"  # the same demo accounts as the other apps: one identity across apps
PEOPLE = ("ada", "grace", "linus", "barbara", "ken")
FUNDING = "200.00"
# (sender, recipient, amount, note): small enough for the unverified limit and the velocity check
PAYMENTS = ((0, 1, "12.50", "Lunch 🌮"), (1, 2, "40.00", "Concert tickets"), (2, 0, "7.25", "Coffee ☕"),
            (3, 4, "18.00", "Taxi"), (4, 0, "25.00", "Birthday gift 🎁"), (0, 3, "9.99", "Book club"),
            (1, 4, "3.50", "Bagel"), (2, 3, "60.00", "Rent share"))
REFUNDED = 6  # the bagel was on the house
REQUESTS = ((0, 2, "15.00", "Pizza night"), (3, 1, "22.40", "Groceries"))
DEMO_STEPS = len(PEOPLE) + 1


async def load(platform: Platform, progress: DemoProgress) -> None:
    """Idempotent: deposits and payments carry fixed keys and requests are made once, so a rerun adds nothing."""
    people = []
    for username in PEOPLE:
        person = await _person(platform, username)
        deposit = await bank.add_cash(platform, account=person, amount=FUNDING, client_key="demo-funding")
        async with platform.uow() as uow:  # the simulated bank answers at once for the demo
            await payments_engine.settle_bank_transfer(uow, transfer_id=deposit.id)
        people.append(person)
        progress(1)
    made = [await payments.send_payment(platform, sender=people[s], to=f"${PEOPLE[r]}", amount=amount, note=note,
                                        client_key=f"demo-payment-{index}")
            for index, (s, r, amount, note) in enumerate(PAYMENTS)]
    refunded = made[REFUNDED].row
    if refunded.status != "refunded":
        async with platform.uow() as uow:
            await payments.refund_payment(uow, account_id=refunded.recipient_id, payment_id=refunded.id)
    await card_demo.load_demo(platform, dict(zip(PEOPLE, people, strict=True)))
    async with platform.reader() as reader:
        has_requests = await reader.session.scalar(select(func.count()).select_from(MoneyRequestRow).where(
            MoneyRequestRow.requester_id == people[REQUESTS[0][0]].id))
    if not has_requests:
        for requester, payer, amount, note in REQUESTS:
            await requests.create_request(platform, requester=people[requester], from_cashtag=f"${PEOPLE[payer]}",
                                          amount=amount, note=note)
    await investing_demo.give_holdings(platform, people)
    progress(1)


async def _person(platform: Platform, username: str) -> AuthenticatedAccount:
    async with platform.uow() as uow:
        account = await identity.find_account_by_login(uow, username)
        if account is None:
            account = await identity.register(uow, username=username, email=f"{username}@demo.casebook.dev",
                                              password=DEMO_PASSWORD)
    person = AuthenticatedAccount(id=account.id, username=account.username, via="session")
    await profiles.ensure_profile(platform, person)
    return person
