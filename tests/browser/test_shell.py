"""The web shell in a real browser: Debian's Chromium via Playwright against a real server process."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

import casebook

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
SERVER_START_TIMEOUT_S = 60
PASSWORD = "correct horse battery staple"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """`casebook.asgi:app_factory` under Granian, embedded, on a fresh data directory."""
    port = _free_port()
    source_root = str(Path(casebook.__file__).resolve().parents[1])
    env = {**os.environ, "CASEBOOK_DATA_DIR": str(tmp_path / "var"), "CASEBOOK_LOG_LEVEL": "WARNING",
           "PYTHONPATH": os.pathsep.join(filter(None, [source_root, os.environ.get("PYTHONPATH")]))}
    for name in ("CASEBOOK_DATABASE_URL", "CASEBOOK_CACHE_URL", "CASEBOOK_BUS_URL", "CASEBOOK_BLOB_URL"):
        env.pop(name, None)
    log = (tmp_path / "server.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "granian", "--interface", "asgi", "--factory", "casebook.asgi:app_factory",
         "--host", "127.0.0.1", "--port", str(port)],
        env=env, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while True:
            assert process.poll() is None, (tmp_path / "server.log").read_text()
            try:
                if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "server did not start:\n" + (tmp_path / "server.log").read_text()
            time.sleep(0.2)  # polling for readiness, not asserting on time
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def test_register_sign_out_and_sign_in_again(server: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            header = page.get_by_role("banner")
            page.goto(f"{server}/")
            expect(header.get_by_role("link", name="Sign in")).to_be_visible()

            header.get_by_role("link", name="Create account").click()
            page.fill("#username", "ada_l")
            page.press("#username", "Tab")  # change: htmx asks the server about the name
            expect(page.locator("#username-hint")).to_have_text("Available.")
            page.fill("#email", "ada@example.com")
            page.fill("#password", PASSWORD)
            page.get_by_role("main").get_by_role("button", name="Create account").click()
            page.wait_for_url(f"{server}/")
            expect(header.get_by_test_id("signed-in-user")).to_have_text("@ada_l")

            header.get_by_role("button", name="Sign out").click()
            page.wait_for_url(f"{server}/")
            expect(header.get_by_test_id("signed-in-user")).to_have_count(0)
            expect(header.get_by_role("link", name="Sign in")).to_be_visible()

            header.get_by_role("link", name="Sign in").click()
            page.fill("#login", "ada@example.com")
            page.fill("#password", "not the password")
            page.get_by_role("main").get_by_role("button", name="Sign in").click()
            expect(page.get_by_role("alert")).to_have_text("Wrong username, email or password.")

            page.fill("#password", PASSWORD)
            page.get_by_role("main").get_by_role("button", name="Sign in").click()
            page.wait_for_url(f"{server}/")
            expect(header.get_by_test_id("signed-in-user")).to_have_text("@ada_l")
            expect(page.get_by_role("heading", name="How the big systems really work.")).to_be_visible()
        finally:
            browser.close()
