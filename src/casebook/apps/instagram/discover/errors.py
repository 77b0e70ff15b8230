"""Refusals of discovery reads, with stable codes."""

from casebook.platform.errors import Invalid, NotFound


class SearchTypeInvalid(Invalid):
    code = "search_type_invalid"


class HashtagNotFound(NotFound):
    code = "hashtag_not_found"


class PlaceNotFound(NotFound):
    code = "place_not_found"
