"""Test fixtures: every port test runs on the embedded adapters, and on the real PostgreSQL,
Redis and NATS when CASEBOOK_TEST_BACKENDS=all (then a missing service fails, never skips)."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path
from typing import AsyncIterator

import pytest

from casebook.platform.settings import Settings
from tests.backends import (
    DISTRIBUTED,
    delete_test_stream,
    distributed_settings,
    migrated_sqlite_template,
    reset_distributed,
)

TEST_SECRET_KEY = "test-secret-key-0123456789abcdef0123456789abcdef"


def backend_names() -> list[str]:
    return ["embedded", "distributed"] if DISTRIBUTED else ["embedded"]


@pytest.fixture(params=backend_names())
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


def embedded_settings(tmp_path: Path, **changes: object) -> Settings:
    return Settings(data_dir=tmp_path / "var", secret_key=TEST_SECRET_KEY, **changes)  # type: ignore[arg-type]


@pytest.fixture
async def settings(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[Settings]:
    """Settings for one test on the chosen backend, with its state wiped: a copy of a migrated SQLite
    database, or the worker's PostgreSQL database with its tables emptied (`@pytest.mark.fresh_schema`: an
    empty database, for tests of the migrations themselves)."""
    fresh_schema = request.node.get_closest_marker("fresh_schema") is not None
    if backend == "embedded":
        settings = embedded_settings(tmp_path)
        if not fresh_schema:
            target = Path(settings.database_url.removeprefix("sqlite+aiosqlite:///"))
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(await migrated_sqlite_template(), target)
        yield settings
        return
    settings = distributed_settings(tmp_path, secret_key=TEST_SECRET_KEY, run_id=uuid.uuid4().hex[:10])
    await reset_distributed(settings, fresh_schema=fresh_schema)
    yield settings
    await delete_test_stream(settings)


@pytest.fixture
async def platform(settings: Settings) -> AsyncIterator[object]:
    """A migrated platform with its background work (relay, consumers, scheduler) running."""
    from casebook.migrations import upgrade
    from casebook.platform.bootstrap import running_platform
    from tests.apps_under_test import TEST_APPS

    async with running_platform(settings, TEST_APPS, role="cli") as platform:
        await upgrade(platform.db)
        await platform.start("worker")  # relay, consumers and scheduler in this process, on either bus
        yield platform


@pytest.fixture
async def client(platform: object) -> AsyncIterator[object]:
    """An HTTP client on the whole ASGI app, over the `platform` fixture."""
    import httpx

    from casebook.asgi import create_app

    # ASGITransport runs the app in this test's event loop, beside the platform's background work
    # (Litestar's AsyncTestClient runs it in another thread, where it can wait on SQLite's writer forever).
    transport = httpx.ASGITransport(app=create_app(platform=platform))  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


def pytest_report_header(config: pytest.Config) -> str:
    return f"casebook backends: {', '.join(backend_names())}"


os.environ.setdefault("CASEBOOK_LOG_LEVEL", "WARNING")
