import pytest
from django.core.management import call_command

from backend.geo.fixture import SOUTH_PREFECTURE_CODE, south_precinct_fixture_path
from backend.geo.models import Precinct, Prefecture
from backend.geo.selectors import OutsideJurisdiction, precinct_for_point

pytestmark = pytest.mark.django_db


@pytest.fixture
def south_precinct():
    call_command("load_precincts", str(south_precinct_fixture_path()), verbosity=0)


def test_fixture_has_seven_precincts_totalling_831876_people(south_precinct):
    precincts = Precinct.objects.order_by("name")
    assert [p.name for p in precincts] == [
        "El Bosque", "La Cisterna", "La Granja", "La Pintana", "San Joaquín", "San Miguel", "San Ramón",
    ]  # fmt: skip
    assert sum(p.population for p in precincts) == 831_876
    assert {p.census_year for p in precincts} == {2017}
    prefecture = Prefecture.objects.get()
    assert (prefecture.code, prefecture.population) == (SOUTH_PREFECTURE_CODE, 831_876)


def test_fixture_routes_known_places(south_precinct):
    # Plaza de San Miguel and Plaza de La Pintana
    assert Precinct.objects.get(id=precinct_for_point(lat=-33.4967, lon=-70.6512).precinct_id).name == "San Miguel"
    assert Precinct.objects.get(id=precinct_for_point(lat=-33.5856, lon=-70.6305).precinct_id).name == "La Pintana"
    with pytest.raises(OutsideJurisdiction):
        precinct_for_point(lat=-33.4372, lon=-70.6506)  # Plaza de Armas, Santiago centre


def test_fixture_overlap_between_la_granja_and_la_pintana_is_flagged(south_precinct):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_Y(p), ST_X(p) FROM (SELECT ST_PointOnSurface(ST_Intersection(a.boundary, b.boundary)) p "
            "FROM geo_precinct a, geo_precinct b WHERE a.code = '13111' AND b.code = '13112') q"
        )
        lat, lon = cursor.fetchone()
    match = precinct_for_point(lat=lat, lon=lon)
    assert match.is_overlap
    assert Precinct.objects.get(id=match.precinct_id).code in {"13111", "13112"}
