"""Reads for geography: routing a point to the precinct that answers for it."""

import math
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Point
from django.db import connection
from django.utils.translation import gettext_lazy

from backend.common.errors import Unprocessable

from .models import Precinct

ERROR_OUTSIDE_JURISDICTION = gettext_lazy("The location is outside every precinct's jurisdiction.")
METERS_PER_DEGREE_LATITUDE = 111_320.0

# The common case is one plain index lookup; the gap query runs only when no polygon covers the point.
_COVERING_SQL = """
    SELECT id, code, name FROM geo_precinct WHERE ST_Intersects(boundary, ST_SetSRID(ST_MakePoint(%s, %s), 4326))
"""
_NEAREST_SQL = """
    SELECT id, code, name,
           ST_Distance(boundary::geography, ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography) AS meters
    FROM geo_precinct
    WHERE boundary && ST_Expand(ST_SetSRID(ST_MakePoint(%s, %s), 4326), %s, %s)
    ORDER BY meters, code
    LIMIT 1
"""
# In an overlap, the precinct the point lies deepest inside wins; ties go to the lower code.
_DEEPEST_SQL = """
    SELECT id, code, name FROM geo_precinct
    WHERE id = ANY(%(ids)s)
    ORDER BY ST_Distance(ST_Boundary(boundary)::geography,
                         ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)::geography) DESC, code
    LIMIT 1
"""


class OutsideJurisdiction(Unprocessable):
    code = "outside_jurisdiction"


@dataclass(frozen=True)
class PrecinctMatch:
    """Where a point was routed, and whether dispatch should confirm it (overlap or gap)."""

    precinct_id: int
    # Read in the routing query itself, so callers showing the precinct need no second lookup.
    code: str = ""
    name: str = ""
    is_overlap: bool = False
    is_gap: bool = False
    gap_distance_meters: float | None = None

    @property
    def is_boundary_case(self) -> bool:
        return self.is_overlap or self.is_gap


def precinct_for_point(*, lat: float, lon: float, tolerance_meters: float | None = None) -> PrecinctMatch:
    """Route a WGS84 point to one precinct: inside, overlap (deterministic), gap (nearest within tolerance)."""
    with connection.cursor() as cursor:
        cursor.execute(_COVERING_SQL, [lon, lat])
        covering = cursor.fetchall()
        if len(covering) == 1:
            precinct_id, code, name = covering[0]
            return PrecinctMatch(precinct_id=precinct_id, code=code, name=name)
        if covering:
            cursor.execute(_DEEPEST_SQL, {"ids": [row[0] for row in covering], "lon": lon, "lat": lat})
            precinct_id, code, name = cursor.fetchone()
            return PrecinctMatch(precinct_id=precinct_id, code=code, name=name, is_overlap=True)
        tolerance = settings.GEO_GAP_TOLERANCE_METERS if tolerance_meters is None else tolerance_meters
        dy = tolerance / METERS_PER_DEGREE_LATITUDE
        dx = dy / max(math.cos(math.radians(lat)), 0.01)
        cursor.execute(_NEAREST_SQL, [lon, lat, lon, lat, dx, dy])
        nearest = cursor.fetchone()
    if nearest is None or nearest[3] > tolerance:
        raise OutsideJurisdiction(ERROR_OUTSIDE_JURISDICTION)
    precinct_id, code, name, meters = nearest
    return PrecinctMatch(
        precinct_id=precinct_id, code=code, name=name, is_gap=True, gap_distance_meters=round(meters, 1)
    )


_AREA_MEETS_SQL = """
    SELECT EXISTS (
        SELECT 1 FROM geo_precinct
        WHERE boundary && ST_Expand(ST_GeomFromEWKB(%s), %s)
          AND ST_DWithin(boundary::geography, ST_GeomFromEWKB(%s)::geography, %s)
    )
"""


def area_meets_jurisdiction(*, area: GEOSGeometry, within_meters: float = 0.0) -> bool:
    """Whether ``area`` (4326) lies within ``within_meters`` of some precinct: the platform's service area."""
    # A degree box wide enough for the metres at any latitude the service area can have (Chile: up to 56° S).
    margin_degrees = within_meters / METERS_PER_DEGREE_LATITUDE / math.cos(math.radians(60))
    ewkb = bytes(area.ewkb)
    with connection.cursor() as cursor:
        cursor.execute(_AREA_MEETS_SQL, [ewkb, margin_degrees, ewkb, within_meters])
        return cursor.fetchone()[0]


# An area already inside comes back untouched (same rings, same first vertex), so only real clips change it.
_CLIP_SQL = """
    WITH given AS (SELECT ST_GeomFromEWKB(%s) AS area),
         allowed AS (SELECT ST_Union(boundary) AS boundary FROM geo_precinct WHERE id = ANY(%s))
    SELECT ST_AsEWKB(CASE
        WHEN ST_CoveredBy(given.area, allowed.boundary) THEN ST_Multi(given.area)
        ELSE ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_Intersection(given.area, allowed.boundary)), 3))
    END)
    FROM given, allowed
"""


def area_clipped_to_precincts(*, area: GEOSGeometry, precinct_ids: Iterable[int]) -> MultiPolygon | None:
    """The part of ``area`` inside the given precincts, as a MultiPolygon, or None when nothing is left."""
    with connection.cursor() as cursor:
        cursor.execute(_CLIP_SQL, [bytes(area.ewkb), sorted(precinct_ids)])
        row = cursor.fetchone()
    clipped = GEOSGeometry(memoryview(row[0])) if row and row[0] is not None else None
    if clipped is None or clipped.empty:
        return None
    return clipped


def precinct_for_location(location: Point) -> PrecinctMatch:
    return precinct_for_point(lat=location.y, lon=location.x)


def precinct_list():
    return Precinct.objects.select_related("prefecture").order_by("code")


def precinct_get(*, code: str) -> Precinct:
    return precinct_list().get(code=code)
