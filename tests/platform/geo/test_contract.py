"""The Geo contract: one suite for the in-process H3 index and for Redis GEO."""

from __future__ import annotations

import math
import random
from collections.abc import AsyncIterator

import pytest

from casebook.platform.errors import Invalid
from casebook.platform.geo import Geo, Nearby, open_geo
from casebook.platform.settings import Settings

ALEXANDERPLATZ = (52.5219, 13.4132)
MEAN_EARTH_RADIUS_M = 6_371_008.8  # IUGG mean radius: an independent reference
DISTANCE_TOLERANCE = 0.005
POSITION_TOLERANCE_DEG = 1e-5  # Redis stores 52-bit geohashes: ~0.6 m of rounding


def reference_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((phi2 - phi1) / 2) ** 2
         + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * MEAN_EARTH_RADIUS_M * math.asin(math.sqrt(a))


def shifted(origin: tuple[float, float], *, north_m: float = 0, east_m: float = 0) -> tuple[float, float]:
    lat, lon = origin
    return (lat + math.degrees(north_m / MEAN_EARTH_RADIUS_M),
            lon + math.degrees(east_m / (MEAN_EARTH_RADIUS_M * math.cos(math.radians(lat)))))


@pytest.fixture
async def geo(settings: Settings) -> AsyncIterator[Geo]:
    geo = open_geo(settings.geo_url)
    try:
        yield geo
    finally:
        await geo.close()


async def put(geo: Geo, layer: str, member: str, point: tuple[float, float]) -> None:
    await geo.put(layer, member, lat=point[0], lon=point[1])


def members(found: list[Nearby]) -> list[str]:
    return [near.member for near in found]


async def test_ping_answers(geo: Geo) -> None:
    assert await geo.ping() is None


async def test_put_then_position(geo: Geo) -> None:
    await put(geo, "couriers", "c1", ALEXANDERPLATZ)
    lat, lon = await geo.position("couriers", "c1")
    assert lat == pytest.approx(ALEXANDERPLATZ[0], abs=POSITION_TOLERANCE_DEG)
    assert lon == pytest.approx(ALEXANDERPLATZ[1], abs=POSITION_TOLERANCE_DEG)
    assert await geo.position("couriers", "nobody") is None
    assert await geo.position("empty", "c1") is None


async def test_put_again_moves_the_point(geo: Geo) -> None:
    await put(geo, "couriers", "c1", ALEXANDERPLATZ)
    moved = shifted(ALEXANDERPLATZ, north_m=3000)
    await put(geo, "couriers", "c1", moved)
    lat, lon = await geo.position("couriers", "c1")
    assert (lat, lon) == pytest.approx(moved, abs=POSITION_TOLERANCE_DEG)
    assert await geo.nearest("couriers", lat=ALEXANDERPLATZ[0], lon=ALEXANDERPLATZ[1],
                             radius_m=1000, limit=10) == []
    found = await geo.nearest("couriers", lat=moved[0], lon=moved[1], radius_m=1000, limit=10)
    assert members(found) == ["c1"]


async def test_remove_reports_whether_the_point_existed(geo: Geo) -> None:
    await put(geo, "couriers", "c1", ALEXANDERPLATZ)
    await put(geo, "couriers", "c2", shifted(ALEXANDERPLATZ, east_m=50))
    assert await geo.remove("couriers", "c1") is True
    assert await geo.remove("couriers", "c1") is False
    assert await geo.remove("empty", "c1") is False
    assert await geo.position("couriers", "c1") is None
    found = await geo.nearest("couriers", lat=ALEXANDERPLATZ[0], lon=ALEXANDERPLATZ[1], radius_m=500, limit=10)
    assert members(found) == ["c2"]


async def test_nearest_orders_by_distance_and_honours_the_limit(geo: Geo) -> None:
    offsets = {"far": (0, 2000), "near": (100, 0), "mid": (-300, 0), "closest": (0, -40), "farther": (900, 900)}
    for member, (north_m, east_m) in offsets.items():
        await put(geo, "riders", member, shifted(ALEXANDERPLATZ, north_m=north_m, east_m=east_m))
    lat, lon = ALEXANDERPLATZ
    found = await geo.nearest("riders", lat=lat, lon=lon, radius_m=10_000, limit=3)
    assert members(found) == ["closest", "near", "mid"]
    everyone = await geo.nearest("riders", lat=lat, lon=lon, radius_m=10_000, limit=1000)
    assert members(everyone) == ["closest", "near", "mid", "farther", "far"]


async def test_nearest_respects_the_radius(geo: Geo) -> None:
    for distance_m in (100, 400, 690, 710, 1500):
        await put(geo, "shops", f"shop{distance_m}", shifted(ALEXANDERPLATZ, east_m=distance_m))
    found = await geo.nearest("shops", lat=ALEXANDERPLATZ[0], lon=ALEXANDERPLATZ[1], radius_m=700, limit=10)
    assert members(found) == ["shop100", "shop400", "shop690"]
    assert all(near.distance_m <= 700 for near in found)


async def test_distances_and_coordinates_match_a_haversine_reference(geo: Geo) -> None:
    rng = random.Random(7)
    points = {f"p{n}": shifted(ALEXANDERPLATZ, north_m=rng.uniform(-4000, 4000), east_m=rng.uniform(-4000, 4000))
              for n in range(60)}
    for member, point in points.items():
        await put(geo, "spawns", member, point)
    lat, lon = ALEXANDERPLATZ
    found = await geo.nearest("spawns", lat=lat, lon=lon, radius_m=3000, limit=1000)
    expected = sorted((m for m, p in points.items() if reference_m(lat, lon, *p) <= 3000),
                      key=lambda m: reference_m(lat, lon, *points[m]))
    assert members(found) == expected
    for near in found:
        assert near.distance_m == pytest.approx(reference_m(lat, lon, *points[near.member]), rel=DISTANCE_TOLERANCE)
        assert (near.lat, near.lon) == pytest.approx(points[near.member], abs=POSITION_TOLERANCE_DEG)


async def test_moving_a_point_changes_who_is_nearest(geo: Geo) -> None:
    await put(geo, "couriers", "ann", shifted(ALEXANDERPLATZ, north_m=200))
    await put(geo, "couriers", "bob", shifted(ALEXANDERPLATZ, north_m=800))
    lat, lon = ALEXANDERPLATZ
    assert members(await geo.nearest("couriers", lat=lat, lon=lon, radius_m=5000, limit=1)) == ["ann"]
    await put(geo, "couriers", "bob", shifted(ALEXANDERPLATZ, east_m=50))
    assert members(await geo.nearest("couriers", lat=lat, lon=lon, radius_m=5000, limit=2)) == ["bob", "ann"]


async def test_empty_and_other_layers_find_nothing(geo: Geo) -> None:
    lat, lon = ALEXANDERPLATZ
    assert await geo.nearest("empty", lat=lat, lon=lon, radius_m=1000, limit=10) == []
    await put(geo, "couriers", "c1", ALEXANDERPLATZ)
    assert await geo.nearest("restaurants", lat=lat, lon=lon, radius_m=1000, limit=10) == []


async def test_nearest_works_across_the_antimeridian(geo: Geo) -> None:
    await put(geo, "ships", "east", (0.0, 179.999))
    await put(geo, "ships", "west", (0.0, -179.998))
    found = await geo.nearest("ships", lat=0.0, lon=180.0, radius_m=1000, limit=10)
    assert members(found) == ["east", "west"]


@pytest.mark.parametrize(("lat", "lon", "field"), [
    (90.0, 0.0, "lat"), (-85.1, 0.0, "lat"), (float("nan"), 0.0, "lat"),
    (0.0, 180.5, "lon"), (0.0, -181.0, "lon"), (0.0, float("inf"), "lon"),
])
async def test_put_refuses_invalid_coordinates(geo: Geo, lat: float, lon: float, field: str) -> None:
    with pytest.raises(Invalid) as refused:
        await geo.put("couriers", "c1", lat=lat, lon=lon)
    assert refused.value.extra["errors"][0]["path"] == field
    assert await geo.position("couriers", "c1") is None


@pytest.mark.parametrize(("changes", "field"), [
    ({"lat": 91.0}, "lat"), ({"lon": -200.0}, "lon"), ({"radius_m": 0}, "radius_m"),
    ({"radius_m": -5.0}, "radius_m"), ({"radius_m": float("inf")}, "radius_m"),
    ({"limit": 0}, "limit"), ({"limit": 1001}, "limit"),
])
async def test_nearest_refuses_invalid_queries(geo: Geo, changes: dict, field: str) -> None:
    query = {"lat": ALEXANDERPLATZ[0], "lon": ALEXANDERPLATZ[1], "radius_m": 1000.0, "limit": 10} | changes
    with pytest.raises(Invalid) as refused:
        await geo.nearest("couriers", **query)
    assert refused.value.status == 422
    assert refused.value.extra["errors"][0]["path"] == field
