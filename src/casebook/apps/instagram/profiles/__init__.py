"""Profiles, follows, follow requests, blocks, reports and close friends."""
