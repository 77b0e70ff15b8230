"""Tables of the messaging engine."""
