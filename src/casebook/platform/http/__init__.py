"""HTTP cross-cutting behaviour shared by every app: problems, headers, idempotency, paging, health."""
