"""A server killed with SIGKILL mid-stream loses no acknowledged write, invents none, and after a
restart every committed entry's event is consumed exactly once."""

from __future__ import annotations

import asyncio
import itertools
from pathlib import Path

import httpx
import pytest

from tests.e2e.stack import entries, open_stack, sign_up, wait_for_receipts

pytestmark = pytest.mark.e2e

CLIENTS = 8
KILL_AFTER_WRITES = 100
WRITES_TIMEOUT_S = 60.0
REDIS_DB = 14  # test_scale_out uses 15; the benchmark 13


async def test_acknowledged_writes_survive_sigkill_and_are_consumed_once(backend: str, tmp_path: Path) -> None:
    async with open_stack(backend, tmp_path, label="crash", redis_db=REDIS_DB) as stack:
        if stack.backends.is_distributed:
            await stack.migrate()
            stack.worker("worker")
        server = await stack.serve("serve-before-crash")
        headers = await sign_up(server.base_url, "crash_tester")
        requested: set[str] = set()
        acknowledged: dict[str, str] = {}  # body -> id, for every 201 received
        enough = asyncio.Event()

        async def write_until_the_server_dies(client_number: int) -> None:
            async with httpx.AsyncClient(base_url=server.base_url, headers=headers, timeout=10) as client:
                for n in itertools.count():
                    body = f"crash test {client_number}-{n}"
                    requested.add(body)
                    try:
                        answer = await client.post("/api/guestbook/entries", json={"body": body})
                    except httpx.TransportError:
                        return  # the kill: this write's outcome is unknown, both outcomes are allowed
                    assert answer.status_code == 201, answer.text
                    acknowledged[body] = answer.json()["id"]
                    if len(acknowledged) >= KILL_AFTER_WRITES:
                        enough.set()

        # given writes in flight from several clients
        writers = [asyncio.create_task(write_until_the_server_dies(n)) for n in range(CLIENTS)]
        await asyncio.wait_for(enough.wait(), WRITES_TIMEOUT_S)
        # when the server dies without any chance to clean up, and comes back on the same data
        server.kill()
        await asyncio.wait_for(asyncio.gather(*writers), WRITES_TIMEOUT_S)
        restarted = await stack.serve("serve-after-crash")

        # then every acknowledged entry is there, as written
        async with httpx.AsyncClient(base_url=restarted.base_url, headers=headers, timeout=30) as client:
            for body, entry_id in acknowledged.items():
                answer = await client.get(f"/api/guestbook/entries/{entry_id}")
                assert answer.status_code == 200, f"acknowledged entry {entry_id} lost: {answer.text}"
                assert answer.json()["body"] == body
        # and the database holds nothing else: no write twice, none that nobody asked for
        stored = await entries(stack.backends)
        print(f"requested {len(requested)}, acknowledged {len(acknowledged)}, stored {len(stored)}")
        bodies = list(stored.values())
        assert len(bodies) == len(set(bodies)), "an entry was stored twice"
        assert set(acknowledged) <= set(bodies)
        assert set(bodies) <= requested, "an entry nobody asked for exists"
        assert {str(entry_id) for entry_id, body in stored.items() if body in acknowledged} == set(
            acknowledged.values())
        assert len(acknowledged) >= KILL_AFTER_WRITES
        # and each committed entry's event was handled exactly once, crash or not
        found = await wait_for_receipts(stack.backends, len(stored))
        assert len(found) == len(stored)
        assert {entry_id for entry_id, _pid in found} == set(stored)
