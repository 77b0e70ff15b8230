"""RFC 9457 problem+json for every error: one mapper from exceptions to stable `type`s."""

from __future__ import annotations

import re
from typing import Any

import msgspec
import structlog
from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException
from sqlalchemy.exc import DataError, IntegrityError, InterfaceError, OperationalError

from casebook.platform.errors import PROBLEM_TYPE_BASE, CasebookError

log = structlog.get_logger(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"

# Litestar's own HTTP errors, by status: (code, title).
HTTP_STATUS_PROBLEMS: dict[int, tuple[str, str]] = {
    400: ("bad_request", "Bad request"),
    401: ("unauthorized", "Authentication required"),
    403: ("forbidden", "Forbidden"),
    404: ("not_found", "Not found"),
    405: ("method_not_allowed", "Method not allowed"),
    406: ("not_acceptable", "Not acceptable"),
    409: ("conflict", "Conflict"),
    413: ("payload_too_large", "Payload too large"),
    415: ("unsupported_media_type", "Unsupported media type"),
    422: ("validation_failed", "Validation failed"),
    429: ("rate_limited", "Too many requests"),
    503: ("unavailable", "Service unavailable"),
}


def problem_response(problem: dict[str, Any], headers: dict[str, str] | None = None) -> Response:
    return Response(
        content=msgspec.json.encode(problem),
        status_code=problem["status"],
        media_type=PROBLEM_MEDIA_TYPE,
        headers=headers,
    )


def handle_casebook_error(request: Request, error: CasebookError) -> Response:
    headers = {"Retry-After": str(error.retry_after_s)} if hasattr(error, "retry_after_s") else None
    return problem_response(error.to_problem(instance=request.url.path), headers)


def handle_validation_error(request: Request, error: ValidationException) -> Response:
    """Body and parameter validation: field paths for type errors, 400 for unparseable input."""
    extra = error.extra if isinstance(error.extra, list) else []
    field_errors = [
        {"path": _field_path(item), "message": str(item.get("message", "")), "source": str(item.get("source", "body"))}
        for item in extra if isinstance(item, dict)
    ]
    if not field_errors and _looks_malformed(error.detail):
        return _problem(request, 400, "malformed_request", "Malformed request", error.detail)
    detail = "; ".join(f"{e['path'] or e['source']}: {e['message']}" for e in field_errors) or error.detail
    return problem_response({
        **_base(request, 422, "validation_failed", "Validation failed", detail),
        "errors": field_errors or [{"path": "", "message": error.detail, "source": "body"}],
    })


def handle_http_exception(request: Request, error: HTTPException) -> Response:
    status = error.status_code
    if status >= 500:
        return handle_unexpected(request, error)
    code, title = HTTP_STATUS_PROBLEMS.get(status, ("http_error", "HTTP error"))
    headers = {key: value for key, value in (error.headers or {}).items()}
    return problem_response(_base(request, status, code, title, str(error.detail) or title), headers)


def handle_unexpected(request: Request, error: Exception) -> Response:
    """A bug, not a user error: log it with the request id and answer without internals."""
    log.error("unhandled_error", path=request.url.path, method=request.method, exc_info=error)
    return _problem(request, 500, "internal_error", "Internal server error",
                    "Something went wrong on our side; the request id in X-Request-ID identifies it.")


def handle_integrity_error(request: Request, error: IntegrityError) -> Response:
    """A uniqueness race the service could not see coming (two requests at once): the loser gets 409."""
    log.warning("integrity_conflict", path=request.url.path, error=str(error.orig)[:200])
    return _problem(request, 409, "conflict", "Conflict",
                    "The request conflicts with a concurrent change; reload and try again.")


def handle_data_error(request: Request, error: DataError) -> Response:
    """A value the database cannot hold (out of range, wrong encoding) that validation let through."""
    log.warning("data_error", path=request.url.path, error=str(error.orig)[:200])
    return _problem(request, 422, "validation_failed", "Validation failed", "A value is out of the accepted range.")


def handle_operational_error(request: Request, error: OperationalError) -> Response:
    """The database is overloaded or unreachable: tell the client to retry rather than blame it."""
    log.error("database_unavailable", path=request.url.path, error=str(error.orig)[:200])
    return problem_response(_base(request, 503, "unavailable", "Service unavailable",
                                  "The database is busy or unreachable; retry shortly."), {"Retry-After": "1"})


def handle_interface_error(request: Request, error: InterfaceError) -> Response:
    """The connection died under the statement (a database restart): SQLAlchemy has already dropped the pool,
    so a retry reconnects. Anything else at this level is a bug, answered as one."""
    if error.connection_invalidated:
        log.error("database_connection_lost", path=request.url.path, error=str(error.orig)[:200])
        return problem_response(_base(request, 503, "unavailable", "Service unavailable",
                                      "The database connection was lost; retry shortly."), {"Retry-After": "1"})
    return handle_unexpected(request, error)


def _field_path(item: dict[str, Any]) -> str:
    """Litestar names the whole body `data`; msgspec names the missing or unknown field in its message."""
    path = str(item.get("key", ""))
    message = str(item.get("message", ""))
    if path == "data" or path.startswith("data."):
        path = path.removeprefix("data").removeprefix(".")
    named = _NAMED_FIELD.search(message)
    if named:
        path = f"{path}.{named.group(1)}" if path else named.group(1)
    return path


_NAMED_FIELD = re.compile(r"(?:missing required field|unknown field) `([^`]+)`")


def _looks_malformed(detail: str) -> bool:
    lowered = detail.lower()
    return any(marker in lowered for marker in ("malformed", "json", "decode", "invalid content-length", "multipart"))


def _base(request: Request, status: int, code: str, title: str, detail: str) -> dict[str, Any]:
    return {
        "type": PROBLEM_TYPE_BASE + code.replace("_", "-"),
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
        "instance": request.url.path,
    }


def _problem(request: Request, status: int, code: str, title: str, detail: str) -> Response:
    return problem_response(_base(request, status, code, title, detail))


EXCEPTION_HANDLERS = {
    CasebookError: handle_casebook_error,
    ValidationException: handle_validation_error,
    HTTPException: handle_http_exception,
    IntegrityError: handle_integrity_error,
    DataError: handle_data_error,
    OperationalError: handle_operational_error,
    InterfaceError: handle_interface_error,
    Exception: handle_unexpected,
}

__all__ = ["EXCEPTION_HANDLERS", "PROBLEM_MEDIA_TYPE", "MediaType", "problem_response"]
