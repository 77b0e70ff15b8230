"""CashApp fixtures: every test ends with the ledger's verify() finding zero violations."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from casebook.engines import ledger
from casebook.platform.bootstrap import Platform


@pytest.fixture(autouse=True)
async def ledger_verified(platform: Platform) -> AsyncIterator[None]:
    """After each test: the whole ledger balances, every balance matches its postings, none is overdrawn."""
    yield
    await ledger.stop_writers(platform)
    report = await ledger.verify(platform)
    assert report.violations == []
