"""The social graph (follows, follow requests, blocks) and capped timelines with hybrid fan-out."""
