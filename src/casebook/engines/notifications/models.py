"""Tables of the notifications engine."""
