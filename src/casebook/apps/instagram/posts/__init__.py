"""Media uploads, posts (carousel, caption, tags, location, visibility), likes, comments, saves, insights."""
