"""`casebook bench <target>`: a fresh server on throwaway backends, wrk load per scenario, a table and JSON.

An app's workload (its AppModule.bench) may carry optional attributes the runner honours:
- `needs_demo = True`: `casebook demo --apps <slug>` loads the app's demo data into the run's backends before
  the server starts (CASEBOOK_DEMO_* variables of this environment are passed on, to scale it);
- `extra_loads = (("feed", 8), ...)`: the named scenario runs again at that many connections ("feed@c8");
- `ratio_aims = {"feed_over_bare": 0.33}`: with a scenario named "bare", every other scenario's throughput is
  reported over it ("<name>_over_bare"), next to these aims;
- `p99_aims_ms = {"feed@c8": 20.0}`: latency aims per scenario, reported as met or not;
- `measure(env) -> list[dict]`: awaited in this process once the server has stopped, against the same
  backends (`env` is the server's environment); rows of {name, value, unit, aim, meets, detail} shown in a
  second table and stored under "measurements".
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import platform as python_platform
import secrets
import sys
import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.table import Table

import casebook
from casebook.apps import ALL_APPS
from casebook.benchmarks import backends as run_backends
from casebook.benchmarks import wrk
from casebook.benchmarks.server import CasebookProcess, ProcessFailed, run_casebook
from casebook.platform.appmodule import AppModule, BenchScenario

PLATFORM_TARGET = "platform"
BACKENDS_ENV = "CASEBOOK_BENCH_BACKENDS"
RESULTS_DIR_ENV = "CASEBOOK_BENCH_RESULTS_DIR"
WRK_THREADS = 2  # the reference machines have 2 cores; more wrk threads only steal the server's CPU
WARMUP_S = 1  # per scenario, not reported: fills connection pools and caches first
ME_OVER_BARE_AIM = 0.5  # an authenticated read should run at least at half the speed of a bare route
BENCH_REDIS_DB = 13  # tests use 1.. (per xdist worker), 14 and 15 (e2e); the benchmark keeps to its own
BENCH_PASSWORD = "bench-password-0123"
HTTP_TIMEOUT_S = 30.0
DEMO_TIMEOUT_S = 1_800.0  # thousands of accounts and a few hundred photos on a busy 2-core machine
DEMO_ENV_PREFIX = "CASEBOOK_DEMO_"  # scale knobs of the demo loaders, passed on to `casebook demo`


class BenchError(RuntimeError):
    """The benchmark could not run: unknown target, setup request refused, server never ready."""


@dataclasses.dataclass(frozen=True, kw_only=True)
class ScenarioResult:
    scenario: BenchScenario
    result: wrk.WrkResult
    connections: int | None = None

    def as_json(self) -> dict[str, Any]:
        r = self.result
        return {
            "name": self.scenario.name, "method": self.scenario.method.upper(), "path": self.scenario.path,
            "connections": self.connections,
            "requests": r.requests, "duration_s": r.duration_s, "requests_per_s": r.requests_per_s,
            "latency_ms": {f"p{percent}": value for percent, value in sorted(r.latency_ms.items())},
            "errors": r.errors, "socket_errors": r.socket_errors, "status_errors": r.status_errors,
        }


def run_benchmark(target: str, *, duration_s: int, connections: int, workers: int, console: Console) -> dict:
    """Benchmark `platform` (bare and authenticated reads) or an app's workload; exits 1/2 when it cannot."""
    kind = os.environ.get(BACKENDS_ENV, "embedded")
    try:
        if kind not in run_backends.BACKEND_KINDS:
            raise BenchError(f"{BACKENDS_ENV}={kind!r}: use one of {', '.join(run_backends.BACKEND_KINDS)}")
        app = None if target == PLATFORM_TARGET else find_app(target)
    except BenchError as error:
        console.print(f"[red]error:[/] {error}")
        raise SystemExit(2) from error
    if app is not None and app.bench is None:
        console.print(f"[yellow]{target}: no workload[/] — the app defines no benchmark (its AppModule.bench is "
                      f"None). Add apps/{target}/bench.py and name it in the AppModule to benchmark it.")
        raise SystemExit(1)
    try:
        report = _run(target, app, kind=kind, duration_s=duration_s, connections=connections, workers=workers,
                      console=console)
    except (BenchError, ProcessFailed, wrk.WrkError) as error:
        console.print(f"[red]benchmark failed:[/] {error}")
        raise SystemExit(1) from error
    print_report(report, console)
    paths = write_report(report, results_dir())
    console.print(f"results: {', '.join(str(path) for path in paths)}")
    return report


def find_app(slug: str) -> AppModule:
    known = {app.slug: app for app in ALL_APPS}
    if slug not in known:
        raise BenchError(f"unknown target {slug!r}; known: {', '.join([PLATFORM_TARGET, *known])}")
    return known[slug]


def register_and_login(base_url: str, *, username: str | None = None, password: str = BENCH_PASSWORD) -> str:
    """A new account on the server at `base_url`; its access token."""
    username = username or f"bench_{secrets.token_hex(4)}"
    with httpx.Client(base_url=base_url, timeout=HTTP_TIMEOUT_S) as client:
        created = client.post("/api/accounts", json={"username": username, "email": f"{username}@example.com",
                                                     "password": password})
        if created.status_code != 201:
            raise BenchError(f"POST /api/accounts answered {created.status_code}: {created.text[:500]}")
        login = client.post("/api/auth/login", json={"login": username, "password": password})
        if login.status_code != 200:
            raise BenchError(f"POST /api/auth/login answered {login.status_code}: {login.text[:500]}")
        return login.json()["access_token"]


def platform_scenarios(base_url: str) -> list[BenchScenario]:
    """The platform's floor: a bare route, and an authenticated read of one's own account."""
    token = register_and_login(base_url)
    return [
        BenchScenario(name="bare", method="GET", path="/healthz"),
        BenchScenario(name="me", method="GET", path="/api/accounts/me",
                      headers={"Authorization": f"Bearer {token}"}),
    ]


def check_scenarios(base_url: str, scenarios: Sequence[BenchScenario]) -> None:
    """One request per scenario before the load, so a misconfigured one fails loudly, not as 100% errors."""
    with httpx.Client(base_url=base_url, timeout=HTTP_TIMEOUT_S) as client:
        for scenario in scenarios:
            answer = client.request(scenario.method.upper(), scenario.path, headers=scenario.headers,
                                    content=scenario.body)
            if answer.status_code >= 400:
                raise BenchError(f"scenario {scenario.name!r}: {scenario.method} {scenario.path} answered "
                                 f"{answer.status_code}: {answer.text[:500]}")


def _run(target: str, app: AppModule | None, *, kind: str, duration_s: int, connections: int, workers: int,
         console: Console) -> dict[str, Any]:
    started_at = datetime.now(UTC)
    threads = min(WRK_THREADS, connections)
    with tempfile.TemporaryDirectory(prefix="casebook-bench-") as tmp:
        tmp_path = Path(tmp)
        if kind == "distributed":
            backends = asyncio.run(run_backends.provision_distributed(tmp_path / "var", label="bench",
                                                                      redis_db=BENCH_REDIS_DB))
        else:
            backends = run_backends.embedded(tmp_path / "var")
        env = backends.env()
        processes: list[CasebookProcess] = []
        workload = app.bench if app is not None else None
        measurements: list[dict[str, Any]] = []
        try:
            if backends.is_distributed:
                console.print("migrating a fresh PostgreSQL database …")
                run_casebook(["migrate"], env=env, cwd=tmp_path)
            if app is not None and getattr(workload, "needs_demo", False):
                console.print(f"loading the {app.slug} demo data (`casebook demo --apps {app.slug}`) …")
                demo_env = {**env, **{name: value for name, value in os.environ.items()
                                      if name.startswith(DEMO_ENV_PREFIX)}}
                run_casebook(["demo", "--apps", app.slug], env=demo_env, cwd=tmp_path, timeout_s=DEMO_TIMEOUT_S)
            if backends.is_distributed:
                processes.append(CasebookProcess.worker(env=env, log_path=tmp_path / "worker.log").start())
            server = CasebookProcess.serve(env=env, log_path=tmp_path / "serve.log", workers=workers,
                                           apps=(app.slug,) if app else ())
            processes.append(server.start())
            console.print(f"starting `casebook {' '.join(server.args)}` ({kind}) …")
            server.wait_ready()
            scenarios = platform_scenarios(server.base_url) if app is None else list(
                asyncio.run(app.bench(server.base_url)))  # type: ignore[misc]
            if not scenarios:
                raise BenchError(f"{target}: the workload returned no scenarios")
            check_scenarios(server.base_url, scenarios)
            rss_before_bytes = server.rss_bytes()
            loads = [(scenario, connections) for scenario in scenarios]
            by_name = {scenario.name: scenario for scenario in scenarios}
            for name, extra_connections in getattr(workload, "extra_loads", ()):
                if name not in by_name:
                    raise BenchError(f"{target}: extra load names no scenario {name!r}")
                loads.append((dataclasses.replace(by_name[name], name=f"{name}@c{extra_connections}"),
                              extra_connections))
            results = []
            for scenario, scenario_connections in loads:
                console.print(f"  {scenario.name}: {scenario.method.upper()} {scenario.path} for {duration_s} s "
                              f"(-c{scenario_connections}) …")
                load = {"threads": min(WRK_THREADS, scenario_connections), "connections": scenario_connections,
                        "script_dir": tmp_path}
                wrk.run(server.base_url, scenario, duration_s=WARMUP_S, **load)  # type: ignore[arg-type]
                result = wrk.run(server.base_url, scenario, duration_s=duration_s, **load)  # type: ignore[arg-type]
                results.append(ScenarioResult(scenario=scenario, result=result, connections=scenario_connections))
                if not server.is_running:
                    raise ProcessFailed(f"the server died under load:\n{server.log_tail()}")
            rss_after_bytes = server.rss_bytes()
            measure = getattr(workload, "measure", None)
            if measure is not None:
                for process in reversed(processes):  # measured alone: nothing else consumes the run's events
                    process.stop()
                console.print("measuring in-process (server stopped) …")
                try:
                    measurements = list(asyncio.run(measure(env)))
                except Exception as error:  # noqa: BLE001 -- the wrk results stand; the failure is reported beside them
                    console.print(f"[red]in-process measurements failed:[/] {error!r}")
                    measurements = [{"name": "error", "value": 0.0, "unit": "", "aim": "", "meets": False,
                                     "detail": {"error": repr(error)[:500]}}]
        finally:
            for process in reversed(processes):
                process.stop()
            if backends.is_distributed:
                asyncio.run(run_backends.release(backends))
    return {
        "target": target,
        "backend": kind,
        "started_at": started_at.isoformat(),
        "casebook_version": casebook.__version__,
        "machine": {"cpu_count": os.cpu_count(), "python": sys.version.split()[0],
                    "implementation": python_platform.python_implementation(),
                    "platform": python_platform.platform()},
        "server": {"command": f"casebook {' '.join(server.args)}", "workers": workers,
                   "rss_bytes_before": rss_before_bytes, "rss_bytes_after": rss_after_bytes},
        "load": {"tool": "wrk", "threads": threads, "connections": connections, "duration_s": duration_s,
                 "warmup_s": WARMUP_S},
        "scenarios": [result.as_json() for result in results],
        "ratios": _ratios(results) if app is None else _app_ratios(results, getattr(workload, "ratio_aims", {})),
        "measurements": measurements,
        "p99_aims_ms": dict(getattr(workload, "p99_aims_ms", {})),
    }


def _ratios(results: Sequence[ScenarioResult]) -> dict[str, float]:
    rates = {r.scenario.name: r.result.requests_per_s for r in results}
    if not rates.get("bare"):
        return {}
    return {"me_over_bare": round(rates["me"] / rates["bare"], 3), "me_over_bare_aim": ME_OVER_BARE_AIM}


def _app_ratios(results: Sequence[ScenarioResult], aims: dict[str, float]) -> dict[str, float]:
    """Each scenario's throughput over the "bare" scenario's, when the workload has one; aims beside them."""
    rates = {r.scenario.name: r.result.requests_per_s for r in results}
    if not rates.get("bare"):
        return {}
    ratios: dict[str, float] = {}
    for name, rate in rates.items():
        if name != "bare":
            ratios[f"{name}_over_bare"] = round(rate / rates["bare"], 3)
            if f"{name}_over_bare" in aims:
                ratios[f"{name}_over_bare_aim"] = round(aims[f"{name}_over_bare"], 3)
    return ratios


def print_report(report: dict[str, Any], console: Console) -> None:
    load, server = report["load"], report["server"]
    table = Table(title=f"casebook bench {report['target']} ({report['backend']}, {server['workers']} server "
                        f"worker(s), wrk -t{load['threads']} -c{load['connections']} -d{load['duration_s']}s)")
    for column in ("scenario", "request", "req/s", "p50 ms", "p90 ms", "p99 ms", "errors"):
        table.add_column(column, justify="left" if column in ("scenario", "request") else "right")
    for row in report["scenarios"]:
        latency = row["latency_ms"]
        errors = str(row["errors"]) if not row["errors"] else f"[red]{row['errors']}[/]"
        table.add_row(row["name"], f"{row['method']} {row['path']}", f"{row['requests_per_s']:,.0f}",
                      f"{latency['p50']:.2f}", f"{latency['p90']:.2f}", f"{latency['p99']:.2f}", errors)
    console.print(table)
    mib = 1024 * 1024
    console.print(f"server RSS: {server['rss_bytes_before'] / mib:.1f} MiB before load, "
                  f"{server['rss_bytes_after'] / mib:.1f} MiB after")
    ratios = report.get("ratios") or {}
    for key, ratio in ratios.items():
        if not key.endswith("_over_bare"):
            continue
        aim = ratios.get(f"{key}_aim")
        label = key.removesuffix("_over_bare") + "/bare"
        if aim is None:
            console.print(f"{label}: {ratio:.3f}")
        else:
            verdict = "[green]meets[/]" if ratio >= aim else "[red]below[/]"
            console.print(f"{label}: {ratio:.3f} ({verdict} the aim of ≥ {aim})")
    p99_by_name = {row["name"]: row["latency_ms"]["p99"] for row in report["scenarios"]}
    for name, aim_ms in (report.get("p99_aims_ms") or {}).items():
        if name in p99_by_name:
            verdict = "[green]meets[/]" if p99_by_name[name] < aim_ms else "[red]above[/]"
            console.print(f"{name} p99: {p99_by_name[name]:.2f} ms ({verdict} the aim of < {aim_ms:g} ms)")
    if report.get("measurements"):
        print_measurements(report["measurements"], console)


def print_measurements(rows: Sequence[dict[str, Any]], console: Console) -> None:
    table = Table(title="in-process measurements")
    for column in ("measurement", "value", "unit", "aim", "detail"):
        table.add_column(column, justify="right" if column == "value" else "left")
    for row in rows:
        aim = row.get("aim") or ""
        if aim and row.get("meets") is not None:
            aim = f"{aim} [green]meets[/]" if row["meets"] else f"{aim} [red]below[/]"
        detail = ", ".join(f"{key}={value}" for key, value in (row.get("detail") or {}).items()
                           if key != "renditions")
        table.add_row(row["name"], f"{row['value']:,.3f}", row["unit"], aim, detail)
    console.print(table)


def results_dir() -> Path:
    """$CASEBOOK_BENCH_RESULTS_DIR, else bench/results of this checkout, else ./bench/results."""
    if os.environ.get(RESULTS_DIR_ENV):
        return Path(os.environ[RESULTS_DIR_ENV])
    checkout = Path(__file__).resolve().parents[3]  # src/casebook/benchmarks/runner.py -> the repository
    if (checkout / "bench").is_dir() and (checkout / "pyproject.toml").is_file():
        return checkout / "bench" / "results"
    return Path.cwd() / "bench" / "results"


def write_report(report: dict[str, Any], directory: Path) -> list[Path]:
    """<target>-<backend>-<UTC timestamp>.json and <target>-<backend>-latest.json, same content."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.fromisoformat(report["started_at"]).strftime("%Y%m%dT%H%M%SZ")
    stem = f"{report['target']}-{report['backend']}"
    text = json.dumps(report, indent=2) + "\n"
    paths = [directory / f"{stem}-{stamp}.json", directory / f"{stem}-latest.json"]
    for path in paths:
        path.write_text(text)
    return paths
