"""The wrk driver: report parsing, Lua request scripts, and one real wrk run against a recording server."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from casebook.benchmarks import wrk
from casebook.platform.appmodule import BenchScenario

# Verbatim output of Debian's wrk 4.1.0 (`wrk -t2 -c4 -d2s --latency`).
REPORT_WITH_STATUS_ERRORS = """\
Running 2s test @ http://127.0.0.1:18999/nonexistent
  2 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.09ms    0.92ms   9.18ms   83.72%
    Req/Sec     0.97k   117.80     1.11k    75.00%
  Latency Distribution
     50%    1.92ms
     75%    2.33ms
     90%    2.94ms
     99%    6.04ms
  3846 requests in 2.00s, 1.91MB read
  Non-2xx or 3xx responses: 3846
Requests/sec:   1919.13
Transfer/sec:      0.95MB"""

REPORT_WITH_SOCKET_ERRORS = """\
Running 10s test @ http://127.0.0.1:8000/healthz
  2 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   812.40us  300.11us  12.50ms   91.00%
    Req/Sec    39.12k     2.01k   43.80k    70.50%
  Latency Distribution
     50%  750.00us
     75%  900.12us
     90%    1.10ms
     99%    1.02s
  778812 requests in 10.10s, 120.50MB read
  Socket errors: connect 0, read 3, write 1, timeout 7
Requests/sec:  77110.09
Transfer/sec:     11.93MB
"""


def test_parses_rate_percentiles_and_status_errors() -> None:
    result = wrk.parse_report(REPORT_WITH_STATUS_ERRORS)

    assert result.requests == 3846
    assert result.duration_s == 2.0
    assert result.requests_per_s == 1919.13
    assert result.latency_ms == {50: 1.92, 75: 2.33, 90: 2.94, 99: 6.04}
    assert result.socket_errors == {"connect": 0, "read": 0, "write": 0, "timeout": 0}
    assert result.status_errors == 3846
    assert result.errors == 3846


def test_converts_microseconds_and_seconds_and_counts_socket_errors() -> None:
    result = wrk.parse_report(REPORT_WITH_SOCKET_ERRORS)

    assert result.latency_ms == {50: 0.75, 75: 0.9, 90: 1.1, 99: 1020.0}
    assert result.duration_s == 10.1
    assert result.requests_per_s == 77110.09
    assert result.socket_errors == {"connect": 0, "read": 3, "write": 1, "timeout": 7}
    assert result.status_errors == 0
    assert result.errors == 11


def test_rejects_a_report_without_latency_distribution() -> None:
    without_latency = "\n".join(line for line in REPORT_WITH_STATUS_ERRORS.splitlines() if "%" not in line)

    with pytest.raises(wrk.WrkError, match="--latency"):
        wrk.parse_report(without_latency)


def test_lua_string_escapes_quotes_backslashes_and_non_ascii() -> None:
    assert wrk.lua_string('say "hi"\\') == '"say \\034hi\\034\\092"'
    assert wrk.lua_string("é\n") == '"\\195\\169\\010"'
    assert wrk.lua_string(b"123") == '"123"'


def test_only_plain_gets_go_without_a_script() -> None:
    assert not wrk.needs_script(BenchScenario(name="read", path="/x", headers={"A": "b"}))
    assert wrk.needs_script(BenchScenario(name="write", method="post", path="/x", body=b"{}"))


def test_command_passes_headers_and_latency_flag() -> None:
    args = wrk.command("http://h/x", threads=2, connections=64, duration_s=10,
                       headers={"Authorization": "Bearer t"})

    assert args == ["wrk", "-t2", "-c64", "-d10s", "--timeout=10s", "--latency", "-H", "Authorization: Bearer t",
                    "http://h/x"]


class _Recorder(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen: ClassVar[list[tuple[str, str, str, bytes]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.seen.append((self.command, self.path, self.headers.get("X-Token", ""), body))
        self.send_response(201)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def recording_server() -> Iterator[str]:
    _Recorder.seen = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_script_sends_method_headers_and_body_through_real_wrk(recording_server: str, tmp_path: Path) -> None:
    body = '{"body": "héllo \\"wrk\\""}'.encode()
    scenario = BenchScenario(name="sign the book", method="POST", path="/api/guestbook/entries",
                             headers={"X-Token": "abc", "Content-Type": "application/json"}, body=body)

    result = wrk.run(recording_server, scenario, threads=1, connections=1, duration_s=1, script_dir=tmp_path)

    assert result.requests > 0
    assert result.errors == 0
    assert _Recorder.seen[0] == ("POST", "/api/guestbook/entries", "abc", body)
    assert {request for request in _Recorder.seen} == {("POST", "/api/guestbook/entries", "abc", body)}
