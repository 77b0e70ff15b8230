"""Idempotency-Key for write requests: the first answer is stored for 24 h and replayed to retries."""
