"""The ~100 m snap of community views cannot be undone by probing with zones (issue #10, item 1)."""

import math

import pytest
from django.contrib.gis.geos import Point

from backend.accounts.models import Role
from backend.alerts.community import services as community
from backend.alerts.community.services import (
    ERROR_POLYGON_TOO_SMALL,
    ERROR_ZONE_OUTSIDE,
    MIN_ZONE_AREA_SQUARE_METERS,
    ZONE_CHANGE_LIMITS,
)
from backend.alerts.incidents.information import ERROR_NOT_IN_ZONES
from backend.alerts.models import AlertInformation, Zone
from backend.alerts.presenters import snap
from backend.common.ratelimit import Limit
from tests.factories import PrecinctFactory, UserFactory
from tests.factories.alerts import AlertFactory, ZoneFactory
from tests.factories.geo import cell_center

pytestmark = pytest.mark.django_db
METERS_PER_DEGREE_LATITUDE = 111_320.0


def meters_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    """(lat, lon) points a few hundred metres apart: an equirectangular distance is exact enough."""
    dy = (a[0] - b[0]) * METERS_PER_DEGREE_LATITUDE
    dx = (a[1] - b[1]) * METERS_PER_DEGREE_LATITUDE * math.cos(math.radians(a[0]))
    return math.hypot(dx, dy)


@pytest.fixture
def precinct():
    return PrecinctFactory(column=0)


@pytest.fixture
def victim_alert(precinct):
    """A neighbor's alert about 40 m from the centre of its ~100 m cell."""
    lat, lon = cell_center(0)
    cell_lat, cell_lon = snap(lat), snap(lon)
    exact = (cell_lat + 0.00025, cell_lon - 0.0003)
    return AlertFactory(precinct=precinct, location=Point(exact[1], exact[0], srid=4326)), exact, (cell_lat, cell_lon)


def strip(*, lon_min: float, lon_max: float, lat_min: float, lat_max: float) -> dict:
    ring = [[lon_min, lat_min], [lon_max, lat_min], [lon_max, lat_max], [lon_min, lat_max], [lon_min, lat_min]]
    return {"type": "Polygon", "coordinates": [ring]}


class Attacker:
    """A fresh neighbor who learns whether an alert is inside a zone from a 200 or a 404, one zone at a time."""

    def __init__(self, client, alert_id: int) -> None:
        self.client = client
        self.alert_id = alert_id
        self.cycles = 0

    def sees_alert_inside(self, boundary: dict) -> bool:
        created = self.client.post("/api/community/zones/", {"name": "probe", "boundary": boundary}, format="json")
        assert created.status_code == 201, created.json()
        seen = self.client.get(f"/api/community/alerts/{self.alert_id}/").status_code == 200
        assert self.client.delete(f"/api/community/zones/{created.json()['id']}/").status_code == 204
        self.cycles += 1
        return seen

    def bisect(self, *, around: tuple[float, float], steps: int = 18) -> tuple[float, float]:
        """Binary search on longitude with tall strips, then on latitude with wide strips."""
        lat, lon = around
        reach = 0.01  # the attacker knows the alert is within ~1 km
        low, high = lon - reach, lon + reach
        for _ in range(steps):
            middle = (low + high) / 2
            west = strip(lon_min=lon - 2 * reach, lon_max=middle, lat_min=lat - reach, lat_max=lat + reach)
            low, high = (low, middle) if self.sees_alert_inside(west) else (middle, high)
        found_lon = (low + high) / 2
        low, high = lat - reach, lat + reach
        for _ in range(steps):
            middle = (low + high) / 2
            south = strip(lon_min=lon - reach, lon_max=lon + reach, lat_min=lat - 2 * reach, lat_max=middle)
            low, high = (low, middle) if self.sees_alert_inside(south) else (middle, high)
        return (low + high) / 2, found_lon


def test_bisection_with_zones_learns_the_cell_and_never_the_exact_point(client_for, victim_alert, monkeypatch):
    # given an attacker whose zone changes are not limited (the limit is the second defence; this tests the first)
    alert, exact, cell = victim_alert
    monkeypatch.setattr(community, "ZONE_CHANGE_LIMITS", (Limit(count=10_000, per_seconds=3_600),))
    attacker = Attacker(client_for(UserFactory(role=Role.NEIGHBOR)), alert.id)
    # when they bisect with 36 create/check/delete cycles, as in the report
    estimate = attacker.bisect(around=cell)
    # then they converge on the cell's centre, which the redacted view shows anyway, and stay ~40 m from the truth
    assert attacker.cycles == 36
    assert meters_between(estimate, cell) < 0.5
    assert meters_between(exact, cell) > 39
    assert meters_between(estimate, exact) > 39
    assert (alert.community_location.y, alert.community_location.x) == pytest.approx(cell, abs=1e-9)


def test_a_zone_covering_the_exact_point_but_not_its_cell_sees_nothing(client_for, victim_alert):
    # given a member whose zone holds the alert's exact point but not the centre of its cell
    alert, exact, cell = victim_alert
    member = UserFactory(role=Role.NEIGHBOR)
    half = 0.00025
    ZoneFactory(
        member=member,
        boundary=Zone._meta.get_field("boundary").to_python(
            f"SRID=4326;POLYGON(({exact[1] - half} {exact[0] - half}, {exact[1] + half} {exact[0] - half}, "
            f"{exact[1] + half} {exact[0] + half}, {exact[1] - half} {exact[0] + half}, "
            f"{exact[1] - half} {exact[0] - half}))"
        ),
    )
    client = client_for(member)
    # then no oracle answers: detail, list and adding information all behave as for an alert elsewhere
    assert client.get(f"/api/community/alerts/{alert.id}/").status_code == 404
    assert client.get("/api/community/alerts/").json()["features"] == []
    added = client.post(f"/api/alerts/{alert.id}/information/", {"text": "lo vi"}, format="json")
    assert (added.status_code, added.json()["error"]["message"]) == (403, ERROR_NOT_IN_ZONES)
    assert not AlertInformation.objects.exists()


def test_drawn_zones_have_a_minimum_area(client_for, precinct):
    lat, lon = cell_center(0)
    tiny = strip(lon_min=lon, lon_max=lon + 0.001, lat_min=lat, lat_max=lat + 0.001)  # about 1 hectare
    response = client_for(UserFactory()).post("/api/community/zones/", {"name": "x", "boundary": tiny}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"boundary": [ERROR_POLYGON_TOO_SMALL]}
    assert MIN_ZONE_AREA_SQUARE_METERS > 100 * 100
    assert not Zone.objects.exists()


def test_zone_changes_are_rate_limited_and_deletions_count(client_for, precinct):
    # given a member creating and deleting zones as fast as they can
    client = client_for(UserFactory())
    lat, lon = cell_center(0)
    statuses = []
    limit = ZONE_CHANGE_LIMITS[0].count
    while len(statuses) < limit + 1:
        created = client.post(
            "/api/community/zones/", {"name": "z", "lat": lat, "lon": lon, "radius_meters": 200}, format="json"
        )
        statuses.append(created.status_code)
        if created.status_code == 201 and len(statuses) < limit + 1:
            statuses.append(client.delete(f"/api/community/zones/{created.json()['id']}/").status_code)
    # then the change after the limit is refused with a Retry-After, and nothing more is stored
    assert statuses == [201, 204] * (limit // 2) + [429]
    assert not Zone.objects.exists()


@pytest.mark.parametrize(
    "payload",
    [
        {"lat": -90, "lon": 0, "radius_meters": 500},
        {"lat": 89.999, "lon": 10, "radius_meters": 5_000},
        {"lat": 0, "lon": 179.999, "radius_meters": 1_000},
        {"lat": -33.5, "lon": -10.0, "radius_meters": 1_000},
    ],
    ids=["south-pole", "near-north-pole", "antimeridian", "atlantic"],
)
def test_radius_zones_outside_the_service_area_are_400(client_for, precinct, payload):
    response = client_for(UserFactory()).post("/api/community/zones/", {"name": "x", **payload}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"lat": [ERROR_ZONE_OUTSIDE]}
    assert not Zone.objects.exists()


def test_polygon_zones_outside_the_service_area_are_400(client_for, precinct):
    near_pole = strip(lon_min=0, lon_max=20, lat_min=-89.999, lat_max=-89.99)
    response = client_for(UserFactory()).post(
        "/api/community/zones/", {"name": "x", "boundary": near_pole}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"boundary": [ERROR_ZONE_OUTSIDE]}
    assert not Zone.objects.exists()
