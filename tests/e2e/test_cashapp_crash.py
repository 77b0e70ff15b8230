"""CashApp under payment load, killed with SIGKILL and restarted: nothing acknowledged is lost, nothing is
applied twice, money is conserved, no balance goes negative and no hold is left behind; every request
whose answer was lost, retried with its Idempotency-Key (twice at once), moves money at most once."""

from __future__ import annotations

import asyncio
import dataclasses
import random
import time
import uuid
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from casebook.benchmarks.server import run_casebook
from tests.e2e.stack import Stack, open_stack, rows, sign_up

pytestmark = pytest.mark.e2e

ACCOUNTS = 8  # senders are limited to 10 payments a minute each (rules.VELOCITY_PAYMENTS_MAX)
CLIENTS = 20
FUNDING = Decimal("100.00")  # per account, settled before the load starts
PAYMENT_CENTS_MAX = 500
TOP_UP = Decimal("1.00")  # some clients add cash during the load: holds the crash must not strand
TOP_UP_ONE_IN = 8
DUPLICATE_ONE_IN = 4  # this share of payments is sent twice at once under one key
KILL_AFTER_PAYMENTS = 30
LOAD_TIMEOUT_S = 30.0
SETTLE_TIMEOUT_S = 40.0  # the bank answers after 3 s; a restarted embedded server first waits out the
# killed one's 15-second scheduler lease
POLL_INTERVAL_S = 0.25
REDIS_DB = 12  # Redis has 16 dbs: 1-11 are the unit tests' workers, 13-15 the other e2e suites and the benchmark
# A key whose first attempt was running when the server died answers "in progress" (409) until the lock ends
# (deposits; payments answer from their own key): the stack shortens the lock to keep the test short.
IDEMPOTENCY_LOCK_S = 5
RETRY_TIMEOUT_S = IDEMPOTENCY_LOCK_S + 20.0
RETRY_INTERVAL_S = 0.5
REFUSED = {409, 429}  # definite answers that changed nothing: short of funds, over the velocity limit


@dataclasses.dataclass
class Attempt:
    """One request under one Idempotency-Key; `status` is its final definite answer (None: unknown yet)."""

    key: str
    kind: str  # payment | deposit
    sender: int
    recipient: int | None
    amount: str
    status: int | None = None
    answer_id: str | None = None


async def test_payments_survive_sigkill_and_retries_move_money_once(backend: str, tmp_path: Path) -> None:
    async with open_stack(backend, tmp_path, label="cashcrash", redis_db=REDIS_DB) as stack:
        stack.env["CASEBOOK_IDEMPOTENCY_LOCK_S"] = str(IDEMPOTENCY_LOCK_S)
        if stack.backends.is_distributed:
            await stack.migrate()
            stack.worker("worker")  # runs the scheduler (bank settlements) in the distributed profile
        server = await stack.serve("serve-before-crash")
        people = [await sign_up(server.base_url, f"payer{n}") for n in range(ACCOUNTS)]
        cashtags = await _open_wallets(server.base_url, people)
        await _fund_everyone(server.base_url, people)
        attempts: list[Attempt] = []
        acknowledged_payments = asyncio.Event()

        async def pay_until_the_server_dies(client_number: int) -> None:
            chance = random.Random(client_number)
            async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as client:
                while True:
                    attempt = _next_attempt(chance)
                    attempts.append(attempt)
                    copies = 2 if chance.randrange(DUPLICATE_ONE_IN) == 0 else 1
                    try:
                        await _send(client, attempt, people, cashtags, copies=copies)
                    except httpx.TransportError:
                        return  # the kill: the outcome of this request is unknown, both are allowed
                    if sum(a.kind == "payment" and a.status == 201 for a in attempts) >= KILL_AFTER_PAYMENTS:
                        acknowledged_payments.set()

        # given many clients paying each other (and some adding cash) at once
        clients = [asyncio.create_task(pay_until_the_server_dies(n)) for n in range(CLIENTS)]
        await asyncio.wait_for(acknowledged_payments.wait(), LOAD_TIMEOUT_S)
        # when the server dies without any chance to clean up, and comes back on the same data
        server.kill()
        await asyncio.wait_for(asyncio.gather(*clients), LOAD_TIMEOUT_S)
        restarted = await stack.serve("serve-after-crash")
        # and every request whose answer was lost is retried with its key, twice at once
        lost = [attempt for attempt in attempts if attempt.status is None]
        async with httpx.AsyncClient(base_url=restarted.base_url, timeout=30) as client:
            await asyncio.gather(*(_send(client, attempt, people, cashtags, copies=2) for attempt in lost))
        assert all(attempt.status is not None for attempt in attempts)
        await _wait_until_the_bank_has_settled(stack)

        # then every acknowledged payment is stored once, as asked; refused ones and nothing else are not
        stored = await _stored_payments(stack)
        payments = [attempt for attempt in attempts if attempt.kind == "payment"]
        paid = {attempt.key: attempt for attempt in payments if attempt.status == 201}
        print(f"{len(attempts)} requests, {len(paid)} payments acknowledged, {len(lost)} answers lost and retried")
        assert len(paid) >= KILL_AFTER_PAYMENTS
        assert set(stored) == set(paid), "a payment was lost, or one nobody was told about exists"
        for key, attempt in paid.items():
            payment_id, sender, recipient, amount_minor = stored[key]
            assert (payment_id, sender, recipient, amount_minor) == (
                attempt.answer_id, cashtags[attempt.sender], cashtags[attempt.recipient], _cents(attempt.amount))
        # and the ledger moved each payment's money exactly once
        ledger_keys = await rows(stack.backends, "SELECT key FROM ledger_transactions WHERE key LIKE 'cashapp:pay:%'")
        assert sorted(_client_key(key) for (key,) in ledger_keys) == sorted(stored)
        # and every acknowledged deposit settled once, no hold is left open
        deposits = await rows(stack.backends, "SELECT key, status, amount_minor FROM payments_bank_transfers")
        settled = {key.rsplit(":", 1)[1]: amount for key, status, amount in deposits if status == "settled"}
        assert {a.key for a in attempts if a.kind == "deposit" and a.status == 201} <= set(settled)
        assert len(settled) == len(deposits), "a deposit never settled"
        assert await rows(stack.backends, "SELECT id FROM ledger_transactions "
                                          "WHERE kind = 'pending' AND status = 'pending'") == []
        # and money is conserved: each wallet holds its deposits plus what it received minus what it sent
        wallets = await _wallets(restarted.base_url, people)
        expected = await _expected_balances(stack, cashtags, stored)
        assert wallets == {cashtag: {"available": expected[cashtag], "pending": Decimal(0)}
                           for cashtag in cashtags.values()}
        assert sum(w["available"] for w in wallets.values()) == Decimal(sum(settled.values())) / 100
        assert all(w["available"] >= 0 for w in wallets.values())
        # and the ledger's own invariants hold (balanced, balances equal postings, no overdraft)
        verified = await asyncio.to_thread(run_casebook, ["ledger", "verify"], env=stack.env, cwd=stack.tmp_path)
        assert "no violations" in verified, verified


def _next_attempt(chance: random.Random) -> Attempt:
    sender = chance.randrange(ACCOUNTS)
    if chance.randrange(TOP_UP_ONE_IN) == 0:
        return Attempt(key=uuid.uuid4().hex, kind="deposit", sender=sender, recipient=None, amount=str(TOP_UP))
    recipient = chance.choice([n for n in range(ACCOUNTS) if n != sender])
    amount = f"{Decimal(chance.randint(1, PAYMENT_CENTS_MAX)) / 100:.2f}"
    return Attempt(key=uuid.uuid4().hex, kind="payment", sender=sender, recipient=recipient, amount=amount)


async def _send(client: httpx.AsyncClient, attempt: Attempt, people: list[dict[str, str]],
                cashtags: dict[int, str], *, copies: int) -> None:
    """Send `copies` identical requests at once; record the definite answer (they must agree), or raise
    TransportError when none came back. A 5xx is not definite: the request stays unknown, to be retried."""
    headers = {**people[attempt.sender], "Idempotency-Key": attempt.key}
    if attempt.kind == "payment":
        path, body = "/api/cashapp/payments", {"to": cashtags[attempt.recipient], "amount": attempt.amount}
    else:
        path, body = "/api/cashapp/bank/deposits", {"amount": attempt.amount}
    deadline = time.monotonic() + RETRY_TIMEOUT_S
    answers = await asyncio.gather(*(_post_until_not_in_progress(client, path, body, headers, deadline)
                                     for _ in range(copies)), return_exceptions=True)
    definite = [answer for answer in answers if isinstance(answer, httpx.Response) and answer.status_code < 500]
    for answer in answers:
        if isinstance(answer, BaseException) and not isinstance(answer, httpx.TransportError):
            raise answer
        if isinstance(answer, httpx.Response):
            assert answer.status_code == 201 or answer.status_code in REFUSED or answer.status_code >= 500, \
                answer.text
    if not definite:
        if any(isinstance(answer, httpx.TransportError) for answer in answers):
            raise next(answer for answer in answers if isinstance(answer, httpx.TransportError))
        return
    ids = {answer.json().get("id") if answer.status_code == 201 else answer.status_code for answer in definite}
    assert len(ids) == 1, f"one key, two outcomes: {[answer.text for answer in definite]}"
    attempt.status = definite[0].status_code
    attempt.answer_id = definite[0].json()["id"] if attempt.status == 201 else None


async def _post_until_not_in_progress(client: httpx.AsyncClient, path: str, body: dict[str, str],
                                      headers: dict[str, str], deadline: float) -> httpx.Response:
    """The same request again while its key's first attempt is still running (or was cut off by the kill)."""
    while True:
        answer = await client.post(path, json=body, headers=headers)
        if answer.status_code != 409 or answer.json().get("code") != "idempotency_in_progress":
            return answer
        assert time.monotonic() < deadline, f"{headers['Idempotency-Key']} stayed in progress"
        await asyncio.sleep(RETRY_INTERVAL_S)


async def _open_wallets(base_url: str, people: list[dict[str, str]]) -> dict[int, str]:
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        answers = [await client.get("/api/cashapp/me", headers=headers) for headers in people]
    assert [answer.status_code for answer in answers] == [200] * len(people)
    return {n: answer.json()["cashtag"] for n, answer in enumerate(answers)}


async def _fund_everyone(base_url: str, people: list[dict[str, str]]) -> None:
    """Add cash for everyone and wait for the simulated bank (a scheduled job) to settle it."""
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        for headers in people:
            answer = await client.post("/api/cashapp/bank/deposits", json={"amount": str(FUNDING)},
                                       headers={**headers, "Idempotency-Key": uuid.uuid4().hex})
            assert answer.status_code == 201, answer.text
        deadline = time.monotonic() + SETTLE_TIMEOUT_S
        while True:
            balances = [(await client.get("/api/cashapp/me", headers=headers)).json()["balances"]
                        for headers in people]
            if all(Decimal(b["available"]) == FUNDING for b in balances):
                return
            assert time.monotonic() < deadline, f"the funding deposits did not settle: {balances}"
            await asyncio.sleep(POLL_INTERVAL_S)


async def _wait_until_the_bank_has_settled(stack: Stack) -> None:
    deadline = time.monotonic() + SETTLE_TIMEOUT_S
    while await rows(stack.backends, "SELECT id FROM payments_bank_transfers WHERE status = 'pending'"):
        assert time.monotonic() < deadline, "deposits made before the crash were never settled"
        await asyncio.sleep(POLL_INTERVAL_S)


async def _stored_payments(stack: Stack) -> dict[str, tuple[str, str, str, int]]:
    """client key -> (payment id, sender cashtag, recipient cashtag, amount in cents), from the database."""
    found = await rows(stack.backends, "SELECT p.key, p.id, s.cashtag, r.cashtag, p.amount_minor "
                                       "FROM cashapp_payments p "
                                       "JOIN cashapp_profiles s ON s.account_id = p.sender_id "
                                       "JOIN cashapp_profiles r ON r.account_id = p.recipient_id")
    stored = {_client_key(key): (str(payment_id), sender, recipient, int(amount))
              for key, payment_id, sender, recipient, amount in found}
    assert len(stored) == len(found), "one client key paid twice"
    return stored


async def _expected_balances(stack: Stack, cashtags: dict[int, str],
                             stored: dict[str, tuple[str, str, str, int]]) -> dict[str, Decimal]:
    deposited = await rows(stack.backends, "SELECT w.cashtag, SUM(t.amount_minor) FROM payments_bank_transfers t "
                                           "JOIN cashapp_profiles w ON w.wallet_account_id = t.wallet_account_id "
                                           "WHERE t.status = 'settled' GROUP BY w.cashtag")
    cents = {cashtag: 0 for cashtag in cashtags.values()} | {cashtag: int(total) for cashtag, total in deposited}
    for _payment_id, sender, recipient, amount_minor in stored.values():
        cents[sender] -= amount_minor
        cents[recipient] += amount_minor
    return {cashtag: Decimal(total) / 100 for cashtag, total in cents.items()}


async def _wallets(base_url: str, people: list[dict[str, str]]) -> dict[str, dict[str, Decimal]]:
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        answers = [(await client.get("/api/cashapp/me", headers=headers)).json() for headers in people]
    return {me["cashtag"]: {"available": Decimal(me["balances"]["available"]),
                            "pending": Decimal(me["balances"]["pending"])} for me in answers}


def _client_key(ledger_key: str) -> str:
    """cashapp:pay:<sender id>:<client key> -> the client key."""
    return ledger_key.split(":", 3)[3]


def _cents(amount: str) -> int:
    return int(Decimal(amount) * 100)
