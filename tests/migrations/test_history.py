"""One migration history that builds exactly the tables the models declare, on both dialects."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from casebook.migrations import alembic_config, current_revision, head_revision, load_models, upgrade
from casebook.platform.db.engine import open_database


def test_the_history_is_one_line() -> None:
    script = ScriptDirectory.from_config(alembic_config())

    assert len(script.get_heads()) == 1
    assert len(script.get_bases()) == 1


@pytest.mark.fresh_schema
async def test_migrations_match_the_models_and_are_idempotent(settings) -> None:
    db = open_database(settings.database_url)
    try:
        await upgrade(db)
        await upgrade(db)  # a second start changes nothing
        assert await current_revision(db) == head_revision()
        metadata = load_models().metadata

        async with db.reader.connect() as connection:
            diff = await connection.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync, opts={"compare_type": False}),
                                              metadata))
    finally:
        await db.dispose()

    # Objects created only by migrations (FTS5 shadow tables, tsvector columns) are not in the models.
    diff = [change for change in diff if not _is_search_internals(change)]
    assert diff == []


def _is_search_internals(change: object) -> bool:
    text = repr(change)
    return "search_fts" in text or "search_vector" in text or "ix_search_documents_vector" in text
