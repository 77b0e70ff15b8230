"""The `casebook` command: serve, worker, migrate, demo, check and bench."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from casebook.platform.settings import Settings

cli = typer.Typer(help="casebook: fifteen consumer systems on one platform.", no_args_is_help=True,
                  add_completion=False)
console = Console()

AppsOption = typer.Option(None, "--apps", help="Comma-separated app slugs to serve (default: all).")


def _settings(apps: str | None = None) -> Settings:
    if apps:
        os.environ["CASEBOOK_APPS"] = apps  # granian workers are new processes: hand settings over by env
    return Settings.from_env()


@cli.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to bind."),
    port: int = typer.Option(8000, help="Port to bind."),
    workers: int = typer.Option(1, help="Server processes (use >1 only with PostgreSQL, Redis and NATS)."),
    apps: str | None = AppsOption,
    reload: bool = typer.Option(False, help="Restart on code changes (development)."),
) -> None:
    """Serve the API, the UI and (embedded) the background work on http://HOST:PORT."""
    from granian import Granian
    from granian.constants import Interfaces

    settings = _settings(apps)
    if workers > 1 and settings.is_embedded_bus:
        console.print("[yellow]warning:[/] several workers with the in-process bus: each worker delivers its "
                      "own events; use CASEBOOK_BUS_URL=nats://… for more than one process.")
    os.environ.setdefault("CASEBOOK_PUBLIC_URL", f"http://{host}:{port}")
    console.print(f"casebook on http://{host}:{port}  (data: {settings.data_dir}, db: {settings.database_url})")
    Granian(
        "casebook.asgi:app_factory", factory=True, address=host, port=port, workers=workers,
        interface=Interfaces.ASGI, reload=reload, log_access=False, websockets=True,
        reload_paths=[Path(__file__).parent] if reload else None,
    ).serve()


@cli.command()
def worker(apps: str | None = AppsOption) -> None:
    """Consume the bus and run scheduled jobs (one worker at a time holds the scheduler lease)."""
    settings = _settings(apps)
    asyncio.run(_run_worker(settings))


async def _run_worker(settings: Settings) -> None:
    from casebook.apps import select_apps
    from casebook.platform.bootstrap import running_platform
    from casebook.platform.logs import configure_logging

    configure_logging(log_format=settings.log_format, level=settings.log_level)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with running_platform(settings, select_apps(settings.apps), role="worker"):
        console.print("worker running; Ctrl-C to stop")
        await stop.wait()


@cli.command()
def migrate() -> None:
    """Bring the database schema up to date (safe to run from several processes)."""
    from casebook.migrations import upgrade
    from casebook.platform.db.engine import open_database

    async def run() -> None:
        db = open_database(_settings().database_url)
        try:
            await upgrade(db)
        finally:
            await db.dispose()

    asyncio.run(run())
    console.print("schema up to date")


@cli.command()
def demo(apps: str | None = AppsOption) -> None:
    """Fill every served app with realistic sample data."""
    asyncio.run(_run_demo(_settings(apps)))


async def _run_demo(settings: Settings) -> None:
    from rich.progress import Progress

    from casebook.apps import select_apps
    from casebook.migrations import upgrade
    from casebook.platform.bootstrap import running_platform

    selected = [app for app in select_apps(settings.apps) if app.demo is not None]
    async with running_platform(settings, select_apps(settings.apps), role="cli") as platform:
        await upgrade(platform.db)
        await platform.start("worker")  # consumers run, so derived state (feeds, counters) is built
        with Progress(console=console) as progress:
            for app in selected:
                task = progress.add_task(app.title, total=app.demo_steps or None)
                await app.demo(platform, lambda steps, task=task: progress.advance(task, steps))
                progress.update(task, completed=app.demo_steps or 1, total=app.demo_steps or 1)
        await platform.bus.drain(timeout_s=120)
        if not platform.db.is_sqlite:
            # Statistics for the planner now, not whenever autovacuum gets to it: a server started right after
            # a bulk load would otherwise plan its first queries against empty tables.
            async with platform.db.writer.connect() as connection:
                await connection.execution_options(isolation_level="AUTOCOMMIT")
                await connection.exec_driver_sql("ANALYZE")
    if not selected:
        console.print("no served app has demo data yet")


@cli.command()
def check(apps: str | None = AppsOption) -> None:
    """Print which adapter each port uses and whether it is reachable."""
    settings = _settings(apps)

    async def run() -> dict:
        from casebook.apps import select_apps
        from casebook.platform.bootstrap import build_platform

        platform = build_platform(settings, select_apps(settings.apps))
        try:
            return await platform.check()
        finally:
            with contextlib.suppress(Exception):
                await platform.close()

    report = asyncio.run(run())
    table = Table("port", "adapter", "status")
    for port, (url, error) in report.items():
        table.add_row(port, url, "[green]ok[/]" if error is None else f"[red]{error}[/]")
    console.print(table)
    if any(error for _url, error in report.values()):
        raise typer.Exit(1)


@cli.command()
def bench(
    target: str = typer.Argument(..., help="`platform` or an app slug."),
    duration_s: int = typer.Option(10, "--duration", help="Seconds of load per scenario."),
    connections: int = typer.Option(64, help="Concurrent connections of the load generator."),
    workers: int = typer.Option(1, help="Server processes."),
) -> None:
    """Start a server, drive it with wrk from a separate process, report throughput and p50/p99.

    `ledger` benchmarks the ledger engine alone: batched against one-transaction-per-transfer."""
    if target == "ledger":
        from casebook.benchmarks.ledger import run_ledger_benchmark

        run_ledger_benchmark(console)
        return
    from casebook.benchmarks.runner import run_benchmark

    run_benchmark(target, duration_s=duration_s, connections=connections, workers=workers, console=console)


ledger_cli = typer.Typer(help="The double-entry ledger engine.", no_args_is_help=True)
cli.add_typer(ledger_cli, name="ledger")


@ledger_cli.command("verify")
def ledger_verify() -> None:
    """Check every ledger invariant: balanced transactions, balances equal to postings, limits held."""
    from casebook.engines import ledger
    from casebook.platform.bootstrap import running_platform

    async def run():
        async with running_platform(_settings(), role="cli") as platform:
            return await ledger.verify(platform)

    report = asyncio.run(run())
    console.print(f"{report.accounts} accounts, {report.transactions} transactions, {report.entries} entries, "
                  f"{report.pendings_open} open pendings")
    if not report.is_clean:
        for violation in report.violations[:50]:
            console.print(f"[red]violation:[/] {violation}")
        raise typer.Exit(1)
    console.print("[green]ledger verified: no violations[/]")


def main() -> None:
    cli()
