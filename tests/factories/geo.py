"""Deterministic boundaries: unit squares on a grid near Santiago that never overlap unless asked to."""

import factory
from django.contrib.gis.geos import MultiPolygon, Polygon

from backend.geo.models import Precinct, Prefecture

ORIGIN_LON, ORIGIN_LAT = -70.70, -33.60
CELL_DEGREES = 0.02  # about 1.9 km by 2.2 km at this latitude


def square(column: int, row: int = 0, *, size: float = CELL_DEGREES, grow: float = 0.0) -> MultiPolygon:
    """The grid cell at (column, row); ``grow`` widens it in degrees so neighbours overlap."""
    x0 = ORIGIN_LON + column * CELL_DEGREES - grow
    y0 = ORIGIN_LAT + row * CELL_DEGREES - grow
    x1, y1 = x0 + size + 2 * grow, y0 + size + 2 * grow
    return MultiPolygon(Polygon(((x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0))), srid=4326)


def cell_center(column: int, row: int = 0) -> tuple[float, float]:
    """(lat, lon) of a grid cell's centre."""
    return ORIGIN_LAT + (row + 0.5) * CELL_DEGREES, ORIGIN_LON + (column + 0.5) * CELL_DEGREES


class PrefectureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Prefecture
        django_get_or_create = ["code"]

    code = "PREF-TEST"
    name = "Test prefecture"
    boundary = factory.LazyFunction(lambda: square(0, 0, size=CELL_DEGREES * 10))
    population = 100_000
    census_year = 2017


class PrecinctFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Precinct

    class Params:
        column = factory.Sequence(lambda n: n)

    code = factory.LazyAttribute(lambda o: f"P{o.column:03d}")
    name = factory.LazyAttribute(lambda o: f"Precinct {o.column}")
    boundary = factory.LazyAttribute(lambda o: square(o.column))
    population = 50_000
    census_year = 2017
    prefecture = factory.SubFactory(PrefectureFactory)
