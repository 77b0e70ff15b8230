"""CashApp's pages through a browser-like client: session cookie, CSRF, htmx and plain forms."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from casebook.engines import payments
from casebook.engines.payments.models import BankTransferRow
from tests.accounts import sign_up
from tests.apps.cashapp.factories import available, fund, join
from tests.platform.identity.harness import csrf_token, register, sign_in_with_form


async def test_a_signed_in_user_pays_with_htmx_and_both_balances_change(client, platform) -> None:
    bob = await join(client, "bob")  # API calls first: once the client holds a session, they need CSRF too
    await register(client, "alice")
    await sign_in_with_form(client, "alice")
    token = await csrf_token(client, "/cashapp/")
    added = await client.post("/cashapp/add-cash", data={"amount": "30.00", "key": "ui-deposit", "_csrf": token},
                              headers={"HX-Request": "true"})
    await _settle_all(platform)  # the simulated bank answers now rather than in 3 s

    paid = await client.post("/cashapp/pay", data={"to": "$bob", "amount": "12.50", "note": "books",
                                                   "key": "ui-pay-1", "_csrf": token},
                             headers={"HX-Request": "true"})
    again = await client.post("/cashapp/pay", data={"to": "$bob", "amount": "12.50", "note": "books",
                                                    "key": "ui-pay-1", "_csrf": token},
                              headers={"HX-Request": "true"})
    page = await client.get("/cashapp/")

    assert added.status_code == 200 and "(+$30.00 pending)" in added.text
    assert paid.status_code == 200 and "<html" not in paid.text and "$17.50" in paid.text
    assert again.status_code == 200  # the same form key: shown again, paid once
    assert "$17.50" in page.text and "books" in page.text and "$bob" in page.text
    assert await available(client, bob) == Decimal("12.50")


async def test_a_refused_htmx_payment_leaves_the_wallet_and_shows_why(client, platform) -> None:
    await join(client, "bob")
    await register(client, "alice")
    await sign_in_with_form(client, "alice")
    token = await csrf_token(client, "/cashapp/")

    refused = await client.post("/cashapp/pay", data={"to": "$bob", "amount": "5.00", "key": "k", "_csrf": token},
                                headers={"HX-Request": "true"})
    plain = await client.post("/cashapp/pay", data={"to": "$bob", "amount": "abc", "key": "k2", "_csrf": token})

    assert refused.status_code == 200 and refused.headers["hx-reswap"] == "none"
    assert "insufficient funds" in refused.text and 'hx-swap-oob="innerHTML:#form-error"' in refused.text
    assert plain.status_code == 422 and "decimal string" in plain.text and "<html" in plain.text


async def test_paying_without_csrf_changes_nothing(client, platform) -> None:
    alice = await sign_up(client, "alice")
    await fund(client, platform, alice, "10.00")
    await join(client, "bob")

    anonymous = await client.post("/cashapp/pay", data={"to": "$bob", "amount": "1.00", "key": "x"})

    assert anonymous.status_code in (401, 403)
    assert await available(client, alice) == Decimal("10.00")


async def _settle_all(platform) -> None:
    async with platform.reader() as uow:
        ids = list(await uow.session.scalars(select(BankTransferRow.id).where(BankTransferRow.status == "pending")))
    for transfer_id in ids:
        async with platform.uow() as uow:
            await payments.settle_bank_transfer(uow, transfer_id=transfer_id)
