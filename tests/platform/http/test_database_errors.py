"""Database failures a client cannot cause answer 503 (retry) when retrying can help, never a 500."""

from __future__ import annotations

from litestar import Litestar, get
from litestar.testing import AsyncTestClient
from sqlalchemy.exc import InterfaceError, OperationalError

from casebook.platform.http.problems import EXCEPTION_HANDLERS


class _LostConnection(Exception):
    pass


@get("/lost")
async def lost_connection() -> None:
    # What SQLAlchemy raises when a pooled connection died under the statement (a PostgreSQL restart).
    raise InterfaceError("SELECT 1", {}, _LostConnection("connection was closed"), connection_invalidated=True)


@get("/misused")
async def misused_interface() -> None:
    raise InterfaceError("SELECT 1", {}, _LostConnection("cursor already closed"), connection_invalidated=False)


@get("/busy")
async def busy() -> None:
    raise OperationalError("SELECT 1", {}, _LostConnection("database is locked"))


async def test_a_lost_connection_is_a_503_to_retry_and_a_misuse_stays_a_500() -> None:
    app = Litestar(route_handlers=[lost_connection, misused_interface, busy], exception_handlers=EXCEPTION_HANDLERS)
    async with AsyncTestClient(app) as client:
        lost = await client.get("/lost")
        assert lost.status_code == 503 and lost.headers["retry-after"] == "1"
        assert lost.json()["code"] == "unavailable"
        assert (await client.get("/busy")).status_code == 503
        misused = await client.get("/misused")
        assert misused.status_code == 500 and misused.json()["code"] == "internal_error"
