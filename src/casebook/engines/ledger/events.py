"""Events the ledger emits: one per committed transaction, in the outbox of the same DB transaction."""

from __future__ import annotations

from typing import Any

from casebook.engines.ledger import model

TRANSACTION_POSTED = "casebook.ledger.transaction_posted"
PENDING_CREATED = "casebook.ledger.pending_created"
PENDING_POSTED = "casebook.ledger.pending_posted"
PENDING_VOIDED = "casebook.ledger.pending_voided"
PENDING_EXPIRED = "casebook.ledger.pending_expired"
TRANSACTION_REVERSED = "casebook.ledger.transaction_reversed"
SUBJECTS = {
    "transfer": TRANSACTION_POSTED,
    "pending": PENDING_CREATED,
    "post_pending": PENDING_POSTED,
    "void_pending": PENDING_VOIDED,
    "expire_pending": PENDING_EXPIRED,
    "reverse": TRANSACTION_REVERSED,
}
ALL_SUBJECTS = tuple(SUBJECTS.values())


def subject_of(transaction: model.Transaction) -> str:
    return SUBJECTS[transaction.kind]


def payload_of(transaction: model.Transaction) -> dict[str, Any]:
    """Ids as strings (JSON readers lose precision past 2**53); amounts as integer minor units."""
    optional = {name: str(value) for name in ("pending_id", "reverses_id")
                if (value := getattr(transaction, name)) is not None}
    return {
        "transaction_id": str(transaction.id),
        "key": transaction.key,
        "kind": transaction.kind,
        "status": transaction.status,
        **optional,
        "postings": [{"account_id": str(entry.account_id), "currency": entry.currency, "side": entry.side,
                      "phase": entry.phase, "amount_minor": entry.amount_minor} for entry in transaction.entries],
        "metadata": transaction.metadata,
    }
