"""CashApp's pages (wallet, settings) through a browser-like client: session cookie, CSRF, htmx and plain forms."""

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


async def test_the_pages_link_to_each_other_and_settings_needs_a_sign_in(client, platform) -> None:
    anonymous = await client.get("/cashapp/settings")
    await register(client, "alice")
    await sign_in_with_form(client, "alice")

    wallet = await client.get("/cashapp/")
    settings = await client.get("/cashapp/settings")

    assert anonymous.status_code == 200 and "/login?next=/cashapp/settings" in anonymous.text
    for href in ("/cashapp/card", "/cashapp/bitcoin", "/cashapp/stocks", "/cashapp/settings"):
        assert f'href="{href}"' in wallet.text
    assert 'href="/cashapp/settings" aria-current="page"' in settings.text
    assert "verify to raise your limit" in wallet.text
    assert "Simulated Checking" in settings.text and "5 attempts left today" in settings.text


async def test_verifying_with_htmx_raises_the_limit_shown_on_the_page(client, platform) -> None:
    await register(client, "alice")
    await sign_in_with_form(client, "alice")
    token = await csrf_token(client, "/cashapp/settings")
    form = {"legal_name": "Alice Liddell", "date_of_birth": "1992-05-04", "_csrf": token}

    failed = await client.post("/cashapp/settings/verify", data={**form, "ssn_last4": "0000"},
                               headers={"HX-Request": "true"})
    verified = await client.post("/cashapp/settings/verify", data={**form, "ssn_last4": "4321"},
                                 headers={"HX-Request": "true"})
    wallet = await client.get("/cashapp/")

    assert failed.status_code == 200 and failed.headers["hx-reswap"] == "none"
    assert 'hx-swap-oob="innerHTML:#verify-error"' in failed.text and "could not match" in failed.text
    assert verified.status_code == 200 and "<html" not in verified.text
    assert "Verified as <strong>Alice Liddell</strong>" in verified.text and "ending 4321" in verified.text
    assert "1992" not in verified.text and "$30000.00" in verified.text
    assert "of $30000.00 in 30 days" in wallet.text and "verify to raise" not in wallet.text


async def test_a_plain_verify_form_redirects_or_shows_the_refusal_on_the_page(client, platform) -> None:
    await register(client, "alice")
    await sign_in_with_form(client, "alice")
    token = await csrf_token(client, "/cashapp/settings")

    bad = await client.post("/cashapp/settings/verify", data={"legal_name": "Alice Liddell",
                                                              "date_of_birth": "04/05/1992", "ssn_last4": "4321",
                                                              "_csrf": token})
    good = await client.post("/cashapp/settings/verify", data={"legal_name": "Alice Liddell",
                                                               "date_of_birth": "1992-05-04", "ssn_last4": "4321",
                                                               "_csrf": token}, follow_redirects=False)

    assert bad.status_code == 422 and "<html" in bad.text and "yyyy-mm-dd" in bad.text
    assert (good.status_code, good.headers["location"]) == (303, "/cashapp/settings")


async def test_linking_a_bank_from_settings_lists_it_and_a_bad_one_says_why(client, platform) -> None:
    await register(client, "alice")
    await sign_in_with_form(client, "alice")
    token = await csrf_token(client, "/cashapp/settings")

    linked = await client.post("/cashapp/settings/bank-links",
                               data={"name": "Rainy day", "account_last4": "2468", "_csrf": token},
                               headers={"HX-Request": "true"})
    refused = await client.post("/cashapp/settings/bank-links",
                                data={"name": "Bad", "account_last4": "24", "_csrf": token},
                                headers={"HX-Request": "true"})
    plain = await client.post("/cashapp/settings/bank-links", data={"name": "Plain", "_csrf": token},
                              follow_redirects=False)
    page = await client.get("/cashapp/settings")

    assert linked.status_code == 200 and "Rainy day" in linked.text and "•••• 2468" in linked.text
    assert refused.headers["hx-reswap"] == "none" and 'innerHTML:#link-error' in refused.text
    assert "last 4 digits" in refused.text
    assert (plain.status_code, plain.headers["location"]) == (303, "/cashapp/settings")
    assert page.text.count('class="entry"') == 3 and "Bad" not in page.text
