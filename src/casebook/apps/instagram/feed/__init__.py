"""The home feed (hybrid fan-out, chronological and ranked) and stories."""
