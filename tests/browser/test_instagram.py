"""Instagram in a real browser: sign up, follow, post a photo, the follower sees it in the feed and likes it,
and the author gets the notification."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest
from PIL import Image

from tests.browser.test_cashapp import _sign_up
from tests.browser.test_shell import CHROMIUM, CHROMIUM_ARGS, server  # noqa: F401 (server: fixture)

pytestmark = pytest.mark.browser

ASYNC_WAIT_S = 30  # fan-out, media processing and notifications are bus consumers: reload until they land


def test_follow_post_see_in_feed_like_and_notify(server: str, tmp_path: Path) -> None:  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    photo = tmp_path / "sunset.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (230, 120, 40)).save(buffer, format="JPEG")
    photo.write_bytes(buffer.getvalue())

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            grace = _sign_up(browser.new_context().new_page(), server, "grace")
            grace.goto(f"{server}/instagram/")  # the first visit opens grace's Instagram profile
            ada = _sign_up(browser.new_context().new_page(), server, "ada")

            ada.goto(f"{server}/instagram/u/grace")
            ada.get_by_test_id("follow").click()
            expect(ada.get_by_test_id("unfollow")).to_be_visible()

            grace.goto(f"{server}/instagram/new")
            grace.get_by_test_id("files").set_input_files(str(photo))
            grace.get_by_test_id("caption").fill("Golden hour #sunset")
            grace.get_by_test_id("share").click()
            grace.wait_for_url(f"{server}/instagram/p/*")
            post_id = grace.url.rsplit("/", 1)[-1]

            ada.goto(f"{server}/instagram/")
            card = ada.locator(f'[data-testid="post"][data-post-id="{post_id}"]')
            _reload_until_visible(ada, card)
            expect(card).to_contain_text("Golden hour")
            card.get_by_test_id("like-button").click()
            expect(card.get_by_test_id("like-count")).to_have_text("1 like")

            grace.goto(f"{server}/instagram/notifications")
            notifications = grace.get_by_test_id("notifications")
            _reload_until_visible(grace, notifications.get_by_text("ada liked your post"))
        finally:
            browser.close()


def _reload_until_visible(page, locator) -> None:
    deadline = time.monotonic() + ASYNC_WAIT_S
    while not locator.count():
        assert time.monotonic() < deadline, f"never appeared on {page.url}:\n{page.content()[:3000]}"
        time.sleep(0.5)  # polling background work, not asserting on time
        page.reload()
