"""PerPlatform: state created once per platform on first use, dropped when its platform closes."""

from __future__ import annotations

from casebook.platform.state import PerPlatform


class _Platform:
    """What PerPlatform needs of a Platform: on_close, run by close()."""

    def __init__(self) -> None:
        self.closers: list = []

    def on_close(self, callback) -> None:
        self.closers.append(callback)

    async def close(self) -> None:
        for closer in reversed(self.closers):
            await closer()


async def test_state_is_created_once_per_platform_and_dropped_when_it_closes() -> None:
    created: list[object] = []
    states = PerPlatform(lambda platform: created.append(platform) or {"of": platform})  # holds its platform
    first, second = _Platform(), _Platform()

    assert states.get(first) is None
    assert states.of(first) is states.of(first)
    assert states.of(second)["of"] is second
    assert created == [first, second]

    await first.close()
    assert states.get(first) is None and states.get(second) == {"of": second}
    assert states.pop(second) == {"of": second} and states.get(second) is None
