"""The Cash Card page through a browser-like client: issue, freeze toggle, Boost picker, the test terminal."""

from __future__ import annotations

from sqlalchemy import func, select

from casebook.engines import payments
from casebook.engines.payments.models import AuthorizationRow, BankTransferRow
from tests.apps.cashapp.test_card_network import card_counts
from tests.platform.identity.harness import csrf_token, register, sign_in_with_form

HTMX = {"HX-Request": "true"}


async def _signed_in(client, username: str = "alice") -> str:
    await register(client, username)
    await sign_in_with_form(client, username)
    return await csrf_token(client, "/cashapp/card")


async def test_a_user_issues_a_card_freezes_it_and_sees_a_purchase_declined(client, platform) -> None:
    token = await _signed_in(client)

    empty = await client.get("/cashapp/card")
    issued = await client.post("/cashapp/card/issue", data={"_csrf": token}, headers=HTMX)
    frozen = await client.post("/cashapp/card/freeze", data={"_csrf": token}, headers=HTMX)
    declined = await client.post("/cashapp/card/purchase", data={
        "merchant_name": "Blue Bottle", "merchant_category": "coffee_shop", "amount": "4.00", "key": "ui-buy-1",
        "_csrf": token}, headers=HTMX)
    thawed = await client.post("/cashapp/card/unfreeze", data={"_csrf": token}, headers=HTMX)

    assert empty.status_code == 200 and "Get a Cash Card" in empty.text
    assert issued.status_code == 200 and "<html" not in issued.text
    assert "•••• •••• •••• " in issued.text and 'data-testid="card-cvv">•••<' in issued.text
    assert "Freeze card" in issued.text and 'aria-checked="false"' in issued.text
    assert "Unfreeze card" in frozen.text and 'aria-checked="true"' in frozen.text
    assert declined.status_code == 200 and "Declined: your card is frozen." in declined.text
    assert "card frozen" in declined.text  # listed among the recent purchases
    assert "Freeze card" in thawed.text


async def test_a_boosted_purchase_from_the_page_is_bought_once(client, platform) -> None:
    token = await _signed_in(client)
    await client.post("/cashapp/add-cash", data={"amount": "20.00", "key": "ui-deposit", "_csrf": token},
                      headers=HTMX)
    await _settle_all(platform)
    await client.post("/cashapp/card/issue", data={"_csrf": token}, headers=HTMX)

    boosted = await client.post("/cashapp/card/boost", data={"boost_id": "coffee-10", "_csrf": token}, headers=HTMX)
    form = {"merchant_name": "Blue Bottle", "merchant_category": "coffee_shop", "amount": "5.00", "key": "ui-buy-2",
            "_csrf": token}
    bought = await client.post("/cashapp/card/purchase", data=form, headers=HTMX)
    again = await client.post("/cashapp/card/purchase", data=form, headers=HTMX)
    page = await client.get("/cashapp/card")
    wallet = await client.get("/cashapp/")

    assert 'value="coffee-10" selected' in boosted.text
    assert bought.status_code == 200 and "Boost +$0.50 (coffee-10)" in bought.text and "captured" in bought.text
    assert again.status_code == 200 and "$15.50" in again.text
    assert "Blue Bottle" in page.text and "$15.50" in page.text
    assert "card purchase" in wallet.text and "boost discount" in wallet.text
    async with platform.reader() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(AuthorizationRow)) == 1


async def test_a_refused_form_shows_why_and_changes_nothing(client, platform) -> None:
    token = await _signed_in(client)
    await client.post("/cashapp/card/issue", data={"_csrf": token}, headers=HTMX)
    before = await card_counts(platform)

    refused = await client.post("/cashapp/card/purchase", data={
        "merchant_name": "Shop", "merchant_category": "grocery", "amount": "1.001", "key": "k1", "_csrf": token},
        headers=HTMX)
    plain = await client.post("/cashapp/card/boost", data={"boost_id": "free-money", "_csrf": token})
    twice = await client.post("/cashapp/card/issue", data={"_csrf": token}, headers=HTMX)

    assert refused.status_code == 200 and refused.headers["hx-reswap"] == "none"
    assert "decimal string" in refused.text and 'hx-swap-oob="innerHTML:#form-error"' in refused.text
    assert plain.status_code == 404 and "<html" in plain.text and "free-money" in plain.text
    assert twice.headers["hx-reswap"] == "none"
    assert await card_counts(platform) == before


async def test_card_forms_need_the_csrf_token_and_a_session(client, platform) -> None:
    await _signed_in(client)
    before = await card_counts(platform)

    no_csrf = await client.post("/cashapp/card/issue", data={})
    client.cookies.clear()
    anonymous = await client.post("/cashapp/card/freeze", data={})
    page = await client.get("/cashapp/card")

    assert no_csrf.status_code == 403
    assert anonymous.status_code in (401, 403)
    assert page.status_code == 200 and "/login?next=/cashapp/card" in page.text
    assert await card_counts(platform) == before


async def test_a_short_wallet_is_declined_on_the_page(client, platform) -> None:
    token = await _signed_in(client)
    await client.post("/cashapp/card/issue", data={"_csrf": token}, headers=HTMX)

    plain = await client.post("/cashapp/card/purchase", data={
        "merchant_name": "REI", "merchant_category": "general_retail", "amount": "12.00", "key": "k2",
        "_csrf": token})

    assert plain.status_code == 200 and "Declined: not enough money in your balance." in plain.text
    assert "<html" in plain.text


async def _settle_all(platform) -> None:
    """The simulated bank answers now rather than in 3 s."""
    async with platform.reader() as uow:
        ids = list(await uow.session.scalars(select(BankTransferRow.id).where(BankTransferRow.status == "pending")))
    for transfer_id in ids:
        async with platform.uow() as uow:
            await payments.settle_bank_transfer(uow, transfer_id=transfer_id)
