"""deploy/nginx.conf rendered for one run and started as a foreground nginx process."""

from __future__ import annotations

import getpass
import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

import httpx

NGINX_BINARY = "nginx"
TEMPLATE_PATH = Path(__file__).resolve().parents[3] / "deploy" / "nginx.conf"  # in a source checkout
TEMPLATE_VARIABLES = ("NGINX_USER", "LISTEN_PORT", "UPSTREAM_SERVERS", "RUN_DIR", "LOG_DIR")
READY_TIMEOUT_S = 15.0
STOP_TIMEOUT_S = 10.0
_PLACEHOLDER = re.compile(r"\$\{([A-Z_]+)\}")
_UPSTREAM_FIELD = re.compile(r"\bupstream=(\S+)")


class NginxFailed(RuntimeError):
    pass


def render(template: str, values: dict[str, str]) -> str:
    """`${NAME}` placeholders replaced (as envsubst would); every placeholder must have a value."""
    missing = sorted({name for name in _PLACEHOLDER.findall(template) if name not in values})
    if missing:
        raise NginxFailed(f"no value for {', '.join(missing)}")
    return _PLACEHOLDER.sub(lambda match: values[match.group(1)], template)


def upstream_servers(addresses: Sequence[str]) -> str:
    return " ".join(f"server {address} max_fails=3 fail_timeout=10s;" for address in addresses)


def upstreams_in_log(log_text: str, *, request_prefix: str) -> list[str]:
    """The upstream address of each access-log line whose request starts with `request_prefix`."""
    found = []
    for line in log_text.splitlines():
        if f'"{request_prefix}' in line:
            match = _UPSTREAM_FIELD.search(line)
            if match:
                found.append(match.group(1))
    return found


class NginxProcess:
    """nginx in the foreground (`daemon off`) with pid, temp files and logs under `prefix`."""

    def __init__(self, prefix: Path, *, listen_port: int, upstreams: Sequence[str],
                 template_path: Path = TEMPLATE_PATH) -> None:
        self.prefix = prefix
        self.listen_port = listen_port
        self.upstreams = list(upstreams)
        self.template_path = template_path
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.listen_port}"

    @property
    def config_path(self) -> Path:
        return self.prefix / "nginx.conf"

    @property
    def access_log_path(self) -> Path:
        return self.prefix / "logs" / "access.log"

    @property
    def error_log_path(self) -> Path:
        return self.prefix / "logs" / "error.log"

    def write_config(self) -> Path:
        (self.prefix / "logs").mkdir(parents=True, exist_ok=True)
        (self.prefix / "run").mkdir(parents=True, exist_ok=True)
        self.config_path.write_text(render(self.template_path.read_text(), {
            # As root, workers must be able to enter the (private) temp directory holding the prefix.
            "NGINX_USER": "root" if os.geteuid() == 0 else getpass.getuser(),
            "LISTEN_PORT": f"127.0.0.1:{self.listen_port}",
            "UPSTREAM_SERVERS": upstream_servers(self.upstreams),
            "RUN_DIR": str(self.prefix / "run"),
            "LOG_DIR": str(self.prefix / "logs"),
        }))
        return self.config_path

    def command(self) -> list[str]:
        binary = shutil.which(NGINX_BINARY) or "/usr/sbin/nginx"
        return [binary, "-p", str(self.prefix), "-c", str(self.config_path), "-g", "daemon off;"]

    def check_config(self) -> None:
        """`nginx -t` on the rendered file: syntax and every directive's arguments."""
        completed = subprocess.run([*self.command(), "-t"], capture_output=True, text=True, check=False)
        if completed.returncode != 0:
            raise NginxFailed(f"nginx -t failed:\n{completed.stderr}")

    def start(self) -> NginxProcess:
        assert self._process is None, "already started"
        self.write_config()
        self.check_config()
        with (self.prefix / "nginx.out").open("ab") as out:
            self._process = subprocess.Popen(self.command(), stdout=out, stderr=subprocess.STDOUT,
                                             stdin=subprocess.DEVNULL, start_new_session=True)
        self._wait_listening()
        return self

    def stop(self) -> None:
        """Graceful quit (SIGQUIT: finish requests, flush logs), then SIGKILL the group if it hangs."""
        if self._process is None:
            return
        if self._process.poll() is None:
            self._process.send_signal(signal.SIGQUIT)
            try:
                self._process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self._process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self._process.wait()

    def log_tail(self, lines: int = 40) -> str:
        parts = []
        for path in (self.prefix / "nginx.out", self.error_log_path):
            if path.exists():
                parts.append(f"--- {path.name}\n" + "\n".join(path.read_text(errors="replace").splitlines()[-lines:]))
        return "\n".join(parts) or "(no nginx output)"

    def _wait_listening(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while time.monotonic() < deadline:
            assert self._process is not None
            if self._process.poll() is not None:
                raise NginxFailed(f"nginx exited with {self._process.returncode}:\n{self.log_tail()}")
            try:
                httpx.get(self.base_url + "/healthz", timeout=1.0)
                return  # any HTTP answer (even a 502) means nginx accepts connections
            except httpx.TransportError:
                time.sleep(0.05)
        raise NginxFailed(f"nginx did not listen on {self.listen_port} within {READY_TIMEOUT_S:.0f} s:\n"
                          f"{self.log_tail()}")
