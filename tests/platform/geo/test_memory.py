"""The in-process H3 index finds exactly what a scan of every point finds, wherever it is searched."""

from __future__ import annotations

import asyncio
import math
import random

import h3
from hypothesis import given, settings
from hypothesis import strategies as st

from casebook.platform.geo.memory import MemoryGeo, haversine_m

PENTAGON = h3.cell_to_latlng(h3.get_pentagons(9)[3])
CENTERS = {"berlin": (52.52, 13.40), "equator": (0.0, 0.0), "arctic": (80.0, 20.0),
           "antimeridian": (-16.5, 179.99), "pentagon": PENTAGON}
POINTS_PER_CENTER = 1500
SPREAD_M = 3000


def _build() -> tuple[MemoryGeo, dict[str, dict[str, tuple[float, float]]]]:
    geo, layers, rng = MemoryGeo(), {}, random.Random(11)
    for name, (lat, lon) in CENTERS.items():
        layer = layers[name] = {}
        for n in range(POINTS_PER_CENTER):
            north_m, east_m = rng.uniform(-SPREAD_M, SPREAD_M), rng.uniform(-SPREAD_M, SPREAD_M)
            point_lat = lat + math.degrees(north_m / 6_371_000)
            point_lon = lon + math.degrees(east_m / (6_371_000 * math.cos(math.radians(lat))))
            point_lon = (point_lon + 180) % 360 - 180
            layer[f"m{n}"] = (point_lat, point_lon)
            asyncio.run(geo.put(name, f"m{n}", lat=point_lat, lon=point_lon))
    return geo, layers


GEO, LAYERS = _build()


@settings(max_examples=150, deadline=None)
@given(center=st.sampled_from(sorted(CENTERS)), north_m=st.floats(-3500, 3500), east_m=st.floats(-3500, 3500),
       radius_m=st.floats(1, 2500), limit=st.integers(1, 60))
def test_ring_search_equals_a_full_scan(center: str, north_m: float, east_m: float, radius_m: float,
                                        limit: int) -> None:
    base_lat, base_lon = CENTERS[center]
    lat = base_lat + math.degrees(north_m / 6_371_000)
    lon = (base_lon + math.degrees(east_m / (6_371_000 * math.cos(math.radians(base_lat)))) + 180) % 360 - 180
    found = asyncio.run(GEO.nearest(center, lat=lat, lon=lon, radius_m=radius_m, limit=limit))
    scanned = sorted((haversine_m(lat, lon, *point), member) for member, point in LAYERS[center].items())
    expected = [member for distance_m, member in scanned if distance_m <= radius_m][:limit]
    assert [near.member for near in found] == expected


async def test_moving_within_a_cell_and_across_cells_keeps_one_entry() -> None:
    geo = MemoryGeo()
    await geo.put("layer", "a", lat=52.52, lon=13.40)
    await geo.put("layer", "a", lat=52.52001, lon=13.40001)
    await geo.put("layer", "a", lat=52.60, lon=13.50)
    found = await geo.nearest("layer", lat=52.60, lon=13.50, radius_m=50_000, limit=10)
    assert [(near.member, near.lat, near.lon) for near in found] == [("a", 52.60, 13.50)]
    assert await geo.remove("layer", "a") is True
    assert geo._layers == {}  # an emptied layer leaves nothing behind
