"""Tables of the media engine."""
