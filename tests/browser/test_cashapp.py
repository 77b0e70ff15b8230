"""CashApp in a real browser: two people sign up, one adds cash and pays the other through the pay form."""

from __future__ import annotations

import time

import pytest

from tests.browser.test_shell import CHROMIUM, CHROMIUM_ARGS, PASSWORD, server  # noqa: F401 (server: fixture)

pytestmark = pytest.mark.browser

SETTLE_WAIT_S = 30  # the simulated bank settles a deposit after 3 s; the scheduler may take a few more


def test_one_user_adds_cash_and_pays_another_and_both_balances_change(server: str) -> None:  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            alice = _sign_up(browser.new_context().new_page(), server, "alice")
            bob = _sign_up(browser.new_context().new_page(), server, "bob")
            for page in (alice, bob):
                page.goto(f"{server}/cashapp/")
                expect(page.get_by_test_id("balance")).to_have_text("$0.00")
            expect(bob.get_by_test_id("cashtag")).to_have_text("$bob")

            alice.get_by_label("Amount to add").fill("30.00")
            alice.get_by_role("button", name="Add cash").click()
            expect(alice.get_by_test_id("wallet")).to_contain_text("(+$30.00 pending)")
            _reload_until_balance(alice, "$30.00")

            alice.fill("#to", "$bob")
            alice.fill("#amount", "12.50")
            alice.fill("#note", "lunch")
            alice.get_by_role("button", name="Pay").click()
            expect(alice.get_by_test_id("balance")).to_have_text("$17.50")
            expect(alice.get_by_test_id("activity")).to_contain_text("$bob")

            bob.reload()
            expect(bob.get_by_test_id("balance")).to_have_text("$12.50")
            expect(bob.get_by_test_id("activity")).to_contain_text("lunch")
            expect(bob.get_by_test_id("activity")).to_contain_text("$alice")
        finally:
            browser.close()


def test_a_refused_payment_shows_why_and_keeps_the_balance(server: str) -> None:  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            bob = _sign_up(browser.new_context().new_page(), server, "bob")
            bob.goto(f"{server}/cashapp/")  # the first visit opens the profile that owns $bob
            alice = _sign_up(browser.new_context().new_page(), server, "alice")
            alice.goto(f"{server}/cashapp/")

            alice.fill("#to", "$bob")
            alice.fill("#amount", "5.00")
            alice.get_by_role("button", name="Pay").click()

            expect(alice.locator("#form-error")).to_contain_text("insufficient funds")
            expect(alice.get_by_test_id("balance")).to_have_text("$0.00")
        finally:
            browser.close()


def _sign_up(page, base_url: str, username: str):
    from playwright.sync_api import expect

    page.goto(f"{base_url}/register")
    page.fill("#username", username)
    page.fill("#email", f"{username}@example.com")
    page.fill("#password", PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Create account").click()
    page.wait_for_url(f"{base_url}/")
    expect(page.get_by_test_id("signed-in-user")).to_have_text(f"@{username}")
    return page


def _reload_until_balance(page, balance: str) -> None:
    """The bank settles in the background: look again until it has (a wait, not a timing assertion)."""
    deadline = time.monotonic() + SETTLE_WAIT_S
    while page.get_by_test_id("balance").inner_text() != balance:
        assert time.monotonic() < deadline, f"the deposit did not settle: {page.get_by_test_id('wallet').inner_text()}"
        time.sleep(0.5)
        page.reload()
