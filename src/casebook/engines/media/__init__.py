"""The media pipeline: uploads validated by content, images rendered in several sizes, short videos transcoded."""
