"""The benchmark runner's refusals and its JSON results (the load itself runs in `casebook bench`)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console

from casebook.benchmarks import runner
from casebook.platform.appmodule import AppModule


def _console() -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, width=200), out


def test_an_app_without_a_workload_exits_1_saying_so(monkeypatch: pytest.MonkeyPatch) -> None:
    console, out = _console()
    quiet = AppModule(slug="quiet", title="Quiet", description="an app with no bench workload")
    monkeypatch.setattr(runner, "ALL_APPS", (*runner.ALL_APPS, quiet))

    with pytest.raises(SystemExit) as exit_info:
        runner.run_benchmark("quiet", duration_s=1, connections=1, workers=1, console=console)

    assert exit_info.value.code == 1
    assert "quiet: no workload" in out.getvalue()


def test_an_unknown_target_exits_2_listing_the_known_ones() -> None:
    console, out = _console()

    with pytest.raises(SystemExit) as exit_info:
        runner.run_benchmark("nosuchapp", duration_s=1, connections=1, workers=1, console=console)

    assert exit_info.value.code == 2
    assert "known: platform, guestbook" in out.getvalue()


def test_an_unknown_backend_kind_exits_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(runner.BACKENDS_ENV, "cloud")
    console, out = _console()

    with pytest.raises(SystemExit) as exit_info:
        runner.run_benchmark("platform", duration_s=1, connections=1, workers=1, console=console)

    assert exit_info.value.code == 2
    assert "embedded, distributed" in out.getvalue()


def test_writes_a_timestamped_and_a_latest_copy_of_the_report(tmp_path: Path) -> None:
    report = {"target": "platform", "backend": "embedded", "started_at": "2026-01-02T03:04:05.678+00:00",
              "scenarios": []}

    paths = runner.write_report(report, tmp_path / "results")

    assert [path.name for path in paths] == ["platform-embedded-20260102T030405Z.json",
                                             "platform-embedded-latest.json"]
    assert [json.loads(path.read_text()) for path in paths] == [report, report]


def test_results_go_to_the_checkout_unless_overridden(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(runner.RESULTS_DIR_ENV, raising=False)
    assert runner.results_dir() == Path(__file__).resolve().parents[2] / "bench" / "results"

    monkeypatch.setenv(runner.RESULTS_DIR_ENV, str(tmp_path))
    assert runner.results_dir() == tmp_path
