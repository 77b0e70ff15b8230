"""`casebook bench instagram`'s workload: its setup against a small demo answers valid scenarios, and its
in-process measurements run end to end on small sizes (no timing asserts: numbers come from the benchmark)."""

from __future__ import annotations

import io

from rich.console import Console

from casebook.apps.instagram import bench, demo
from casebook.benchmarks import runner, wrk
from casebook.platform.appmodule import BenchScenario

SMALL_DEMO_PEOPLE = 40


async def _small_demo(platform, monkeypatch) -> None:
    monkeypatch.setenv(demo.PEOPLE_ENV, str(SMALL_DEMO_PEOPLE))
    await demo.load(platform, lambda steps: None)
    await platform.bus.drain(timeout_s=60)


async def test_the_workload_and_its_measurements_run_on_a_small_demo(client, platform, monkeypatch) -> None:
    await _small_demo(platform, monkeypatch)

    scenarios = await bench.workload("http://testserver", http=client)

    assert [(s.name, s.method, s.path) for s in scenarios] == [
        ("bare", "GET", "/healthz"), ("feed", "GET", f"{bench.FEED_PATH}?limit={bench.FEED_PAGE_SIZE}")]
    for scenario in scenarios:
        answer = await client.request(scenario.method, scenario.path, headers=scenario.headers)
        assert answer.status_code == 200, answer.text
    feed = (await client.get(scenarios[1].path, headers=scenarios[1].headers)).json()
    assert feed["items"] and feed["mode"] == "chronological"
    assert dict(bench.workload.extra_loads) == {"feed": bench.MODERATE_CONNECTIONS}
    assert bench.workload.needs_demo is True

    # The in-process measurements, on the same small demo
    feed_rows = await bench.measure_feed(platform, reads=2)
    fanout = await bench.measure_fanout(platform, followers=50)

    assert [row["name"] for row in feed_rows] == [
        "feed_kept", "feed_kept_speedup", "feed_timeline", "feed_fanout_on_read", "feed_speedup",
        "feed_selection_timeline", "feed_selection_fanout_on_read", "feed_selection_speedup"]
    assert {row["detail"]["posts"] for row in feed_rows if "posts" in row["detail"]} == {bench.FEED_PAGE_SIZE}
    assert fanout["name"] == "fanout_50" and fanout["unit"] == "s" and fanout["detail"]["followers"] == 50
    console_text = io.StringIO()
    runner.print_measurements([*feed_rows, fanout], Console(file=console_text, width=200))
    assert "fanout_50" in console_text.getvalue()


def test_rendering_throughput_is_measured_alone_and_per_core() -> None:
    rows = bench.measure_rendering((640, 480), 1)

    assert rows[0]["name"] == "render_image"
    assert rows[1]["name"].startswith("render_image_x")
    assert rows[0]["detail"]["renditions"] == ["large 640x480", "medium 640x480", "small 320x240"]
    assert all(row["unit"] == "photos/s" and row["value"] > 0 for row in rows)


def test_app_scenarios_are_reported_over_the_bare_route_with_their_aims() -> None:
    def result(name: str, rate: float) -> runner.ScenarioResult:
        outcome = wrk.WrkResult(requests=int(rate), duration_s=1.0, requests_per_s=rate, latency_ms={50: 1.0},
                                socket_errors={}, status_errors=0)
        return runner.ScenarioResult(scenario=BenchScenario(name=name), result=outcome)

    ratios = runner._app_ratios([result("bare", 1000.0), result("feed", 400.0), result("feed@c8", 250.0)],
                                bench.workload.ratio_aims)

    assert ratios == {"feed_over_bare": 0.4, "feed_over_bare_aim": 0.333, "feed@c8_over_bare": 0.25}
