"""The guestbook's pages through a browser-like client: session cookie, CSRF, htmx and plain forms."""

from tests.platform.identity.harness import csrf_token, register, sign_in_with_form


async def test_a_signed_in_visitor_signs_the_book_with_htmx_and_sees_the_entry(client) -> None:
    await register(client, "visitor")
    await sign_in_with_form(client, "visitor")
    token = await csrf_token(client, "/guestbook/")

    added = await client.post("/guestbook/entries", data={"body": "Hello from htmx", "_csrf": token},
                              headers={"HX-Request": "true"})
    page = await client.get("/guestbook/")

    assert added.status_code == 201
    assert "Hello from htmx" in added.text and "<html" not in added.text  # a fragment, not a page
    assert "@visitor" in page.text and "Hello from htmx" in page.text


async def test_a_plain_form_post_redirects_and_a_bad_one_rerenders_with_422(client) -> None:
    await register(client, "plainform")
    await sign_in_with_form(client, "plainform")
    token = await csrf_token(client, "/guestbook/")

    empty = await client.post("/guestbook/entries", data={"body": "   ", "_csrf": token})
    added = await client.post("/guestbook/entries", data={"body": "No JavaScript", "_csrf": token})

    assert empty.status_code == 422 and "Write 1 to 500 characters." in empty.text
    assert (added.status_code, added.headers["location"]) == (303, "/guestbook/")
    assert "No JavaScript" in (await client.get("/guestbook/")).text


async def test_signing_without_csrf_or_session_changes_nothing(client) -> None:
    anonymous = await client.post("/guestbook/entries", data={"body": "sneaky"})
    await register(client, "nocsrf")
    await sign_in_with_form(client, "nocsrf")
    forged = await client.post("/guestbook/entries", data={"body": "sneaky", "_csrf": "wrong"})

    assert anonymous.status_code in (401, 403)
    assert forged.status_code == 403
    assert "sneaky" not in (await client.get("/guestbook/")).text
