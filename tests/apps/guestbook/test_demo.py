from sqlalchemy import func, select

from casebook.apps.guestbook import demo
from casebook.apps.guestbook.models import EntryRow, ReceiptRow


async def count(platform, table) -> int:
    async with platform.db.read() as session:
        return (await session.execute(select(func.count()).select_from(table))).scalar_one()


async def test_demo_fills_the_book_once_and_its_events_are_consumed(platform) -> None:
    steps: list[int] = []

    await demo.load(platform, steps.append)
    await demo.load(platform, steps.append)  # a second run adds nothing
    await platform.bus.drain()

    expected = len(demo.SIGNERS) * demo.ENTRIES_PER_SIGNER
    assert await count(platform, EntryRow) == expected
    assert await count(platform, ReceiptRow) == expected
    assert sum(steps) == 2 * demo.DEMO_STEPS
