"""Tables of the social engine."""
