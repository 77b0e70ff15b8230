"""Blob fixtures: every test runs on the local adapter and on S3 (a moto server: no S3 runs here)."""

from __future__ import annotations

import types
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import boto3
import httpx
import pytest
from litestar import Litestar, Request
from litestar.di import Provide
from litestar.exceptions import HTTPException
from moto.server import ThreadedMotoServer

from casebook.migrations import upgrade
from casebook.platform.blobs import Blobs, open_blobs
from casebook.platform.blobs.routes import blob_routes
from casebook.platform.clock import FrozenClock
from casebook.platform.db.engine import open_database
from casebook.platform.errors import CasebookError, Unauthorized
from casebook.platform.http.problems import handle_casebook_error, handle_http_exception
from casebook.platform.identity.principal import AuthenticatedAccount
from casebook.platform.ids import IdGenerator
from casebook.platform.settings import Settings
from casebook.platform.uow import open_unit_of_work
from tests.conftest import TEST_SECRET_KEY

PUBLIC_URL = "http://testserver.local"
S3_REGION = "us-east-1"


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture(params=["local", "s3"])
def blob_adapter(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def blob_url(blob_adapter: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    if blob_adapter == "local":
        return f"file://{tmp_path / 'blobs'}"
    endpoint = request.getfixturevalue("moto_endpoint")
    bucket = f"casebook-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", endpoint_url=endpoint, region_name=S3_REGION, aws_access_key_id="testing",
                 aws_secret_access_key="testing").create_bucket(Bucket=bucket)
    return (f"s3://{bucket}?endpoint={endpoint}&region={S3_REGION}"
            "&access_key_id=testing&secret_access_key=testing")


@pytest.fixture
async def blobs(blob_url: str) -> AsyncIterator[Blobs]:
    adapter = open_blobs(blob_url, secret_key=TEST_SECRET_KEY, public_url=PUBLIC_URL)
    yield adapter
    await adapter.close()


@pytest.fixture
async def holder(settings: Settings, blobs: Blobs, blob_url: str) -> AsyncIterator[types.SimpleNamespace]:
    """The parts of a Platform the upload service touches, over a real migrated database."""
    db = open_database(settings.database_url)
    await upgrade(db)
    yield types.SimpleNamespace(db=db, blobs=blobs, blob_url=blob_url, clock=FrozenClock(), ids=IdGenerator(1),
                                bus=None)
    await db.dispose()


def build_app(holder: types.SimpleNamespace) -> Litestar:
    async def provide_account(request: Request) -> AuthenticatedAccount:
        raw = request.headers.get("x-test-account")
        if raw is None:
            raise Unauthorized()
        return AuthenticatedAccount(id=int(raw), username=f"user{raw}", via="bearer")

    async def provide_uow() -> AsyncIterator[object]:
        async with open_unit_of_work(holder) as uow:
            yield uow

    return Litestar(
        route_handlers=blob_routes,
        dependencies={
            "platform": Provide(lambda: holder, sync_to_thread=False),
            "account": Provide(provide_account),
            "uow": Provide(provide_uow),
        },
        exception_handlers={CasebookError: handle_casebook_error, HTTPException: handle_http_exception},
    )


def in_loop_client(app: Litestar) -> httpx.AsyncClient:
    """A client running the app in the test's own event loop (asyncpg connections belong to one loop)."""
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=PUBLIC_URL)
    client.app = app  # type: ignore[attr-defined]
    return client


@pytest.fixture
async def download_client(blobs: Blobs) -> AsyncIterator[httpx.AsyncClient]:
    """The signed-download routes need nothing but `platform.blobs`."""
    async with in_loop_client(build_app(types.SimpleNamespace(blobs=blobs))) as test_client:
        yield test_client


@pytest.fixture
async def client(holder: types.SimpleNamespace) -> AsyncIterator[httpx.AsyncClient]:
    async with in_loop_client(build_app(holder)) as test_client:
        yield test_client
