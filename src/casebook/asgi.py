"""Composes the served apps, the web shell and the platform into one ASGI application."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import AsyncIterator, Sequence

from litestar import Litestar, Router
from litestar.contrib.jinja import JinjaTemplateEngine
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.openapi.spec import Components
from litestar.static_files import create_static_files_router
from litestar.template import TemplateConfig

import casebook
from casebook.apps import select_apps
from casebook.migrations import current_revision, head_revision, upgrade
from casebook.platform.appmodule import AppModule
from casebook.platform.blobs.routes import blob_routes
from casebook.platform.bootstrap import Platform, build_platform
from casebook.platform.http.edge import EdgeMiddleware, Metrics
from casebook.platform.http.health import health_routes
from casebook.platform.http.openapi import document_problems
from casebook.platform.http.problems import EXCEPTION_HANDLERS
from casebook.platform.idempotency.middleware import IdempotencyMiddleware
from casebook.platform.identity.dependencies import identity_dependencies
from casebook.platform.identity.routes import identity_routes
from casebook.platform.logs import configure_logging
from casebook.platform.realtime.routes import realtime_routes
from casebook.platform.settings import Settings
from casebook.platform.uow import UnitOfWork
from casebook.web.routes import csrf_middleware, web_routes

DOCS_ASSETS = Path(__file__).parent / "platform" / "http" / "docs_assets"
WEB_TEMPLATES = Path(__file__).parent / "web" / "templates"


def create_app(settings: Settings | None = None, apps: Sequence[AppModule] | None = None, *,
               platform: Platform | None = None) -> Litestar:
    """The whole application. Given a `platform`, the caller owns its lifecycle (tests);
    otherwise the app builds one from `settings`, migrates if asked, and starts its background work."""
    owns_platform = platform is None
    if platform is None:
        settings = (settings or Settings.from_env()).with_secret_key()
        configure_logging(log_format=settings.log_format, level=settings.log_level)
        platform = build_platform(settings, select_apps(settings.apps) if apps is None else apps)
    metrics = Metrics()

    async def provide_uow() -> AsyncIterator[UnitOfWork]:
        async with platform.uow() as uow:
            yield uow

    async def provide_reader() -> AsyncIterator[UnitOfWork]:
        async with platform.reader() as uow:
            yield uow

    async def start() -> None:
        if owns_platform:
            await _prepare_schema(platform)
            await platform.start("serve")
            # What is loaded by now (modules, mappers, routes, compiled statements) lives as long as the process:
            # take it out of the cyclic collector's sight. Otherwise every full collection walks all of it,
            # pausing a busy worker for 60-170 ms (measured), which was the whole p99 of a feed page.
            gc.freeze()

    async def stop() -> None:
        if owns_platform:
            await platform.close()

    app = Litestar(
        route_handlers=[
            *health_routes,
            *identity_routes,
            *blob_routes,
            *realtime_routes,
            *web_routes,
            create_static_files_router(path="/api/docs/assets", directories=[DOCS_ASSETS], include_in_schema=False),
            *_app_routers(platform.apps),
        ],
        dependencies={
            "platform": Provide(lambda: platform, use_cache=True, sync_to_thread=False),
            "metrics_registry": Provide(lambda: metrics.registry, use_cache=True, sync_to_thread=False),
            "uow": Provide(provide_uow),
            "reader": Provide(provide_reader),
            **identity_dependencies,
        },
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        middleware=[csrf_middleware],
        template_config=TemplateConfig(
            directory=[WEB_TEMPLATES, *(app.template_dir for app in platform.apps if app.template_dir)],
            engine=JinjaTemplateEngine,
        ),
        openapi_config=OpenAPIConfig(
            title="casebook",
            version=casebook.__version__,
            description="Every served app's API. Errors are RFC 9457 problem+json.",
            path="/api/docs",
            components=Components(security_schemes={
                name: scheme for app_module in platform.apps
                for name, scheme in app_module.openapi_security_schemes.items()}),
            render_plugins=[SwaggerRenderPlugin(
                path="/",
                js_url="/api/docs/assets/swagger-ui-bundle.js",
                css_url="/api/docs/assets/swagger-ui.css",
                standalone_preset_js_url="/api/docs/assets/swagger-ui-standalone-preset.js",
            )],
        ),
        request_max_body_size=platform.settings.request_body_bytes_max,
        on_startup=[start],
        on_shutdown=[stop],
        state={"platform": platform},
        debug=False,
    )
    document_problems(app.openapi_schema)
    exempt_paths = frozenset(app_module.api_prefix + path.rstrip("/") for app_module in platform.apps
                             for path in app_module.self_idempotent_paths)
    app.asgi_handler = EdgeMiddleware(IdempotencyMiddleware(app.asgi_handler, platform, exempt_paths=exempt_paths),
                                      metrics,
                                      access_log=platform.settings.access_log)
    return app


def app_factory() -> Litestar:
    """Entry point for `granian --factory casebook.asgi:app_factory` (settings from the environment)."""
    return create_app()


def _app_routers(apps: Sequence[AppModule]) -> list[Router]:
    routers: list[Router] = []
    for app in apps:
        if app.static_dir:  # pages load scripts from here: the CSP allows no inline script
            routers.append(create_static_files_router(path=f"/static/{app.slug}", directories=[app.static_dir],
                                                      include_in_schema=False))
        if app.api_routes:
            routers.append(Router(path=app.api_prefix, route_handlers=list(app.api_routes), tags=[app.slug]))
        if app.ui_routes:
            routers.append(Router(path=app.ui_prefix, route_handlers=list(app.ui_routes), include_in_schema=False))
    return routers


async def _prepare_schema(platform: Platform) -> None:
    """Embedded mode migrates on start; distributed processes expect `casebook migrate` to have run."""
    settings = platform.settings
    should_migrate = settings.migrate_on_start if settings.migrate_on_start is not None else platform.db.is_sqlite
    if should_migrate:
        await upgrade(platform.db)
        return
    current, head = await current_revision(platform.db), head_revision()
    if current != head:
        raise RuntimeError(f"database schema is at {current!r}, code expects {head!r}: run `casebook migrate`")
