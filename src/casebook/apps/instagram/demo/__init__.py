"""Sample data for `casebook demo`: thousands of people in a heavy-tailed follow graph, posts with generated
photos, likes, comments with replies, saves, stories (live and expired), close friends, private accounts with
pending requests, conversations, and fresh activity for ada.

Fast by construction: the world is planned in memory (`world.plan`), the photos go through the real media
pipeline (`media.accept_upload` + its consumer), and everything else is written in one transaction of
multi-row INSERTs with the demo password hashed once; then counters are set to COUNT(*), the search index is
filled, and a little live activity (likes, comments, follows, DMs for ada) goes through the services so that
its notifications are real. Every demo account signs in with the password `casebook-demo`.

`CASEBOOK_DEMO_INSTAGRAM_PEOPLE` scales it (default 3,000, at least 40), `CASEBOOK_DEMO_INSTAGRAM_ARCHIVE` the
older posts of every poster (default 150: a month to two years old, outside every timeline). Idempotent: once the demo's marker
account exists, a rerun adds nothing.
"""

from __future__ import annotations

import asyncio
import os

from sqlalchemy import func, select

from casebook.apps.instagram import rules
from casebook.apps.instagram.demo import activity, images, writing
from casebook.apps.instagram.demo import world as world_plan
from casebook.apps.instagram.models import ProfileRow
from casebook.engines import media
from casebook.engines.media import limits as media_limits
from casebook.engines.media.models import MediaAssetRow
from casebook.platform.appmodule import DemoProgress
from casebook.platform.bootstrap import Platform
from casebook.platform.identity import passwords
from casebook.platform.identity.models import Account

DEMO_PASSWORD = "casebook-demo"  # the same demo accounts as the other apps: one identity across apps
PEOPLE_ENV = "CASEBOOK_DEMO_INSTAGRAM_PEOPLE"
PEOPLE_DEFAULT = 3_000
ARCHIVE_ENV = "CASEBOOK_DEMO_INSTAGRAM_ARCHIVE"  # older posts per poster (world.ARCHIVE_PER_POSTER by default)
MARKER_USERNAME = world_plan.CELEBRITIES[0]  # written in the one transaction with everything else
UPLOADS_PER_TRANSACTION = 10
MEDIA_WAIT_S = 900.0  # a few hundred photos rendered by one consumer on a busy 2-core machine
MEDIA_POLL_S = 0.25
DEMO_STEPS = 7


def people_count() -> int:
    return max(40, int(os.environ.get(PEOPLE_ENV, PEOPLE_DEFAULT)))


async def load(platform: Platform, progress: DemoProgress) -> None:
    """Load the demo once; a rerun finds the marker and only advances the progress bar."""
    async with platform.reader() as reader:
        done = await reader.session.scalar(select(ProfileRow.account_id).where(
            ProfileRow.username == MARKER_USERNAME))
    if done is not None:
        progress(DEMO_STEPS)
        return
    plan = world_plan.plan(people_count=people_count(), now=platform.clock.now(), archive_per_poster=max(0, int(
        os.environ.get(ARCHIVE_ENV, world_plan.ARCHIVE_PER_POSTER))))
    progress(1)
    account_ids, existing_accounts, existing_profiles = await _account_ids(platform, plan)
    media_ids = await _upload_photos(platform, plan, account_ids)
    progress(1)
    await _wait_until_rendered(platform, media_ids)
    progress(1)
    password_hash = await passwords.hash_password(DEMO_PASSWORD)
    avatars = {index: media_ids[person.images[0]] for index, person in enumerate(plan.people) if person.images}
    async with platform.uow() as uow:
        backdated = writing.BackdatedIds(platform.ids.node_id)
        await writing.write_people(uow, plan, account_ids, existing_account_ids=existing_accounts,
                                   existing_profile_ids=existing_profiles, password_hash=password_hash,
                                   avatars=avatars)
        await writing.write_graph(uow, plan, account_ids, backdated)
        post_ids, place_ids = await writing.write_posts(uow, plan, account_ids, media_ids, backdated)
        await writing.write_stories(uow, plan, account_ids, media_ids, backdated)
        await writing.set_account_counters(uow, account_ids)
    progress(2)
    async with platform.uow() as uow:
        await writing.index_search(uow, plan, account_ids, post_ids, place_ids)
    progress(1)
    await activity.make_activity(platform, plan, account_ids, post_ids)
    progress(1)


async def _account_ids(platform: Platform, plan: world_plan.World) -> tuple[list[int], set[int], set[int]]:
    """An id per planned person: the existing identity account of a shared demo person (another app's demo
    made ada first), a new snowflake otherwise. A planned username someone else already holds gets a suffix."""
    usernames = [person.username for person in plan.people]
    async with platform.reader() as reader:
        taken: dict[str, int] = {}
        for start in range(0, len(usernames), writing.IDS_PER_STATEMENT):
            chunk = usernames[start:start + writing.IDS_PER_STATEMENT]
            taken.update((await reader.session.execute(select(Account.username_normalized, Account.id).where(
                Account.username_normalized.in_(chunk)))).all())
        profiles = set((await reader.session.scalars(select(ProfileRow.account_id).where(
            ProfileRow.account_id.in_(list(taken.values()))))).all())
    ids, existing = [], set()
    for index, person in enumerate(plan.people):
        if person.username in world_plan.KNOWN and person.username in taken:
            ids.append(taken[person.username])
            existing.add(taken[person.username])
            continue
        if person.username in taken:  # a real account holds this generated name: rename the demo person
            person.username = f"{person.username[:rules.USERNAME_CHARS_MAX - 6]}_d{index % 1000:03d}"
        ids.append(platform.ids.next_id())
    return ids, existing, profiles & existing


async def _upload_photos(platform: Platform, plan: world_plan.World, account_ids: list[int]) -> list[int]:
    """Each planned image generated (in a thread, while the media consumer renders the previous ones) and
    accepted as an upload of its owner; the media ids in plan order."""
    media_ids: list[int] = []
    for start in range(0, len(plan.images), UPLOADS_PER_TRANSACTION):
        batch = plan.images[start:start + UPLOADS_PER_TRANSACTION]
        photos = [await asyncio.to_thread(images.photo_jpeg, seed, label=f"#{label}",
                                          height=1350 if seed % 3 == 0 else 1080)
                  for _owner, seed, label in batch]
        async with platform.uow() as uow:
            for (owner, _seed, _label), data in zip(batch, photos, strict=True):
                asset = await media.accept_upload(uow, namespace=rules.NETWORK, owner_id=account_ids[owner],
                                                  data=data, bytes_max=media_limits.IMAGE_BYTES_MAX)
                media_ids.append(asset.id)
    return media_ids


async def _wait_until_rendered(platform: Platform, media_ids: list[int]) -> None:
    async with asyncio.timeout(MEDIA_WAIT_S):
        while True:
            async with platform.reader() as reader:
                pending = 0
                for start in range(0, len(media_ids), writing.IDS_PER_STATEMENT):
                    pending += await reader.session.scalar(select(func.count()).select_from(MediaAssetRow).where(
                        MediaAssetRow.id.in_(media_ids[start:start + writing.IDS_PER_STATEMENT]),
                        MediaAssetRow.state == "processing")) or 0
            if pending == 0:
                return
            platform.bus.wake()
            await asyncio.sleep(MEDIA_POLL_S)
