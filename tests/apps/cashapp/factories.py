"""CashApp test helpers: people who joined through the API, money added through the simulated bank."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from casebook.apps.cashapp.models import CashtagRow, MoneyRequestRow, PaymentRow, ProfileRow
from casebook.engines import payments
from casebook.engines.ledger.models import EntryRow, RequestRow, TransactionRow
from casebook.platform.bootstrap import Platform
from tests.accounts import sign_up

Headers = dict[str, str]


async def join(client: Any, username: str) -> Headers:
    """Sign up and open CashApp (GET /me creates the profile)."""
    headers = await sign_up(client, username)
    me = await client.get("/api/cashapp/me", headers=headers)
    assert me.status_code == 200, me.text
    return headers


async def fund(client: Any, platform: Platform, headers: Headers, amount: str) -> None:
    """Add cash through the API, then let the simulated bank answer now instead of in a few seconds."""
    deposit = await client.post("/api/cashapp/bank/deposits", json={"amount": amount}, headers=headers)
    assert deposit.status_code == 201, deposit.text
    async with platform.uow() as uow:
        settled = await payments.settle_bank_transfer(uow, transfer_id=int(deposit.json()["id"]))
    assert settled.status == "settled"


async def pay(client: Any, headers: Headers, to: str, amount: str, *, note: str = "",
              key: str | None = None) -> Any:
    return await client.post("/api/cashapp/payments", json={"to": to, "amount": amount, "note": note},
                             headers={**headers, "Idempotency-Key": key or uuid.uuid4().hex})


async def balances(client: Any, headers: Headers) -> dict[str, str]:
    me = await client.get("/api/cashapp/me", headers=headers)
    assert me.status_code == 200, me.text
    return me.json()["balances"]


async def available(client: Any, headers: Headers) -> Decimal:
    return Decimal((await balances(client, headers))["available"])


async def counts(platform: Platform) -> dict[str, int]:
    """Rows a refusal must leave unchanged."""
    tables = {"ledger_transactions": TransactionRow, "ledger_entries": EntryRow, "ledger_requests": RequestRow,
              "payments": PaymentRow, "requests": MoneyRequestRow, "profiles": ProfileRow, "cashtags": CashtagRow}
    async with platform.reader() as uow:
        return {name: await uow.session.scalar(select(func.count()).select_from(table)) or 0
                for name, table in tables.items()}
