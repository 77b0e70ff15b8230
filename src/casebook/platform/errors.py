"""One error hierarchy with stable codes; the HTTP layer turns each into RFC 9457 problem+json."""

from __future__ import annotations

from typing import Any

PROBLEM_TYPE_BASE = "https://casebook.dev/problems/"


class CasebookError(Exception):
    """A refusal a user can cause. Subclasses set `status` and a stable `code`."""

    status: int = 400
    code: str = "bad_request"
    title: str = "Bad request"

    def __init__(self, detail: str | None = None, *, code: str | None = None, **extra: Any) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        if code is not None:
            self.code = code
        self.extra = extra

    @property
    def type_uri(self) -> str:
        return PROBLEM_TYPE_BASE + self.code.replace("_", "-")

    def to_problem(self, instance: str | None = None) -> dict[str, Any]:
        problem: dict[str, Any] = {
            "type": self.type_uri,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "code": self.code,
        }
        if instance:
            problem["instance"] = instance
        problem.update(self.extra)
        return problem


class Invalid(CasebookError):
    """The request is well-formed but breaks a rule; `errors` lists field paths."""

    status = 422
    code = "validation_failed"
    title = "Validation failed"

    def __init__(self, detail: str | None = None, *, field: str | None = None,
                 errors: list[dict[str, str]] | None = None, code: str | None = None, **extra: Any) -> None:
        if errors is None and field is not None:
            errors = [{"path": field, "message": detail or self.title}]
        super().__init__(detail, code=code, errors=errors or [], **extra)


class Unauthorized(CasebookError):
    status = 401
    code = "unauthorized"
    title = "Authentication required"


class Forbidden(CasebookError):
    status = 403
    code = "forbidden"
    title = "Forbidden"


class NotFound(CasebookError):
    status = 404
    code = "not_found"
    title = "Not found"


class MethodNotAllowed(CasebookError):
    status = 405
    code = "method_not_allowed"
    title = "Method not allowed"


class Conflict(CasebookError):
    status = 409
    code = "conflict"
    title = "Conflict"


class Gone(CasebookError):
    status = 410
    code = "gone"
    title = "Gone"


class PayloadTooLarge(CasebookError):
    status = 413
    code = "payload_too_large"
    title = "Payload too large"


class UnsupportedMediaType(CasebookError):
    status = 415
    code = "unsupported_media_type"
    title = "Unsupported media type"


class RangeNotSatisfiable(CasebookError):
    status = 416
    code = "range_not_satisfiable"
    title = "Range not satisfiable"


class LimitExceeded(CasebookError):
    """Too many requests or over a quota; `retry_after_s` becomes a Retry-After header."""

    status = 429
    code = "rate_limited"
    title = "Too many requests"

    def __init__(self, detail: str | None = None, *, retry_after_s: int = 1, code: str | None = None,
                 **extra: Any) -> None:
        super().__init__(detail, code=code, retry_after_s=retry_after_s, **extra)
        self.retry_after_s = retry_after_s


class Unavailable(CasebookError):
    status = 503
    code = "unavailable"
    title = "Service unavailable"
