"""The `casebook` command: migrate, check and demo on a fresh data directory."""

import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from casebook.cli import cli


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data_dir = tmp_path / "var"
    monkeypatch.setenv("CASEBOOK_DATA_DIR", str(data_dir))
    monkeypatch.setenv("CASEBOOK_APPS", "")  # `--apps` writes it for granian workers; undone after the test
    monkeypatch.chdir(tmp_path)
    return data_dir


def test_migrate_then_check_reports_every_port_reachable(env: Path) -> None:
    runner = CliRunner()

    migrated = runner.invoke(cli, ["migrate"])
    checked = runner.invoke(cli, ["check"])

    assert migrated.exit_code == 0, migrated.output
    assert checked.exit_code == 0, checked.output
    for port in ("database", "cache", "bus", "blobs", "search", "realtime", "geo"):
        assert port in checked.output
    assert "memory://" in checked.output
    tables = {row[0] for row in sqlite3.connect(env / "casebook.db").execute("SELECT name FROM sqlite_master")}
    assert {"identity_accounts", "bus_outbox", "guestbook_entries"} <= tables


def test_check_fails_when_a_backend_is_unreachable(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASEBOOK_CACHE_URL", "redis://127.0.0.1:1/0")  # nothing listens on port 1

    checked = CliRunner().invoke(cli, ["check"])

    assert checked.exit_code == 1
    assert "redis://127.0.0.1:1/0" in checked.output


def test_demo_fills_the_served_apps(env: Path) -> None:
    result = CliRunner().invoke(cli, ["demo", "--apps", "guestbook"])

    assert result.exit_code == 0, result.output
    count = sqlite3.connect(env / "casebook.db").execute("SELECT count(*) FROM guestbook_entries").fetchone()[0]
    assert count > 0


def test_unknown_apps_are_refused_with_the_known_list(env: Path) -> None:
    result = CliRunner().invoke(cli, ["demo", "--apps", "nope"])

    assert result.exit_code != 0
    assert "unknown app(s): nope" in str(result.exception)


def test_ledger_verify_passes_on_a_fresh_ledger(env: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["migrate"]).exit_code == 0

    result = runner.invoke(cli, ["ledger", "verify"])

    assert result.exit_code == 0, result.output
    assert "no violations" in result.output
