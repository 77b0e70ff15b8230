"""Explore (trending hashtags, popular posts, suggested accounts), hashtag and place pages, search."""
