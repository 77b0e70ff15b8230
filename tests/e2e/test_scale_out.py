"""Scale-out: two `casebook serve` and two `casebook worker` processes on PostgreSQL, Redis and NATS,
behind deploy/nginx.conf. Writes in one server are read in the other, nginx uses both, and every event
is consumed once, by a worker."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from casebook.benchmarks.nginx import upstreams_in_log
from tests.backends import DISTRIBUTED
from tests.e2e.stack import open_stack, sign_up, wait_for_receipts

pytestmark = pytest.mark.e2e

CROSS_WRITES = 5
BALANCED_WRITES = 40
REDIS_DB = 15  # test_crash_recovery uses 14; the benchmark 13


async def test_two_servers_and_two_workers_behind_nginx_share_one_state(tmp_path: Path) -> None:
    if not DISTRIBUTED:
        pytest.skip("needs CASEBOOK_TEST_BACKENDS=all")
    async with open_stack("distributed", tmp_path, label="e2e", redis_db=REDIS_DB) as stack:
        await stack.migrate()
        workers = [stack.worker("worker-1"), stack.worker("worker-2")]
        server_a, server_b = await asyncio.gather(stack.serve("serve-a"), stack.serve("serve-b"))
        nginx = await stack.start_nginx([server_a, server_b])
        headers = await sign_up(nginx.base_url, "scale_tester")
        created: dict[str, str] = {}  # id -> body

        # a write acknowledged by A is readable through B at once: the truth lives in the database
        async with httpx.AsyncClient(headers=headers, timeout=30) as client:
            for n in range(CROSS_WRITES):
                body = f"written in A, read in B #{n}"
                answer = await client.post(f"{server_a.base_url}/api/guestbook/entries", json={"body": body})
                assert answer.status_code == 201, answer.text
                entry = answer.json()
                assert entry["author"] == "scale_tester"
                created[entry["id"]] = body
                read = await client.get(f"{server_b.base_url}/api/guestbook/entries/{entry['id']}")
                assert read.status_code == 200, read.text
                assert read.json() == entry

            # nginx spreads writes over both servers
            for n in range(BALANCED_WRITES):
                body = f"through nginx #{n}"
                answer = await client.post(f"{nginx.base_url}/api/guestbook/entries", json={"body": body})
                assert answer.status_code == 201, answer.text
                created[answer.json()["id"]] = body
        nginx.stop()  # flushes and closes the access log
        served_by = upstreams_in_log(nginx.access_log_path.read_text(),
                                     request_prefix="POST /api/guestbook/entries")
        assert len(served_by) == BALANCED_WRITES
        assert set(served_by) == {f"127.0.0.1:{server_a.port}", f"127.0.0.1:{server_b.port}"}

        # every event is consumed exactly once, and only by the workers (servers only relay)
        found = await wait_for_receipts(stack.backends, len(created))
        assert len(found) == len(created) == CROSS_WRITES + BALANCED_WRITES
        assert {entry_id for entry_id, _pid in found} == {int(entry_id) for entry_id in created}
        assert {pid for _entry_id, pid in found} <= {worker.pid for worker in workers}
        assert all(worker.is_running for worker in workers)
