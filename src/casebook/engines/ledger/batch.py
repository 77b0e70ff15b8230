"""One batch of requests in one database transaction: replay known keys, validate in order, write once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from casebook.engines.ledger import events, model, repository
from casebook.engines.ledger.errors import IdempotencyMismatch
from casebook.platform.errors import CasebookError
from casebook.platform.uow import UnitOfWork

ERROR_DETAIL_CHARS_MAX = 500


async def commit_batch(uow: UnitOfWork, requests: Sequence[model.Request], *, now: datetime | None = None,
                       store_refusals: bool = True) -> list[model.TransferResult]:
    """Results in request order; they hold only once `uow` commits. Refusals never affect the others.

    A key seen before (in an earlier batch, or earlier in this one) gets the first result back,
    or IdempotencyMismatch when the request differs. Refusals are stored too, so a retry
    cannot succeed later where the first attempt was refused (TigerBeetle's `id_already_failed`);
    callers whose refusals must leave no trace (a user's payment refused for funds may be retried with
    its key once funded) pass `store_refusals=False`.
    """
    session = uow.session
    now = now or uow.now()
    hashes = [model.request_hash(request) for request in requests]
    stored = await repository.stored_requests(session, {request.key for request in requests})
    first_index: dict[str, int] = {}
    for index, request in enumerate(requests):
        if request.key not in stored:
            first_index.setdefault(request.key, index)
    fresh = sorted(first_index.values())
    referenced = await repository.load_referenced(session, _referenced_ids(requests[i] for i in fresh))
    account_ids = {leg.account_id for i in fresh if isinstance(requests[i], model.Transfer)
                   for leg in requests[i].legs}  # type: ignore[union-attr]
    account_ids |= {entry.account_id for state in referenced.values() for entry in state.entries}
    accounts = await repository.load_account_states(session, account_ids)

    results: dict[int, model.TransferResult] = {}
    written = _Written()
    for index in fresh:
        request = requests[index]
        try:
            draft = model.plan(request, accounts=accounts, pendings=referenced, now=now)
            model.apply(draft, accounts, referenced)
        except CasebookError as refusal:
            results[index] = model.TransferResult(key=request.key, error_code=refusal.code,
                                                  error_detail=refusal.detail[:ERROR_DETAIL_CHARS_MAX])
            if store_refusals and not isinstance(request, model.ExpirePending):  # the engine's own retry stays possible
                written.refusal(request, hashes[index], results[index], now)
            continue
        transaction = model.Transaction(
            id=uow.new_id(), key=request.key, kind=draft.kind, status=draft.status, entries=draft.entries,
            created_at=now, pending_id=draft.pending_id, reverses_id=draft.reverses_id,
            expires_at=draft.expires_at, metadata=request.metadata)
        written.transaction(uow, request, hashes[index], transaction, resolved_status=draft.resolved_status)
        results[index] = model.TransferResult(key=request.key, transaction=transaction)

    touched = [accounts[account_id] for account_id in written.touched_account_ids]
    for account in touched:  # invariants, not refusals: a broken one is a bug in plan/apply
        assert model.limit_refusal(account) is None, f"account {account.id} broke its limit"
    await repository.write_batch(session, transactions=written.transactions, entries=written.entries,
                                 accounts=touched, resolved=written.resolved, requests=written.requests)
    for request, transaction in written.committed:
        uow.publish(events.subject_of(transaction), events.payload_of(transaction))
        for subject, payload in request.events:
            uow.publish(subject, payload)
    replayed = await _replay(session, requests, hashes, stored, first_index, results)
    return [results[index] if index in results else replayed[index] for index in range(len(requests))]


def _referenced_ids(requests: Any) -> set[int]:
    ids: set[int] = set()
    for request in requests:
        if isinstance(request, model.Reverse):
            ids.add(request.transaction_id)
        elif not isinstance(request, model.Transfer):
            ids.add(request.pending_id)
    return ids


class _Written:
    """The rows a batch will insert and update, collected as requests are accepted or refused: tuples in the
    column order of repository.TRANSACTION_COLUMNS, ENTRY_COLUMNS and REQUEST_COLUMNS."""

    def __init__(self) -> None:
        self.transactions: list[tuple[Any, ...]] = []
        self.entries: list[tuple[Any, ...]] = []
        self.requests: list[tuple[Any, ...]] = []
        self.resolved: list[tuple[int, str]] = []
        self.committed: list[tuple[model.Request, model.Transaction]] = []
        self.touched_account_ids: set[int] = set()

    def transaction(self, uow: UnitOfWork, request: model.Request, request_hash: str,
                    transaction: model.Transaction, *, resolved_status: str | None) -> None:
        created_at = transaction.created_at
        self.transactions.append((
            transaction.id, transaction.key, transaction.kind, transaction.status, transaction.pending_id,
            transaction.reverses_id, transaction.expires_at, transaction.metadata, created_at))
        for entry in transaction.entries:
            self.entries.append((uow.new_id(), transaction.id, entry.account_id, entry.currency, entry.side,
                                 entry.phase, entry.amount_minor, created_at))
            self.touched_account_ids.add(entry.account_id)
        if transaction.pending_id is not None and resolved_status is not None:
            self.resolved.append((transaction.pending_id, resolved_status))
        self.requests.append((request.key, request_hash, transaction.id, None, None, created_at))
        self.committed.append((request, transaction))

    def refusal(self, request: model.Request, request_hash: str, result: model.TransferResult,
                now: datetime) -> None:
        self.requests.append((request.key, request_hash, None, result.error_code, result.error_detail, now))


async def _replay(session: Any, requests: Sequence[model.Request], hashes: list[str], stored: dict[str, Any],
                  first_index: dict[str, int], results: dict[int, model.TransferResult],
                  ) -> dict[int, model.TransferResult]:
    """Results for keys already used: the stored or in-batch first result, or a mismatch refusal."""
    replayed: dict[int, model.TransferResult] = {}
    pending_lookups = {row.transaction_id for row in stored.values() if row.transaction_id is not None}
    loaded = await repository.load_transactions(session, pending_lookups)
    for index, request in enumerate(requests):
        if index in results:
            continue
        if request.key in stored:
            row = stored[request.key]
            first_hash = row.request_hash
            first = (model.TransferResult(key=request.key, transaction=loaded[row.transaction_id])
                     if row.transaction_id is not None else
                     model.TransferResult(key=request.key, error_code=row.error_code, error_detail=row.error_detail))
        else:
            first_hash = hashes[first_index[request.key]]
            first = results[first_index[request.key]]
        if first_hash != hashes[index]:
            mismatch = IdempotencyMismatch(f"key {request.key!r} was first used for a different request")
            first = model.TransferResult(key=request.key, error_code=mismatch.code, error_detail=mismatch.detail)
        replayed[index] = first
    return replayed
