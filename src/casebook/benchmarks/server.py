"""Real `casebook` processes for benchmarks and end-to-end tests: start, wait until ready, measure, stop."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import httpx

READY_TIMEOUT_S = 60.0  # embedded serve migrates SQLite on start; distributed connects to three servers
READY_POLL_INTERVAL_S = 0.1
STOP_TIMEOUT_S = 10.0
LOG_TAIL_LINES = 40


class ProcessFailed(RuntimeError):
    """A casebook process exited or never became ready; the message carries its log tail."""


def free_port() -> int:
    """A TCP port nobody listens on right now (the kernel's pick for port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def casebook_command(*args: str) -> list[str]:
    """`python -m casebook ARGS` with this interpreter, so no PATH or console script is needed."""
    return [sys.executable, "-m", "casebook", *args]


def run_casebook(args: Sequence[str], *, env: Mapping[str, str], cwd: Path, timeout_s: float = 120.0) -> str:
    """Run a short casebook command (`migrate`, `check`) to completion; its output, or ProcessFailed.

    `cwd` should be a scratch directory: Settings also read a `.env` file from the working directory.
    """
    completed = subprocess.run(casebook_command(*args), env=dict(env), cwd=cwd, capture_output=True, text=True,
                               timeout=timeout_s, check=False)
    if completed.returncode != 0:
        raise ProcessFailed(f"`casebook {' '.join(args)}` exited with {completed.returncode}:\n"
                            f"{completed.stdout}\n{completed.stderr}")
    return completed.stdout


class CasebookProcess:
    """One long-running process (`serve` or `worker`) in its own session, its output in a log file.

    The session lets `kill()` take down Granian's worker children together with their parent,
    as a crash of the machine would.
    """

    def __init__(self, args: Sequence[str], *, env: Mapping[str, str], log_path: Path,
                 port: int | None = None, host: str = "127.0.0.1") -> None:
        self.args = list(args)
        self.env = dict(env)
        self.log_path = log_path
        self.port = port
        self.host = host
        self._process: subprocess.Popen[bytes] | None = None

    @classmethod
    def serve(cls, *, env: Mapping[str, str], log_path: Path, port: int | None = None, workers: int = 1,
              apps: Sequence[str] = ()) -> CasebookProcess:
        port = port or free_port()
        args = ["serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
        if apps:
            args += ["--apps", ",".join(apps)]
        return cls(args, env=env, log_path=log_path, port=port)

    @classmethod
    def worker(cls, *, env: Mapping[str, str], log_path: Path) -> CasebookProcess:
        return cls(["worker"], env=env, log_path=log_path)

    @property
    def pid(self) -> int:
        assert self._process is not None, "process not started"
        return self._process.pid

    @property
    def base_url(self) -> str:
        assert self.port is not None, "not a server process"
        return f"http://{self.host}:{self.port}"

    @property
    def is_running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self) -> CasebookProcess:
        assert self._process is None, "already started"
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            # Run next to the log, in the scratch directory: Settings would read a `.env` from the cwd.
            self._process = subprocess.Popen(casebook_command(*self.args), env=self.env, cwd=self.log_path.parent,
                                             stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                             start_new_session=True)
        return self

    def wait_ready(self, *, path: str = "/readyz", timeout_s: float = READY_TIMEOUT_S) -> None:
        """Poll `path` until it answers 200; ProcessFailed (with the log tail) if the process dies first."""
        deadline = time.monotonic() + timeout_s
        last_error = "no answer yet"
        with httpx.Client(timeout=2.0) as client:
            while time.monotonic() < deadline:
                if not self.is_running:
                    raise ProcessFailed(f"`casebook {' '.join(self.args)}` exited with "
                                        f"{self._process.returncode if self._process else '?'}:\n{self.log_tail()}")
                try:
                    answer = client.get(self.base_url + path)
                    if answer.status_code == 200:
                        return
                    last_error = f"{answer.status_code}: {answer.text[:300]}"
                except httpx.TransportError as error:
                    last_error = f"{type(error).__name__}: {error}"
                time.sleep(READY_POLL_INTERVAL_S)
        raise ProcessFailed(f"{self.base_url}{path} not ready after {timeout_s:.0f} s ({last_error}):\n"
                            f"{self.log_tail()}")

    def rss_bytes(self) -> int:
        """Resident memory of the process and all its descendants (Granian runs workers as children)."""
        if not self.is_running:
            return 0
        return sum(_rss_bytes(pid) for pid in [self.pid, *_descendants(self.pid)])

    def stop(self, timeout_s: float = STOP_TIMEOUT_S) -> None:
        """SIGTERM the process group, then SIGKILL what is left after `timeout_s`."""
        if self._process is None:
            return
        if self._process.poll() is None:
            self._signal_group(signal.SIGTERM)
            try:
                self._process.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                pass
        self._signal_group(signal.SIGKILL)  # stragglers: children that outlived their parent
        self._process.wait()

    def kill(self) -> None:
        """SIGKILL the whole process group at once: no shutdown hooks, no flushing (a crash)."""
        if self._process is None:
            return
        self._signal_group(signal.SIGKILL)
        self._process.wait()

    def log_tail(self, lines: int = LOG_TAIL_LINES) -> str:
        if not self.log_path.exists():
            return "(no log)"
        text = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])

    def _signal_group(self, signum: int) -> None:
        assert self._process is not None
        try:
            os.killpg(self._process.pid, signum)  # start_new_session: the group id is our pid
        except ProcessLookupError:
            pass


def _rss_bytes(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0  # gone, or not Linux
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024  # reported in kB
    return 0


def _descendants(pid: int) -> list[int]:
    """Child processes, recursively, from the parent ids in /proc/*/stat."""
    children_of: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue  # exited while we looked
        # "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ")".
        fields = text[text.rfind(")") + 2:].split()
        children_of.setdefault(int(fields[1]), []).append(int(text.split(" ", 1)[0]))
    found: list[int] = []
    pending = [pid]
    while pending:
        children = children_of.get(pending.pop(), [])
        found.extend(children)
        pending.extend(children)
    return found
