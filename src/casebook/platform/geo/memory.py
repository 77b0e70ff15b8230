"""The in-process geo index: points bucketed by H3 cell, searched ring by ring outwards."""

from __future__ import annotations

import heapq
import math

import h3

from casebook.platform.errors import Invalid
from casebook.platform.geo import Nearby

# Resolution 9: hexagons of ~200 m edge, so a 1-2 km query (a courier, a spawn area) visits a few
# dozen cells, and a city block's points share a handful of cells.
H3_RESOLUTION = 9
# Redis's GEO commands take Web Mercator latitudes only; both adapters refuse the same points.
LAT_ABS_MAX = 85.05112878
LON_ABS_MAX = 180.0
NEAREST_LIMIT_MAX = 1000
# Redis's GEO earth radius, so both adapters report the same distances.
EARTH_RADIUS_M = 6372797.560856
# Cell sizes drift a little within a search; a margin keeps the ring lower bound conservative.
CELL_EDGE_MARGIN = 0.8


def check_point(lat: float, lon: float) -> None:
    """Raise Invalid unless (lat, lon) is a finite point both adapters can index."""
    if not (isinstance(lat, (int, float)) and math.isfinite(lat) and -LAT_ABS_MAX <= lat <= LAT_ABS_MAX):
        raise Invalid(f"latitude must be within ±{LAT_ABS_MAX}", field="lat")
    if not (isinstance(lon, (int, float)) and math.isfinite(lon) and -LON_ABS_MAX <= lon <= LON_ABS_MAX):
        raise Invalid(f"longitude must be within ±{LON_ABS_MAX}", field="lon")


def check_query(lat: float, lon: float, radius_m: float, limit: int) -> None:
    check_point(lat, lon)
    if not (isinstance(radius_m, (int, float)) and math.isfinite(radius_m) and radius_m > 0):
        raise Invalid("radius_m must be a positive number of meters", field="radius_m")
    if not (isinstance(limit, int) and 1 <= limit <= NEAREST_LIMIT_MAX):
        raise Invalid(f"limit must be within 1..{NEAREST_LIMIT_MAX}", field="limit")


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    half_dphi = (phi2 - phi1) / 2
    half_dlambda = math.radians(lon2 - lon1) / 2
    a = math.sin(half_dphi) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(half_dlambda) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def _distance_from(lat: float, lon: float):  # type: ignore[no-untyped-def]
    """`haversine_m` from a fixed point, with its trigonometry hoisted out of the hot loop."""
    rad, sin, cos, asin, sqrt = math.pi / 180, math.sin, math.cos, math.asin, math.sqrt
    phi = lat * rad
    cos_phi, diameter_m = cos(phi), 2 * EARTH_RADIUS_M

    def distance_m(point_lat: float, point_lon: float) -> float:
        a = (sin((point_lat * rad - phi) * 0.5) ** 2
             + cos_phi * cos(point_lat * rad) * sin((point_lon - lon) * rad * 0.5) ** 2)
        return diameter_m * asin(sqrt(a) if a < 1.0 else 1.0)

    return distance_m


class _Layer:
    __slots__ = ("cells", "points")

    def __init__(self) -> None:
        self.cells: dict[str, set[str]] = {}
        self.points: dict[str, tuple[float, float, str]] = {}  # member -> (lat, lon, cell)


class MemoryGeo:
    """A `Geo` in one process. Every method runs without awaiting, so each is atomic under asyncio."""

    def __init__(self, *, resolution: int = H3_RESOLUTION) -> None:
        self._resolution = resolution
        self._layers: dict[str, _Layer] = {}

    async def put(self, layer: str, member: str, *, lat: float, lon: float) -> None:
        """Add or move a point (raises Invalid outside ±85.05112878 lat / ±180 lon)."""
        check_point(lat, lon)
        index = self._layers.get(layer)
        if index is None:
            index = self._layers[layer] = _Layer()
        cell = h3.latlng_to_cell(lat, lon, self._resolution)
        old = index.points.get(member)
        if old is not None and old[2] != cell:
            _discard(index, member, old[2])
        index.points[member] = (lat, lon, cell)
        if old is None or old[2] != cell:
            index.cells.setdefault(cell, set()).add(member)

    async def remove(self, layer: str, member: str) -> bool:
        index = self._layers.get(layer)
        if index is None:
            return False
        old = index.points.pop(member, None)
        if old is None:
            return False
        _discard(index, member, old[2])
        if not index.points:
            del self._layers[layer]
        return True

    async def position(self, layer: str, member: str) -> tuple[float, float] | None:
        index = self._layers.get(layer)
        point = None if index is None else index.points.get(member)
        return None if point is None else (point[0], point[1])

    async def nearest(self, layer: str, *, lat: float, lon: float, radius_m: float, limit: int) -> list[Nearby]:
        """Up to `limit` points within `radius_m`, nearest first (ties by member)."""
        check_query(lat, lon, radius_m, limit)
        index = self._layers.get(layer)
        if index is None:
            return []
        origin = h3.latlng_to_cell(lat, lon, self._resolution)
        # A hexagon of area A has edge sqrt(2A / 3√3); the local edge sets how far each ring reaches.
        edge_m = math.sqrt(2 * h3.cell_area(origin, "m^2") / (3 * math.sqrt(3))) * CELL_EDGE_MARGIN
        rings_max = math.ceil((radius_m / edge_m + 2) / 1.5)
        if 3 * rings_max * (rings_max + 1) + 1 >= len(index.points):
            return _scan(index.points.items(), lat, lon, radius_m, limit)
        # A bounded heap of the best so far, worst on top: (-distance, member reversed, lat, lon).
        best: list[tuple[float, _Reversed, float, float]] = []
        points, cells, distance_to = index.points, index.cells, _distance_from(lat, lon)
        for ring in range(rings_max + 1):
            for cell in h3.grid_ring(origin, ring):
                for member in cells.get(cell, ()):
                    point_lat, point_lon, _ = points[member]
                    distance_m = distance_to(point_lat, point_lon)
                    if distance_m > radius_m or (len(best) == limit and -distance_m < best[0][0]):
                        continue
                    entry = (-distance_m, _Reversed(member), point_lat, point_lon)
                    if len(best) < limit:
                        heapq.heappush(best, entry)
                    elif entry > best[0]:
                        heapq.heapreplace(best, entry)
            # Points in ring r+1 or beyond lie at least (1.5 (r+1) - 2) edges away.
            if len(best) == limit and -best[0][0] <= (1.5 * (ring + 1) - 2) * edge_m:
                break
        return _ranked(best)

    async def ping(self) -> None:
        return None

    async def close(self) -> None:
        self._layers.clear()


def _discard(index: _Layer, member: str, cell: str) -> None:
    members = index.cells[cell]
    members.discard(member)
    if not members:
        del index.cells[cell]


def _scan(points, lat: float, lon: float, radius_m: float, limit: int) -> list[Nearby]:  # type: ignore[no-untyped-def]
    found, distance_to = [], _distance_from(lat, lon)
    for member, (point_lat, point_lon, _) in points:
        distance_m = distance_to(point_lat, point_lon)
        if distance_m <= radius_m:
            found.append(Nearby(member, distance_m, point_lat, point_lon))
    found.sort(key=lambda near: (near.distance_m, near.member))
    return found[:limit]


def _ranked(best: list) -> list[Nearby]:
    ranked = sorted(best, reverse=True)
    return [Nearby(wrapped.member, -negative_m, lat, lon) for negative_m, wrapped, lat, lon in ranked]


class _Reversed:
    """A member ordered backwards, so the heap evicts the greater member among equal distances."""

    __slots__ = ("member",)

    def __init__(self, member: str) -> None:
        self.member = member

    def __lt__(self, other: _Reversed) -> bool:
        return self.member > other.member

    def __gt__(self, other: _Reversed) -> bool:
        return self.member < other.member

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Reversed) and self.member == other.member
