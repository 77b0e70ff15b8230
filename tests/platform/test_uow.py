"""The unit of work's callbacks: after a commit, or after a failed transaction, never both."""

from __future__ import annotations

import pytest


async def test_after_commit_callbacks_run_once_the_transaction_committed(platform) -> None:
    ran: list[str] = []

    async def committed() -> None:
        ran.append("commit")

    async def rolled_back() -> None:
        ran.append("rollback")

    async with platform.uow() as uow:
        uow.after_commit(committed)
        uow.after_rollback(rolled_back)
        assert ran == []

    assert ran == ["commit"]


async def test_after_rollback_callbacks_run_when_the_transaction_fails_and_the_error_stands(platform) -> None:
    ran: list[str] = []

    async def committed() -> None:
        ran.append("commit")

    async def rolled_back() -> None:
        ran.append("rollback")

    async def broken_cleanup() -> None:
        raise RuntimeError("cleanup failed")  # logged; the next callback still runs, the first error stands

    with pytest.raises(LookupError):
        async with platform.uow() as uow:
            uow.after_commit(committed)
            uow.after_rollback(broken_cleanup)
            uow.after_rollback(rolled_back)
            raise LookupError("a later step failed")

    assert ran == ["rollback"]
