"""`casebook bench ledger`: transfers per second through the batching writer against one transaction each."""

from __future__ import annotations

import asyncio
import gc
import json
import os
import platform as python_platform
import random
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
from rich.console import Console
from rich.table import Table

import casebook
from casebook.benchmarks.backends import POSTGRES_ADMIN_DSN_DEFAULT
from casebook.benchmarks.runner import results_dir
from casebook.engines import ledger
from casebook.engines.ledger import writer as ledger_writer
from casebook.migrations import upgrade
from casebook.platform.bootstrap import Platform, build_platform
from casebook.platform.settings import Settings

ACCOUNTS = 1_000
SUBMITTERS = 256  # concurrent tasks, as many requests in flight as a busy API process would have
FUNDING_MINOR = 1_000_000_00  # per wallet: refusals stay rare, so both modes do the same work
TRANSFER_MINOR_MAX = 1_000
BASELINE_SHARE = 4  # the one-by-one baseline runs 1/4 of the transfers: its rate is what matters
SPEEDUP_AIM = 10.0
TIGERBEETLE_NOTE = ("TigerBeetle (anchors.md §3): ~301,887 transfers/s in batches of 8,189 (PR #3021, p50 22 ms); "
                    "one process ~48K/s vs PostgreSQL 3,356/s on the same Mac Mini (backend.how)")


def run_ledger_benchmark(console: Console, *, transfers: int = 20_000,
                         backends: Sequence[str] = ("sqlite", "postgresql")) -> dict[str, Any]:
    """Run on each backend (a fresh SQLite file, a fresh PostgreSQL database), print a table, write JSON."""
    report: dict[str, Any] = {
        "target": "ledger", "started_at": datetime.now(UTC).isoformat(), "casebook_version": casebook.__version__,
        "machine": {"cpu_count": os.cpu_count(), "python": sys.version.split()[0],
                    "platform": python_platform.platform()},
        "transfers": transfers, "accounts": ACCOUNTS, "submitters": SUBMITTERS, "backends": {},
        "reference": TIGERBEETLE_NOTE,
    }
    for backend in backends:
        console.print(f"ledger benchmark on {backend}: {transfers:,} transfers among {ACCOUNTS:,} accounts …")
        report["backends"][backend] = asyncio.run(_run_backend(backend, transfers=transfers))
    _print(report, console)
    paths = _write(report, results_dir())
    console.print(f"results: {', '.join(str(path) for path in paths)}")
    return report


async def _run_backend(backend: str, *, transfers: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="casebook-bench-ledger-") as tmp:
        database_name = None
        if backend == "postgresql":
            database_name = f"casebook_bench_ledger_{secrets.token_hex(4)}"
            await _admin(f'CREATE DATABASE "{database_name}"')
            url = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{database_name}"
        elif backend == "sqlite":
            url = f"sqlite+aiosqlite:///{Path(tmp) / 'ledger.db'}"
        else:
            raise ValueError(f"unknown backend {backend!r}: use sqlite or postgresql")
        settings = Settings(data_dir=Path(tmp) / "var", database_url=url, secret_key=secrets.token_urlsafe(32),
                            run_background=False, log_level="WARNING")
        platform = build_platform(settings)
        try:
            await upgrade(platform.db)
            wallets = await _open_wallets(platform)
            batched = await _measure(platform, wallets, transfers=transfers, batch=True, seed=1)
            batched["batches"] = ledger_writer.batches_committed(platform)
            baseline = await _measure(platform, wallets, transfers=max(transfers // BASELINE_SHARE, 1),
                                      batch=False, seed=2)
            await ledger.stop_writers(platform)
            report = await ledger.verify(platform)
        finally:
            await platform.close()
            if database_name:
                await _admin(f'DROP DATABASE IF EXISTS "{database_name}" WITH (FORCE)')
    return {"batched": batched, "one_by_one": baseline,
            "speedup": round(batched["transfers_per_s"] / baseline["transfers_per_s"], 1),
            "verify": {"transactions": report.transactions, "violations": len(report.violations)}}


async def _admin(sql: str) -> None:
    connection = await asyncpg.connect(os.environ.get("CASEBOOK_TEST_POSTGRES", POSTGRES_ADMIN_DSN_DEFAULT))
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


async def _open_wallets(platform: Platform) -> list[ledger.Account]:
    async with platform.uow() as uow:
        world = await ledger.open_account(uow, code="world:USD", currency="USD", normal_side="debit")
        wallets = [await ledger.open_account(uow, code=f"wallet:{index}", currency="USD", normal_side="credit",
                                             debits_must_not_exceed_credits=True) for index in range(ACCOUNTS)]
    funding = [ledger.Transfer(key=f"fund:{wallet.id}", legs=(
        ledger.Leg(account_id=world.id, side="debit", amount_minor=FUNDING_MINOR, currency="USD"),
        ledger.Leg(account_id=wallet.id, side="credit", amount_minor=FUNDING_MINOR, currency="USD")))
        for wallet in wallets]
    results = await ledger.submit(platform, funding)
    assert all(result.is_ok for result in results)
    return wallets


async def _measure(platform: Platform, wallets: list[ledger.Account], *, transfers: int, batch: bool,
                   seed: int) -> dict[str, Any]:
    """SUBMITTERS tasks, each submitting its share one request at a time and timing each submit."""
    rng = random.Random(seed)
    requests = []
    for index in range(transfers):
        source, target = rng.sample(wallets, 2)
        amount = rng.randint(1, TRANSFER_MINOR_MAX)
        requests.append(ledger.Transfer(key=f"bench:{seed}:{index}", legs=(
            ledger.Leg(account_id=source.id, side="debit", amount_minor=amount, currency="USD"),
            ledger.Leg(account_id=target.id, side="credit", amount_minor=amount, currency="USD"))))
    latencies_s: list[float] = []
    refused = 0

    async def submitter(share: list[ledger.Transfer]) -> None:
        nonlocal refused
        for request in share:
            started = time.perf_counter()
            [result] = await ledger.submit(platform, [request], batch=batch)
            latencies_s.append(time.perf_counter() - started)
            refused += not result.is_ok

    # As the server does once started (asgi.py): what exists by now (modules, mappers, the platform, the prepared
    # requests) lives on, so full collections stop walking it. Measured: four full collections of ~140 ms each in
    # a 20,000-transfer run, ~15 % of batched time; the one-by-one baseline paid them too, in a longer run.
    gc.freeze()
    started = time.perf_counter()
    await asyncio.gather(*(submitter(requests[index::SUBMITTERS]) for index in range(SUBMITTERS)))
    elapsed_s = time.perf_counter() - started
    percentiles = statistics.quantiles(latencies_s, n=100)
    return {"transfers": transfers, "refused": refused, "seconds": round(elapsed_s, 3),
            "transfers_per_s": round(transfers / elapsed_s, 1),
            "latency_ms": {"p50": round(percentiles[49] * 1000, 2), "p99": round(percentiles[98] * 1000, 2)}}


def _print(report: dict[str, Any], console: Console) -> None:
    table = Table(title=f"casebook bench ledger ({report['transfers']:,} transfers, {SUBMITTERS} submitters, "
                        f"{ACCOUNTS:,} accounts)")
    for column in ("backend", "mode", "transfers", "transfers/s", "p50 ms", "p99 ms", "batches", "speedup"):
        table.add_column(column, justify="left" if column in ("backend", "mode") else "right")
    for backend, result in report["backends"].items():
        for mode in ("batched", "one_by_one"):
            row = result[mode]
            speedup = result["speedup"]
            verdict = f"[green]{speedup}×[/]" if speedup >= SPEEDUP_AIM else f"[yellow]{speedup}×[/]"
            table.add_row(backend, mode, f"{row['transfers']:,}", f"{row['transfers_per_s']:,.0f}",
                          f"{row['latency_ms']['p50']:.1f}", f"{row['latency_ms']['p99']:.1f}",
                          str(row.get("batches", "-")), verdict if mode == "batched" else "")
    console.print(table)
    for backend, result in report["backends"].items():
        violations = result["verify"]["violations"]
        colour = "green" if violations == 0 else "red"
        console.print(f"{backend}: verify over {result['verify']['transactions']:,} transactions: "
                      f"[{colour}]{violations} violations[/]")
    console.print(report["reference"])


def _write(report: dict[str, Any], directory: Path) -> list[Path]:
    """ledger-<UTC timestamp>.json and ledger-latest.json, same content."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.fromisoformat(report["started_at"]).strftime("%Y%m%dT%H%M%SZ")
    text = json.dumps(report, indent=2) + "\n"
    paths = [directory / f"ledger-{stamp}.json", directory / "ledger-latest.json"]
    for path in paths:
        path.write_text(text)
    return paths
