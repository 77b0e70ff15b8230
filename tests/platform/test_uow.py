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


async def test_commit_listeners_get_a_commits_events_and_a_failing_one_breaks_nothing(settings) -> None:
    from casebook.migrations import upgrade
    from casebook.platform.appmodule import AppModule
    from casebook.platform.bootstrap import running_platform

    heard: list[list[str]] = []

    async def listener(_platform, events) -> None:
        heard.append([event.subject for event in events])

    async def broken(_platform, _events) -> None:
        raise RuntimeError("listener failed")  # logged; the commit stands, the others still hear it

    ran: list[str] = []

    async def committed() -> None:
        ran.append("commit")

    probe = AppModule(slug="probe", title="Probe", description="", commit_listeners=[broken, listener])
    async with running_platform(settings, [probe], role="cli") as platform:
        await upgrade(platform.db)
        async with platform.uow() as uow:
            uow.publish("casebook.probe.one", {})
            uow.publish("casebook.probe.two", {})
            uow.after_commit(committed)
            assert heard == []
        async with platform.uow():
            pass  # nothing staged: listeners are not called
        with pytest.raises(LookupError):
            async with platform.uow() as uow:
                uow.publish("casebook.probe.lost", {})
                raise LookupError("rolled back")

    assert heard == [["casebook.probe.one", "casebook.probe.two"]]
    assert ran == ["commit"]
