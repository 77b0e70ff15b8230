"""Liveness, readiness and Prometheus metrics endpoints."""

from __future__ import annotations

from typing import Any

from litestar import MediaType, Response, get
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from casebook.platform.http.dependencies import PlatformDependency


@get("/healthz", media_type=MediaType.JSON, include_in_schema=True, tags=["platform"], sync_to_thread=False)
def healthz() -> dict[str, str]:
    """The process is up and answering."""
    return {"status": "ok"}


@get("/readyz", tags=["platform"])
async def readyz(platform: PlatformDependency) -> Response[dict[str, Any]]:
    """Every configured backend answers; 503 with the failing ones otherwise."""
    report = await platform.check()
    checks = {name: {"adapter": url, "ok": error is None, **({"error": error} if error else {})}
              for name, (url, error) in report.items()}
    is_ready = all(check["ok"] for check in checks.values())
    return Response({"status": "ready" if is_ready else "unavailable", "checks": checks},
                    status_code=200 if is_ready else 503)


@get("/metrics", media_type=CONTENT_TYPE_LATEST, include_in_schema=False)
async def metrics(metrics_registry: Any) -> bytes:
    return generate_latest(metrics_registry)


health_routes = [healthz, readyz, metrics]
