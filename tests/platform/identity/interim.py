"""TEMPORARY: stand-ins until every port and casebook.asgi import; removed once they do."""

from __future__ import annotations

from typing import Any, AsyncIterator

from litestar import Litestar
from litestar.contrib.jinja import JinjaTemplateEngine
from litestar.di import Provide
from litestar.template import TemplateConfig

from casebook.platform.bootstrap import Platform
from casebook.platform.cache import open_cache
from casebook.platform.clock import Clock
from casebook.platform.db.engine import open_database
from casebook.platform.db.types import Base
from casebook.platform.http.problems import EXCEPTION_HANDLERS
from casebook.platform.identity import models
from casebook.platform.identity.dependencies import identity_dependencies
from casebook.platform.identity.routes import identity_routes
from casebook.platform.ids import IdGenerator
from casebook.web.routes import TEMPLATES_DIR, csrf_middleware, web_routes


class _Bus:
    def wake(self) -> None:
        pass


async def partial_platform(settings: Any) -> Platform:
    platform = object.__new__(Platform)
    db = open_database(settings.database_url)
    for name, value in dict(settings=settings, apps=(), clock=Clock(), ids=IdGenerator(1), db=db,
                            cache=open_cache(settings.cache_url), bus=_Bus()).items():
        object.__setattr__(platform, name, value)
    tables = [models.Account.__table__, models.RefreshToken.__table__, models.Session.__table__]
    async with db.writer.begin() as connection:
        await connection.run_sync(lambda sync: Base.metadata.create_all(sync, tables=tables))
    return platform


def partial_app(platform: Platform) -> Litestar:
    async def provide_uow() -> AsyncIterator[Any]:
        async with platform.uow() as uow:
            yield uow

    async def provide_reader() -> AsyncIterator[Any]:
        async with platform.reader() as uow:
            yield uow

    return Litestar(
        route_handlers=[*identity_routes, *web_routes],
        dependencies={"platform": Provide(lambda: platform, use_cache=True, sync_to_thread=False),
                      "uow": Provide(provide_uow), "reader": Provide(provide_reader), **identity_dependencies},
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        middleware=[csrf_middleware],
        template_config=TemplateConfig(directory=[TEMPLATES_DIR], engine=JinjaTemplateEngine),
        state={"platform": platform},
    )
