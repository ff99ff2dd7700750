"""Metric distance filters on SRID 4326 columns that still use the geometry GiST index."""

import math

from django.contrib.gis.db.models import PointField
from django.contrib.gis.geos import GEOSGeometry, Point, Polygon
from django.db import connection
from django.db.models import BooleanField, F, Func, Q, Value

METERS_PER_DEGREE_LATITUDE = 111_320.0


class _GeographyDWithin(Func):
    """ST_DWithin on geography casts: exact metres on the spheroid."""

    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra_context):
        parts = [compiler.compile(expression) for expression in self.source_expressions]
        (field_sql, field_params), (point_sql, point_params), (meters_sql, meters_params) = parts
        sql = f"ST_DWithin(({field_sql})::geography, ({point_sql})::geography, {meters_sql})"
        return sql, [*field_params, *point_params, *meters_params]


def degree_box(point: Point, meters: float) -> Polygon:
    """A lon/lat box that contains every point within ``meters`` of ``point``."""
    dy = meters / METERS_PER_DEGREE_LATITUDE
    dx = dy / max(math.cos(math.radians(point.y)), 0.01)
    return Polygon.from_bbox((point.x - dx, point.y - dy, point.x + dx, point.y + dy))


def within_meters(field: str, point: Point, meters: float) -> Q:
    """Rows whose ``field`` lies within ``meters`` of ``point``: an indexed box test, then the exact geodesic test."""
    box = degree_box(point, meters)
    box.srid = 4326
    return Q(**{f"{field}__bboverlaps": box}) & Q(
        _GeographyDWithin(F(field), Value(point, output_field=PointField(srid=4326)), Value(float(meters)))
    )


def geography_area_square_meters(geometry: GEOSGeometry) -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT ST_Area(ST_GeomFromEWKB(%s)::geography)", [bytes(geometry.ewkb)])
        return cursor.fetchone()[0]


def radius_polygon(*, center: Point, radius_meters: float) -> Polygon:
    """A geodesic buffer of ``radius_meters`` around ``center``, as a 4326 polygon."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_AsEWKT(ST_Buffer(ST_GeomFromEWKB(%s)::geography, %s, 'quad_segs=16')::geometry)",
            [bytes(center.ewkb), radius_meters],
        )
        return GEOSGeometry(cursor.fetchone()[0])
