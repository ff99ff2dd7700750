"""Routing many points to precincts with set-based SQL, the bulk twin of ``geo.selectors.precinct_for_point``.

The rules are the same: a point inside one precinct goes there; a point inside several goes to
the one it lies deepest inside (ties to the lower code) and is flagged as an overlap; a point in
no precinct goes to the nearest within ``GEO_GAP_TOLERANCE_METERS`` (ties to the lower code) and
is flagged as a gap; anything farther is outside the jurisdiction (precinct_id stays NULL).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import connection

from backend.geo.selectors import METERS_PER_DEGREE_LATITUDE

# Columns a table must have to be routed in place: lon, lat, geom, precinct_id, covering, is_overlap, is_gap.
ROUTING_COLUMNS_SQL = """
    lon double precision NOT NULL,
    lat double precision NOT NULL,
    geom geometry(Point, 4326),
    precinct_id bigint,
    covering integer,
    is_overlap boolean NOT NULL DEFAULT false,
    is_gap boolean NOT NULL DEFAULT false
"""

# Three statements, each over the whole batch: covered points, then the few overlaps, then the few gaps.
_ROUTE_SQL = (
    "UPDATE {table} SET geom = ST_SetSRID(ST_MakePoint(lon, lat), 4326)",
    """
    UPDATE {table} t SET precinct_id = c.first_id, covering = c.n
    FROM (
        SELECT t.row_id, count(*) AS n, min(p.id) AS first_id
        FROM {table} t JOIN geo_precinct p ON ST_Intersects(p.boundary, t.geom)
        GROUP BY t.row_id
    ) c
    WHERE c.row_id = t.row_id
    """,
    """
    UPDATE {table} t SET precinct_id = d.id, is_overlap = true
    FROM (
        SELECT DISTINCT ON (t.row_id) t.row_id, p.id
        FROM {table} t JOIN geo_precinct p ON ST_Intersects(p.boundary, t.geom)
        WHERE t.covering > 1
        ORDER BY t.row_id, ST_Distance(ST_Boundary(p.boundary)::geography, t.geom::geography) DESC, p.code
    ) d
    WHERE d.row_id = t.row_id
    """,
    """
    UPDATE {table} t SET precinct_id = n.id, is_gap = true
    FROM (
        SELECT DISTINCT ON (t.row_id) t.row_id, p.id
        FROM {table} t JOIN geo_precinct p
          ON p.boundary && ST_Expand(
                t.geom, %(dy)s / GREATEST(cos(radians(t.lat)), 0.01), %(dy)s)
         AND ST_DWithin(p.boundary::geography, t.geom::geography, %(tolerance)s)
        WHERE t.covering IS NULL
        ORDER BY t.row_id, ST_Distance(p.boundary::geography, t.geom::geography), p.code
    ) n
    WHERE n.row_id = t.row_id
    """,
)


def route_table(*, cursor, table: str, tolerance_meters: float | None = None) -> None:
    """Fill precinct_id/is_overlap/is_gap for every row of ``table`` (which has ``row_id`` and ROUTING_COLUMNS)."""
    tolerance = settings.GEO_GAP_TOLERANCE_METERS if tolerance_meters is None else tolerance_meters
    parameters = {"tolerance": tolerance, "dy": tolerance / METERS_PER_DEGREE_LATITUDE}
    for statement in _ROUTE_SQL:
        cursor.execute(statement.format(table=table), parameters if "%(" in statement else None)


@dataclass(frozen=True)
class RoutedPoint:
    precinct_id: int
    is_overlap: bool
    is_gap: bool


def precincts_for_points(
    *, points: Sequence[tuple[float, float]], tolerance_meters: float | None = None
) -> list[RoutedPoint | None]:
    """Route (lat, lon) points in one batch; None for a point outside every precinct's jurisdiction."""
    if not points:
        return []
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS analytics_route_points")
        cursor.execute(f"CREATE TEMP TABLE analytics_route_points (row_id integer PRIMARY KEY, {ROUTING_COLUMNS_SQL})")
        with cursor.copy("COPY analytics_route_points (row_id, lat, lon) FROM STDIN") as copy:
            for index, (lat, lon) in enumerate(points):
                copy.write_row((index, lat, lon))
        route_table(cursor=cursor, table="analytics_route_points", tolerance_meters=tolerance_meters)
        cursor.execute("SELECT row_id, precinct_id, is_overlap, is_gap FROM analytics_route_points")
        routed = {row[0]: row[1:] for row in cursor.fetchall()}
        cursor.execute("DROP TABLE analytics_route_points")
    return [
        RoutedPoint(precinct_id=precinct_id, is_overlap=is_overlap, is_gap=is_gap) if precinct_id else None
        for precinct_id, is_overlap, is_gap in (routed[index] for index in range(len(points)))
    ]
