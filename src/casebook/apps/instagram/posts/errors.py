"""Refusals of posts, likes, comments and saves, each with a stable code."""

from __future__ import annotations

from casebook.platform.errors import Invalid, NotFound


class PostNotFound(NotFound):
    """Also what a post the caller may not see answers: its existence stays private."""

    code = "post_not_found"
    title = "Post not found"


class CommentNotFound(NotFound):
    code = "comment_not_found"
    title = "Comment not found"


class MediaNotUsable(Invalid):
    """A media id that is not the caller's, or whose processing failed."""

    code = "media_invalid"
    title = "Media cannot be posted"


class TagInvalid(Invalid):
    """An unknown person, or one blocked either way: the answer does not say which."""

    code = "user_tag_invalid"
    title = "That person cannot be tagged"
