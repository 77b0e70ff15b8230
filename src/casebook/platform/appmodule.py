"""The manifest every product package exposes: what the platform mounts, migrates and runs for it."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, Any, Awaitable, Callable, Sequence

from casebook.platform.bus.events import Consumer, Event
from casebook.platform.scheduler import Job

if TYPE_CHECKING:
    from casebook.platform.bootstrap import Platform

DemoProgress = Callable[[int], None]  # advance the progress bar by n steps
Demo = Callable[["Platform", DemoProgress], Awaitable[None]]
StartupHook = Callable[["Platform"], Awaitable[None]]
# Called in the committing process right after every commit that staged events, with those events, before the
# unit of work's own after-commit callbacks: for what must follow a change before its request answers
# (dependency tokens of kept pages), where a bus consumer would lag. Failures are logged, never raised.
CommitListener = Callable[["Platform", Sequence[Event]], Awaitable[None]]


@dataclasses.dataclass(frozen=True, kw_only=True)
class BenchScenario:
    """One request mix for the load generator: a method and path, with headers and a body.

    `lua`, when given, is a whole wrk script (it defines `request()`), for workloads whose every request
    differs (a new Idempotency-Key, another sender); method, headers and body then serve the one check
    request sent before the load."""

    name: str
    method: str = "GET"
    path: str = "/"
    headers: dict[str, str] = dataclasses.field(default_factory=dict)
    body: bytes | None = None
    lua: str | None = None


BenchSetup = Callable[[str], Awaitable[Sequence[BenchScenario]]]  # base URL -> scenarios


@dataclasses.dataclass(frozen=True, kw_only=True)
class AppModule:
    slug: str
    title: str
    description: str
    api_routes: Sequence[Any] = ()  # Litestar controllers/handlers mounted under /api/<slug>
    ui_routes: Sequence[Any] = ()  # mounted under /<slug>
    template_dir: Path | None = None
    static_dir: Path | None = None  # served at /static/<slug>/ (scripts: the CSP forbids inline ones)
    model_modules: Sequence[str] = ()  # imported so Alembic sees this app's tables
    consumers: Sequence[Consumer] = ()
    jobs: Sequence[Job] = ()
    on_startup: Sequence[StartupHook] = ()
    commit_listeners: Sequence[CommitListener] = ()
    demo: Demo | None = None
    demo_steps: int = 0  # length of the demo's progress bar
    bench: BenchSetup | None = None
    # Unsafe routes (paths under api_prefix) that keep their Idempotency-Key in their own transaction and
    # answer retries from it; the generic idempotency middleware lets them through.
    self_idempotent_paths: Sequence[str] = ()
    # OpenAPI security schemes the app's operations name besides the platform's bearer token
    # (e.g. a partner's key), as litestar.openapi.spec.SecurityScheme values by scheme name.
    openapi_security_schemes: dict[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def api_prefix(self) -> str:
        return f"/api/{self.slug}"

    @property
    def ui_prefix(self) -> str:
        return f"/{self.slug}"
