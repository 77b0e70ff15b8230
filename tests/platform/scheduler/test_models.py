"""The scheduler's migration creates exactly the tables its models declare."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from casebook.migrations import load_models, upgrade
from casebook.platform.db.engine import open_database
from casebook.platform.settings import Settings


async def test_migration_matches_the_scheduler_models(settings: Settings) -> None:
    db = open_database(settings.database_url)
    try:
        await upgrade(db)
        metadata = load_models().metadata

        def differences(connection) -> list:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return [
                difference
                for difference in compare_metadata(context, metadata)
                if "scheduler_" in repr(difference)
            ]

        async with db.writer.connect() as connection:
            assert await connection.run_sync(differences) == []
    finally:
        await db.dispose()


def test_an_engine_job_listed_by_two_apps_is_scheduled_once(tmp_path) -> None:
    from casebook.platform.appmodule import AppModule
    from casebook.platform.bootstrap import build_platform
    from casebook.platform.scheduler import Job
    from casebook.platform.settings import Settings

    async def handler(uow, payload) -> None:  # noqa: ANN001
        return None

    shared = Job(name="engine.sweep", handler=handler, every_s=5)
    apps = [AppModule(slug=slug, title=slug, description=slug, jobs=[shared]) for slug in ("one", "two")]

    platform = build_platform(Settings(data_dir=tmp_path, secret_key="k" * 40), apps)

    assert sorted(platform.scheduler.job_names) == ["engine.sweep", "platform.prune_idempotency"]
