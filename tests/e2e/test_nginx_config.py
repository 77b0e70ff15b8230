"""deploy/nginx.conf, rendered and run by a real nginx in front of two recording upstreams."""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from casebook.benchmarks.nginx import NginxProcess, upstreams_in_log
from casebook.benchmarks.server import free_port

pytestmark = pytest.mark.e2e

LARGE_JSON_ITEMS = 200  # ~6 KiB of JSON: above gzip_min_length


class _Upstream(http.server.BaseHTTPRequestHandler):
    """Answers every request with the headers it received, as JSON, and which upstream it is."""

    protocol_version = "HTTP/1.1"

    def _answer(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        payload = json.dumps({"upstream": self.server.server_address[1],  # type: ignore[attr-defined]
                              "path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()},
                              "items": [{"id": n, "body": "x" * 20} for n in range(LARGE_JSON_ITEMS)]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def nginx(tmp_path: Path) -> Iterator[NginxProcess]:
    upstreams = [http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Upstream) for _ in range(2)]
    threads = [threading.Thread(target=server.serve_forever, daemon=True) for server in upstreams]
    for thread in threads:
        thread.start()
    proxy = NginxProcess(tmp_path / "nginx", listen_port=free_port(),
                         upstreams=[f"127.0.0.1:{server.server_address[1]}" for server in upstreams])
    try:
        proxy.start()
        yield proxy
    finally:
        proxy.stop()
        for server in upstreams:
            server.shutdown()
            server.server_close()


def test_forwards_client_and_request_id_headers(nginx: NginxProcess) -> None:
    answer = httpx.get(nginx.base_url + "/api/guestbook/entries", headers={"X-Request-ID": "req-abc.1"})

    seen = answer.json()["headers"]
    assert answer.status_code == 200
    assert seen["x-forwarded-for"] == "127.0.0.1"
    assert seen["x-forwarded-proto"] == "http"
    assert seen["x-real-ip"] == "127.0.0.1"
    assert seen["x-request-id"] == "req-abc.1"
    assert "upgrade" not in seen  # plain requests stay on the keepalive pool
    assert _logged_upstreams(nginx, "GET /api/guestbook/entries")[0] in nginx.upstreams
    assert "request_id=req-abc.1" in nginx.access_log_path.read_text()


def test_mints_a_request_id_when_the_client_sends_none(nginx: NginxProcess) -> None:
    seen = httpx.get(nginx.base_url + "/api/x").json()["headers"]

    assert len(seen["x-request-id"]) == 32  # nginx's $request_id: 16 random bytes in hex


def test_spreads_requests_over_both_upstreams(nginx: NginxProcess) -> None:
    with httpx.Client(base_url=nginx.base_url) as client:
        served_by = {client.post("/api/guestbook/entries", json={"n": n}).json()["upstream"] for n in range(10)}

    assert served_by == {int(address.rsplit(":", 1)[1]) for address in nginx.upstreams}
    logged = _logged_upstreams(nginx, "POST /api/guestbook/entries", count=10)
    assert len(logged) == 10
    assert set(logged) == set(nginx.upstreams)


def test_compresses_json_for_clients_that_accept_gzip(nginx: NginxProcess) -> None:
    answer = httpx.get(nginx.base_url + "/api/x", headers={"Accept-Encoding": "gzip"})

    assert answer.headers["content-encoding"] == "gzip"
    assert len(answer.json()["items"]) == LARGE_JSON_ITEMS  # httpx decoded it
    raw = httpx.get(nginx.base_url + "/api/x", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in raw.headers
    assert raw.json()["items"] == answer.json()["items"]


def test_refuses_bodies_above_the_app_limit_at_the_edge(nginx: NginxProcess) -> None:
    too_large = b"x" * (10 * 1024 * 1024 + 1)

    answer = httpx.post(nginx.base_url + "/api/x", content=too_large, timeout=30)

    assert answer.status_code == 413
    # nginx logs a refused request once it has finished discarding the body: wait for the line.
    assert _logged_upstreams(nginx, "POST /api/x") == ["-"]  # answered by nginx, never proxied


def _logged_upstreams(nginx: NginxProcess, request_prefix: str, *, count: int = 1,
                      timeout_s: float = 5.0) -> list[str]:
    """Upstreams of the logged requests, once `count` are logged: nginx writes a line after answering."""
    deadline = time.monotonic() + timeout_s
    while True:
        logged = upstreams_in_log(nginx.access_log_path.read_text(), request_prefix=request_prefix)
        if len(logged) >= count or time.monotonic() > deadline:
            return logged
        time.sleep(0.02)


def test_passes_websocket_upgrades_on_ws_paths(nginx: NginxProcess) -> None:
    answer = httpx.get(nginx.base_url + "/api/duo/calls/7/ws",
                       headers={"Upgrade": "websocket", "Connection": "Upgrade"})

    seen = answer.json()["headers"]
    assert seen["upgrade"] == "websocket"
    assert seen["connection"] == "upgrade"
