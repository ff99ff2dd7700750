import datetime as dt

import pytest
from django.contrib.gis.geos import Point
from django.core.management import call_command

from backend.accounts.models import Role
from backend.geo.models import Precinct, RegisteredAddress
from tests.factories import UserFactory, staff_user
from tests.factories.alerts import AlertFactory

pytestmark = pytest.mark.django_db

SOUTH_PRECINCT = "fixtures/precincts/south_precinct.geojson"
# Census 2017 population and target = ceil(10%) of each comuna in the fixture.
EXPECTED = {
    "13105": (162_505, 16_251),
    "13109": (90_119, 9_012),
    "13111": (116_571, 11_658),
    "13112": (177_335, 17_734),
    "13129": (94_492, 9_450),
    "13130": (107_954, 10_796),
    "13131": (82_900, 8_290),
}


def _inside(precinct: Precinct) -> Point:
    surface = precinct.boundary.point_on_surface
    return Point(surface.x, surface.y, srid=4326)


def test_adoption_table_for_the_south_precinct_with_totals(client_for):
    # given the real seven comunas, three registered homes in El Bosque and alerts in San Ramón
    call_command("load_precincts", SOUTH_PRECINCT, verbosity=0)
    el_bosque, san_ramon = Precinct.objects.get(code="13105"), Precinct.objects.get(code="13131")
    for _ in range(3):
        RegisteredAddress.objects.create(user=UserFactory(), location=_inside(el_bosque), precinct=el_bosque)
    inside_period = dt.datetime(2024, 3, 15, 15, 0, tzinfo=dt.UTC)
    for when in (inside_period, inside_period, dt.datetime(2024, 4, 2, 15, 0, tzinfo=dt.UTC)):
        AlertFactory(precinct=san_ramon, location=_inside(san_ramon), created_at=when)
    client = client_for(staff_user(Role.COMMANDER, prefecture=el_bosque.prefecture))
    # when
    response = client.get(
        "/api/analytics/adoption/", {"prefecture": "PREF-SANTIAGO-SUR", "start": "2024-03-01", "end": "2024-03-31"}
    )
    # then one row per comuna in code order, then the totals
    assert response.status_code == 200
    rows = response.json()["rows"]
    assert [(row["label"], row["population"], row["target"]) for row in rows[:-1]] == [
        (code, population, target) for code, (population, target) in EXPECTED.items()
    ]
    assert rows[0] == {
        "label": "13105",
        "registered": 3,
        "population": 162_505,
        "alerts": 0,
        "target": 16_251,
        "missing": 16_248,
        "compliance_percent": 0.0,
    }
    assert rows[-1] == {
        "label": "Total",
        "registered": 3,
        "population": 831_876,
        "alerts": 2,
        "target": 83_191,
        "missing": 83_188,
        "compliance_percent": 0.0,
    }
    csv_lines = (
        client.get(
            "/api/analytics/adoption/",
            {"prefecture": "PREF-SANTIAGO-SUR", "start": "2024-03-01", "end": "2024-03-31", "format": "csv"},
        )
        .content.decode()
        .splitlines()
    )
    assert csv_lines[0] == "label,registered,population,target,missing,compliance_percent,alerts"
    assert csv_lines[-1] == "Total,3,831876,83191,83188,0.0,2"


def test_compliance_has_one_decimal(client_for):
    call_command("load_precincts", SOUTH_PRECINCT, verbosity=0)
    san_ramon = Precinct.objects.get(code="13131")
    RegisteredAddress.objects.bulk_create(
        RegisteredAddress(user=user, location=_inside(san_ramon), precinct=san_ramon)
        for user in UserFactory.create_batch(83)
    )
    client = client_for(staff_user(Role.ADMINISTRATOR))
    (row, total) = client.get("/api/analytics/adoption/", {"precinct": "13131"}).json()["rows"]
    assert (row["registered"], row["target"], row["compliance_percent"]) == (83, 8_290, 1.0)
    assert total["compliance_percent"] == 1.0
