"""CashApp's load for `casebook bench cashapp`: P2P payments among many funded people, and a balance read.

Every payment is a new one (its own Idempotency-Key) from the next sender in turn to another person, so the
load goes through the whole write path: auth, the sender's profile lock, velocity and sending-limit checks,
the ledger transaction with its no-overdraft check, the payment row and the outbox event. A sender may make
only `rules.VELOCITY_PAYMENTS_MAX` payments a minute, so the workload signs up enough people to keep every
sender under it for the whole run (`CASEBOOK_BENCH_CASHAPP_PEOPLE`, default 2,400: ~2,000 payments/s for
11 s; at 1,600 a run at ~1,300/s already had a few senders refused by the velocity check).
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
from decimal import Decimal

import httpx

from casebook.platform.appmodule import BenchScenario

PASSWORD = "bench-password-0123"
PEOPLE_ENV = "CASEBOOK_BENCH_CASHAPP_PEOPLE"
PEOPLE_DEFAULT = 2_400
SETUP_CONCURRENCY = 16  # sign-ups hash passwords in threads: enough in flight to keep both cores busy
FUNDING = "5.00"  # per person: room for every payment of the run at PAYMENT_AMOUNT
PAYMENT_AMOUNT = "0.01"
SETTLE_WAIT_S = 60.0
PAYMENTS_PATH = "/api/cashapp/payments"


async def workload(base_url: str) -> list[BenchScenario]:
    people_count = int(os.environ.get(PEOPLE_ENV, PEOPLE_DEFAULT))
    run = secrets.token_hex(3)
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as client:
        gate = asyncio.Semaphore(SETUP_CONCURRENCY)

        async def join(number: int) -> tuple[str, str]:
            async with gate:
                return await _join_and_fund(client, f"b{run}_{number}")

        people = await asyncio.gather(*(join(number) for number in range(people_count)))
        await _wait_until_funded(client, token=people[-1][0])
    tokens = [token for token, _cashtag in people]
    cashtags = [cashtag for _token, cashtag in people]
    body = {"to": cashtags[1], "amount": PAYMENT_AMOUNT, "note": "bench"}
    # The read first: after the payments the server is still relaying and consuming their events.
    return [
        BenchScenario(name="me", method="GET", path="/api/cashapp/me",
                      headers={"Authorization": f"Bearer {tokens[-1]}"}),
        BenchScenario(name="pay", method="POST", path=PAYMENTS_PATH,
                      headers={"Authorization": f"Bearer {tokens[0]}", "Content-Type": "application/json",
                               "Idempotency-Key": f"check-{run}"},
                      body=json.dumps(body).encode(), lua=payments_script(tokens, cashtags)),
    ]


def payments_script(tokens: list[str], cashtags: list[str]) -> str:
    """wrk Lua: each thread walks its own stride of senders, each paying the next person; keys never repeat
    across threads, runs or the warm-up (a random prefix per wrk process and thread)."""
    # Tokens (base64url) and cashtags ([$a-z0-9_]) need no escaping: a JSON string is a Lua string here.
    token_list = ",\n".join(json.dumps(token) for token in tokens)
    cashtag_list = ",\n".join(json.dumps(cashtag) for cashtag in cashtags)
    return f"""
local tokens = {{{token_list}}}
local cashtags = {{{cashtag_list}}}
local people = #tokens
local threads = 0
local counter = 0
local prefix = ""

-- setup() runs in the main Lua state; thread:set() makes `thread_number` a global of that thread's own
-- state (a `local thread_number` here would shadow it, and every thread would send the same requests).
function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

function init(args)
  math.randomseed(os.time() * 1000 + thread_number)
  prefix = string.format("%08x-%d-", math.random(0, 0x7fffffff), thread_number)
end

function request()
  counter = counter + 1
  local sender = ((counter * 7 + thread_number * 997) % people) + 1
  local recipient = (sender % people) + 1
  local body = '{{"to": "' .. cashtags[recipient] .. '", "amount": "{PAYMENT_AMOUNT}", "note": "bench"}}'
  return wrk.format("POST", nil, {{
    ["Authorization"] = "Bearer " .. tokens[sender],
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = prefix .. counter,
  }}, body)
end
"""


async def _join_and_fund(client: httpx.AsyncClient, username: str) -> tuple[str, str]:
    created = await client.post("/api/accounts", json={"username": username, "email": f"{username}@example.com",
                                                       "password": PASSWORD})
    created.raise_for_status()
    login = await client.post("/api/auth/login", json={"login": username, "password": PASSWORD})
    login.raise_for_status()
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    me = await client.get("/api/cashapp/me", headers=headers)
    me.raise_for_status()
    deposit = await client.post("/api/cashapp/bank/deposits", json={"amount": FUNDING}, headers=headers)
    deposit.raise_for_status()
    return login.json()["access_token"], me.json()["cashtag"]


async def _wait_until_funded(client: httpx.AsyncClient, *, token: str) -> None:
    """The simulated bank settles deposits a few seconds later, oldest first: the last one settles last."""
    headers = {"Authorization": f"Bearer {token}"}
    deadline = asyncio.get_running_loop().time() + SETTLE_WAIT_S
    while asyncio.get_running_loop().time() < deadline:
        me = (await client.get("/api/cashapp/me", headers=headers)).json()
        if Decimal(me["balances"]["available"]) >= Decimal(FUNDING):
            return
        await asyncio.sleep(0.5)
    raise RuntimeError(f"the bench's deposits did not settle within {SETTLE_WAIT_S:.0f} s")
