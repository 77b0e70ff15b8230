"""A throwaway deployment for one end-to-end test: backends, casebook processes, nginx, torn down in full."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import time
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import httpx

from casebook.benchmarks import backends as run_backends
from casebook.benchmarks.backends import Backends
from casebook.benchmarks.nginx import NginxProcess
from casebook.benchmarks.server import CasebookProcess, free_port, run_casebook

PASSWORD = "e2e-password-0123"
RECEIPTS_TIMEOUT_S = 30.0
POLL_INTERVAL_S = 0.1


class Stack:
    """The processes of one test; every one of them is stopped by `open_stack`, whatever happens."""

    def __init__(self, backends: Backends, tmp_path: Path) -> None:
        self.backends = backends
        self.tmp_path = tmp_path
        self.env = backends.env()
        self.processes: list[CasebookProcess] = []
        self.nginx: NginxProcess | None = None

    async def migrate(self) -> None:
        await asyncio.to_thread(run_casebook, ["migrate"], env=self.env, cwd=self.tmp_path)

    async def serve(self, name: str) -> CasebookProcess:
        server = CasebookProcess.serve(env=self.env, log_path=self.tmp_path / f"{name}.log")
        self.processes.append(server.start())
        await asyncio.to_thread(server.wait_ready)
        return server

    def worker(self, name: str) -> CasebookProcess:
        worker = CasebookProcess.worker(env=self.env, log_path=self.tmp_path / f"{name}.log")
        self.processes.append(worker.start())
        return worker

    async def start_nginx(self, servers: list[CasebookProcess]) -> NginxProcess:
        self.nginx = NginxProcess(self.tmp_path / "nginx", listen_port=free_port(),
                                  upstreams=[f"127.0.0.1:{server.port}" for server in servers])
        await asyncio.to_thread(self.nginx.start)
        return self.nginx

    def close(self) -> None:
        if self.nginx is not None:
            self.nginx.stop()
        for process in reversed(self.processes):
            process.stop()

    def print_logs(self) -> None:
        """Shown by pytest only when the test failed."""
        for process in self.processes:
            print(f"===== casebook {' '.join(process.args)} (pid {process.pid}) =====\n{process.log_tail()}")
        if self.nginx is not None:
            print(f"===== nginx =====\n{self.nginx.log_tail()}")


@contextlib.asynccontextmanager
async def open_stack(kind: str, tmp_path: Path, *, label: str, redis_db: int) -> AsyncIterator[Stack]:
    if kind == "distributed":
        backends = await run_backends.provision_distributed(tmp_path / "var", label=label, redis_db=redis_db)
    else:
        backends = run_backends.embedded(tmp_path / "var")
    stack = Stack(backends, tmp_path)
    try:
        yield stack
    finally:
        stack.print_logs()
        try:
            stack.close()
        finally:
            await run_backends.release(backends)


async def sign_up(base_url: str, username: str) -> dict[str, str]:
    """Register `username` and log in through `base_url`; the Authorization header to send."""
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        created = await client.post("/api/accounts", json={"username": username, "email": f"{username}@example.com",
                                                           "password": PASSWORD})
        assert created.status_code == 201, created.text
        login = await client.post("/api/auth/login", json={"login": username, "password": PASSWORD})
        assert login.status_code == 200, login.text
        return {"Authorization": f"Bearer {login.json()['access_token']}"}


async def rows(backends: Backends, sql: str) -> list[tuple]:
    """The rows of one read-only query, straight from the run's database (the truth, not the API)."""
    if backends.is_distributed:
        connection = await asyncpg.connect(backends.postgres_dsn)
        try:
            return [tuple(row) for row in await connection.fetch(sql)]
        finally:
            await connection.close()
    return await asyncio.to_thread(_sqlite_rows, backends.sqlite_path, sql)


def _sqlite_rows(path: Path, sql: str) -> list[tuple]:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


async def entries(backends: Backends) -> dict[int, str]:
    """Every stored guestbook entry: id -> body."""
    return {int(entry_id): body for entry_id, body in await rows(backends, "SELECT id, body FROM guestbook_entries")}


async def receipts(backends: Backends) -> list[tuple[int, int]]:
    """(entry_id, handled_by_pid) of every guestbook receipt."""
    found = await rows(backends, "SELECT entry_id, handled_by_pid FROM guestbook_receipts")
    return [(int(entry_id), int(pid)) for entry_id, pid in found]


async def wait_for_receipts(backends: Backends, count: int,
                            timeout_s: float = RECEIPTS_TIMEOUT_S) -> list[tuple[int, int]]:
    """The receipts once there are `count` of them (or whatever there is when `timeout_s` runs out)."""
    deadline = time.monotonic() + timeout_s
    while True:
        found = await receipts(backends)
        if len(found) >= count or time.monotonic() > deadline:
            return found
        await asyncio.sleep(POLL_INTERVAL_S)
