"""SQL of posts that must be race-safe on SQLite and PostgreSQL alike: inserts that may meet a duplicate,
and counters moved by `SET n = n + k` in the statement (never read-modify-write in Python)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from casebook.apps.instagram.models import HashtagRow, PlaceRow, PostHashtagRow, PostRow, ProfileRow
from casebook.platform.uow import UnitOfWork


def insert_for(session: AsyncSession, model: Any) -> Any:
    """The dialect's INSERT, which has ON CONFLICT on both."""
    return (postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert)(model)


async def insert_once(uow: UnitOfWork, model: Any, values: dict[str, Any], *, key: Any) -> bool:
    """INSERT ... ON CONFLICT DO NOTHING: True only when this statement inserted the row."""
    statement = insert_for(uow.session, model).values(**values).on_conflict_do_nothing().returning(key)
    return (await uow.session.execute(statement)).first() is not None


async def bump_post(uow: UnitOfWork, post_id: int, **deltas: int) -> None:
    """Move a post's counters (like_count=+1, ...) in one UPDATE."""
    values = {name: getattr(PostRow, name) + delta for name, delta in deltas.items()}
    await uow.session.execute(update(PostRow).where(PostRow.id == post_id).values(**values)
                              .execution_options(synchronize_session=False))


async def bump_posts_count(uow: UnitOfWork, account_id: int, delta: int) -> None:
    await uow.session.execute(update(ProfileRow).where(ProfileRow.account_id == account_id)
                              .values(posts_count=ProfileRow.posts_count + delta)
                              .execution_options(synchronize_session=False))


async def add_hashtags(uow: UnitOfWork, post_id: int, tags: Iterable[str]) -> None:
    """Link the post to each tag and count it, creating tags on first use (sorted: a fixed lock order)."""
    now = uow.now()
    for tag in sorted(set(tags)):
        statement = insert_for(uow.session, HashtagRow).values(tag=tag, post_count=1, created_at=now)
        await uow.session.execute(statement.on_conflict_do_update(
            index_elements=["tag"], set_={"post_count": HashtagRow.post_count + 1}))
        uow.session.add(PostHashtagRow(tag=tag, post_id=post_id))
    await uow.session.flush()


async def remove_hashtags(uow: UnitOfWork, post_id: int, tags: Iterable[str]) -> None:
    """Unlink the post from each tag and uncount it (an edit dropped the tag, or the post was deleted)."""
    wanted = sorted(set(tags))
    if not wanted:
        return
    await uow.session.execute(update(HashtagRow).where(HashtagRow.tag.in_(wanted))
                              .values(post_count=HashtagRow.post_count - 1)
                              .execution_options(synchronize_session=False))
    await uow.session.execute(delete(PostHashtagRow).where(PostHashtagRow.post_id == post_id,
                                                           PostHashtagRow.tag.in_(wanted)))


async def bump_place(uow: UnitOfWork, place_id: int, delta: int) -> None:
    await uow.session.execute(update(PlaceRow).where(PlaceRow.id == place_id)
                              .values(post_count=PlaceRow.post_count + delta)
                              .execution_options(synchronize_session=False))


async def place_for(uow: UnitOfWork, *, key: str, name: str, latitude: float | None,
                    longitude: float | None) -> int:
    """The id of the place with this key, created (with a zero count) on first use; racing creators meet."""
    await uow.session.execute(insert_for(uow.session, PlaceRow).values(
        id=uow.new_id(), name=name, place_key=key, latitude=latitude, longitude=longitude, post_count=0,
        created_at=uow.now()).on_conflict_do_nothing(index_elements=["place_key"]))
    place_id = await uow.session.scalar(select(PlaceRow.id).where(PlaceRow.place_key == key))
    assert place_id is not None
    return place_id
