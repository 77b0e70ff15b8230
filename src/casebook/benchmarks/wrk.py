"""The load generator: runs `wrk --latency` as a separate process and parses its report."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from casebook.platform.appmodule import BenchScenario

WRK_BINARY = "wrk"
WRK_GRACE_S = 30  # on top of the run's duration, before we call wrk hung
LATENCY_PERCENTILES = (50, 75, 90, 99)  # what `wrk --latency` prints

_TIME_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_LATENCY_LINE = re.compile(r"^\s*(\d+(?:\.\d+)?)%\s+(\d+(?:\.\d+)?)(us|ms|s|m|h)\s*$", re.MULTILINE)
_REQUESTS_LINE = re.compile(r"^\s*(\d+) requests in (\d+(?:\.\d+)?)(us|ms|s|m|h)", re.MULTILINE)
_RATE_LINE = re.compile(r"^Requests/sec:\s+(\d+(?:\.\d+)?)\s*$", re.MULTILINE)
_SOCKET_ERRORS_LINE = re.compile(
    r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
_STATUS_ERRORS_LINE = re.compile(r"Non-2xx or 3xx responses: (\d+)")


class WrkError(RuntimeError):
    """wrk is missing, failed, or printed a report we cannot read."""


@dataclasses.dataclass(frozen=True, kw_only=True)
class WrkResult:
    requests: int
    duration_s: float
    requests_per_s: float
    latency_ms: dict[int, float]  # percentile -> milliseconds
    socket_errors: dict[str, int]  # connect, read, write, timeout
    status_errors: int  # answers with status >= 400 (wrk's "Non-2xx or 3xx")

    @property
    def errors(self) -> int:
        return sum(self.socket_errors.values()) + self.status_errors


def parse_report(text: str) -> WrkResult:
    """The numbers of one `wrk --latency` report; raises WrkError when a required line is missing."""
    latency_ms = {int(float(percent)): round(float(value) * _TIME_UNITS_MS[unit], 3)
                  for percent, value, unit in _LATENCY_LINE.findall(text)}
    requests_match = _REQUESTS_LINE.search(text)
    rate_match = _RATE_LINE.search(text)
    missing = [p for p in LATENCY_PERCENTILES if p not in latency_ms]
    if requests_match is None or rate_match is None or missing:
        raise WrkError(f"unreadable wrk report (did it run with --latency?):\n{text}")
    socket_match = _SOCKET_ERRORS_LINE.search(text)
    socket_counts = [int(n) for n in socket_match.groups()] if socket_match else [0, 0, 0, 0]
    status_match = _STATUS_ERRORS_LINE.search(text)
    count, elapsed, unit = requests_match.groups()
    return WrkResult(
        requests=int(count),
        duration_s=float(elapsed) * _TIME_UNITS_MS[unit] / 1000.0,
        requests_per_s=float(rate_match.group(1)),
        latency_ms=latency_ms,
        socket_errors=dict(zip(("connect", "read", "write", "timeout"), socket_counts)),
        status_errors=int(status_match.group(1)) if status_match else 0,
    )


def lua_string(value: str | bytes) -> str:
    """A Lua string literal holding exactly these bytes (decimal escapes, so any byte is safe)."""
    data = value.encode() if isinstance(value, str) else value
    return '"' + "".join(chr(b) if 32 <= b < 127 and b not in (34, 92) else f"\\{b:03d}" for b in data) + '"'


def request_script(scenario: BenchScenario) -> str:
    """A wrk Lua script sending the scenario's method, headers and body on every request (or its own)."""
    if scenario.lua is not None:
        return scenario.lua
    lines = [f"wrk.method = {lua_string(scenario.method.upper())}"]
    if scenario.body is not None:
        lines.append(f"wrk.body = {lua_string(scenario.body)}")
    for name, value in scenario.headers.items():
        lines.append(f"wrk.headers[{lua_string(name)}] = {lua_string(value)}")
    return "\n".join(lines) + "\n"


def needs_script(scenario: BenchScenario) -> bool:
    """GETs without a body go through `-H` flags; anything else needs a Lua script."""
    return scenario.lua is not None or scenario.method.upper() != "GET" or scenario.body is not None


def command(url: str, *, threads: int, connections: int, duration_s: float, headers: dict[str, str] | None = None,
            script: Path | None = None, timeout_s: int = 10) -> list[str]:
    args = [WRK_BINARY, f"-t{threads}", f"-c{connections}", f"-d{max(1, round(duration_s))}s",
            f"--timeout={timeout_s}s", "--latency"]
    for name, value in (headers or {}).items():
        args += ["-H", f"{name}: {value}"]
    if script is not None:
        args += ["-s", str(script)]
    return [*args, url]


def run(base_url: str, scenario: BenchScenario, *, threads: int, connections: int, duration_s: float,
        script_dir: Path) -> WrkResult:
    """Drive `base_url + scenario.path` for `duration_s` from a separate wrk process."""
    if shutil.which(WRK_BINARY) is None:
        raise WrkError("wrk is not installed (Debian: apt-get install wrk)")
    threads = max(1, min(threads, connections))  # wrk refuses fewer connections than threads
    url = base_url.rstrip("/") + scenario.path
    if needs_script(scenario):
        script = script_dir / f"{_safe_name(scenario.name)}.lua"
        script.write_text(request_script(scenario))
        args = command(url, threads=threads, connections=connections, duration_s=duration_s, script=script)
    else:
        args = command(url, threads=threads, connections=connections, duration_s=duration_s,
                       headers=scenario.headers)
    completed = _run_process(args, timeout_s=duration_s + WRK_GRACE_S)
    if completed.returncode != 0:
        raise WrkError(f"wrk exited with {completed.returncode}: {(completed.stderr + completed.stdout).strip()}")
    return parse_report(completed.stdout)


def _run_process(args: Sequence[str], *, timeout_s: float) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(args, capture_output=True, text=True, timeout=timeout_s, check=False)
    except subprocess.TimeoutExpired as error:
        raise WrkError(f"wrk did not finish within {timeout_s:.0f} s") from error


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "_", name) or "scenario"
