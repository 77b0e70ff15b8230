"""Request ids, security headers, health, readiness and metrics."""


async def test_every_answer_carries_a_request_id_and_security_headers(client) -> None:
    for path in ("/healthz", "/api/nope"):
        response = await client.get(path)
        assert len(response.headers["x-request-id"]) >= 16
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert "unsafe-inline" not in response.headers["content-security-policy"].split("script-src")[1].split(";")[0]


async def test_a_sane_incoming_request_id_is_kept_and_a_hostile_one_replaced(client) -> None:
    kept = await client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    replaced = await client.get("/healthz", headers={"X-Request-ID": "evil\tvalue" + "x" * 200})

    assert kept.headers["x-request-id"] == "abc-123"
    assert replaced.headers["x-request-id"] != "evil\tvalue" + "x" * 200


async def test_health_and_readiness_report_every_backend(client, settings) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}

    ready = await client.get("/readyz")

    assert ready.status_code == 200
    checks = ready.json()["checks"]
    assert set(checks) == {"database", "cache", "bus", "blobs", "search", "realtime", "geo"}
    assert all(check["ok"] for check in checks.values())
    assert checks["cache"]["adapter"] == settings.cache_url


async def test_metrics_count_requests_by_route_template(client) -> None:
    await client.get("/api/guestbook/entries/123")

    text = (await client.get("/metrics")).text

    assert 'casebook_http_requests_total{method="GET",route="/api/guestbook/entries/{entry_id}",status="404"} 1.0' in text
    assert "casebook_http_request_duration_seconds_bucket" in text


async def test_openapi_document_and_docs_page(client) -> None:
    document = await client.get("/api/docs/openapi.json")
    page = await client.get("/api/docs")

    assert document.status_code == 200
    paths = document.json()["paths"]
    assert "/api/accounts" in paths and "/api/guestbook/entries" in paths
    assert page.status_code == 200 and "swagger-ui" in page.text
    assert (await client.get("/api/docs/assets/swagger-ui-bundle.js")).status_code == 200


async def test_the_document_describes_errors_as_problem_json(client) -> None:
    document = (await client.get("/api/docs/openapi.json")).json()

    problem = document["components"]["schemas"]["Problem"]
    operation = document["paths"]["/api/guestbook/entries"]["post"]["responses"]
    assert {"type", "title", "status", "detail", "code"} <= set(problem["required"])
    assert operation["default"]["content"]["application/problem+json"]["schema"]["$ref"] == \
        "#/components/schemas/Problem"
    assert "application/json" not in operation["400"]["content"]
