import io
from pathlib import Path

import pytest
from django.contrib.gis.geos import Point

from backend.accounts.models import Role
from backend.alerts.community.services import ERROR_POLYGON_TOO_LARGE, ERROR_RADIUS_RANGE, MAX_ZONES_PER_MEMBER
from backend.alerts.incidents.information import ERROR_NOT_IN_ZONES
from backend.alerts.models import AlertInformation, AlertPhoto, Event, Zone
from backend.alerts.presenters import snap
from tests.factories import PrecinctFactory, UserFactory, staff_user
from tests.factories.alerts import AlertFactory, ZoneFactory
from tests.factories.geo import cell_center

pytestmark = pytest.mark.django_db
PHOTO = Path(__file__).parents[1] / "fixtures" / "photo_with_gps.jpg"
# Fields that identify the reporter or officers, or reveal the exact point: never in a community view.
FORBIDDEN_ALERT_FIELDS = {"reporter", "description", "accuracy_meters", "precinct", "is_overlap", "is_gap"}
FORBIDDEN_STEP_FIELDS = {"actor", "note", "photos"}


@pytest.fixture
def precinct():
    return PrecinctFactory(column=0)


@pytest.fixture
def member():
    member = UserFactory(role=Role.NEIGHBOR)
    ZoneFactory(member=member)  # a 1 km box around the centre of grid cell 0
    return member


def test_member_creates_radius_and_polygon_zones(client_for, precinct):
    member = UserFactory()
    lat, lon = cell_center(0)
    client = client_for(member)
    radius = client.post(
        "/api/community/zones/", {"name": "Casa", "lat": lat, "lon": lon, "radius_meters": 500}, format="json"
    )
    square = {"type": "Polygon", "coordinates": [[[lon, lat], [lon + 0.01, lat], [lon + 0.01, lat + 0.01], [lon, lat]]]}
    polygon = client.post("/api/community/zones/", {"name": "Trabajo", "boundary": square}, format="json")
    assert (radius.status_code, polygon.status_code) == (201, 201)
    zone = Zone.objects.get(name="Casa")
    # the stored buffer reaches about 500 m north of the centre and not 550 m
    assert zone.boundary.contains(Point(lon, lat + 480 / 111_320, srid=4326))
    assert not zone.boundary.contains(Point(lon, lat + 550 / 111_320, srid=4326))
    assert [z["name"] for z in client.get("/api/community/zones/").json()] == ["Casa", "Trabajo"]


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"lat": -33.5, "lon": -70.6, "radius_meters": 50}, "radius_meters", ERROR_RADIUS_RANGE),
        ({"lat": -33.5, "lon": -70.6, "radius_meters": 50_000}, "radius_meters", ERROR_RADIUS_RANGE),
        (
            {
                "boundary": {
                    "type": "Polygon",
                    "coordinates": [[[-70.9, -33.7], [-70.3, -33.7], [-70.3, -33.2], [-70.9, -33.7]]],
                }
            },
            "boundary",
            ERROR_POLYGON_TOO_LARGE,
        ),
    ],
)
def test_absurd_zones_are_400_naming_the_field(client_for, payload, field, message):
    response = client_for(UserFactory()).post("/api/community/zones/", {"name": "x", **payload}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {field: [message]}
    assert not Zone.objects.exists()


def test_self_intersecting_polygon_is_400(client_for):
    bowtie = {
        "type": "Polygon",
        "coordinates": [[[-70.70, -33.60], [-70.69, -33.59], [-70.69, -33.60], [-70.70, -33.59], [-70.70, -33.60]]],
    }
    response = client_for(UserFactory()).post("/api/community/zones/", {"name": "x", "boundary": bowtie}, format="json")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["boundary"]


def test_zone_count_is_capped(client_for):
    member = UserFactory()
    for _ in range(MAX_ZONES_PER_MEMBER):
        ZoneFactory(member=member)
    lat, lon = cell_center(0)
    response = client_for(member).post(
        "/api/community/zones/", {"name": "x", "lat": lat, "lon": lon, "radius_meters": 200}, format="json"
    )
    assert response.status_code == 400


def test_member_sees_only_alerts_in_zones_redacted(client_for, precinct, member):
    inside = AlertFactory(precinct=precinct)
    AlertFactory(precinct=PrecinctFactory(column=3))  # far outside the zone
    body = client_for(member).get("/api/community/alerts/").json()
    assert [feature["id"] for feature in body["features"]] == [inside.id]
    view = body["features"][0]["properties"]
    assert not FORBIDDEN_ALERT_FIELDS & set(view)
    assert view["location"] == {"lat": snap(inside.location.y), "lon": snap(inside.location.x)}
    assert view["location"] != {"lat": inside.location.y, "lon": inside.location.x}
    assert body["features"][0]["geometry"]["coordinates"] == [snap(inside.location.x), snap(inside.location.y)]


def test_steps_in_community_view_carry_no_officer_or_note(client_for, precinct, member):
    alert = AlertFactory(precinct=precinct)
    dispatcher = staff_user(Role.DISPATCHER, precincts=[precinct], first_name="Sargento", last_name="Rojas")
    client_for(dispatcher).post(
        f"/api/alerts/{alert.id}/steps/", {"status": "acknowledged", "note": "llamar a Ana"}, format="json"
    )
    view = client_for(member).get(f"/api/community/alerts/{alert.id}/").json()
    assert [set(step) for step in view["steps"]] == [{"status", "created_at"}] * 2
    assert "Rojas" not in str(view)
    assert "Ana" not in str(view)
    community_payload = Event.objects.get(type="alert.step_added").community_payload
    assert "Rojas" not in str(community_payload)
    assert "llamar" not in str(community_payload)
    assert not FORBIDDEN_ALERT_FIELDS & set(community_payload["alert"])
    assert not FORBIDDEN_STEP_FIELDS & set(community_payload["step"])


def test_member_cannot_read_an_alert_outside_their_zones(client_for, member):
    far = AlertFactory(precinct=PrecinctFactory(column=3))
    assert client_for(member).get(f"/api/community/alerts/{far.id}/").status_code == 404


def test_photos_reach_the_community_only_after_dispatch_approves(client_for, precinct, member):
    with PHOTO.open("rb") as photo:
        response = client_for(UserFactory()).post(
            "/api/alerts/",
            {
                "category": "theft",
                "lat": cell_center(0)[0],
                "lon": cell_center(0)[1],
                "accuracy_meters": 5,
                "photos": [photo],
            },
            format="multipart",
        )
    alert_id, photo_id = response.json()["id"], AlertPhoto.objects.get().id
    member_client = client_for(member)
    assert member_client.get(f"/api/community/alerts/{alert_id}/").json()["photos"] == []
    assert member_client.get(f"/api/alerts/{alert_id}/photos/{photo_id}/").status_code == 404
    dispatcher = staff_user(Role.DISPATCHER, precincts=[precinct])
    assert client_for(dispatcher).post(f"/api/alerts/{alert_id}/photos/{photo_id}/approve/").status_code == 200
    assert [p["id"] for p in member_client.get(f"/api/community/alerts/{alert_id}/").json()["photos"]] == [photo_id]
    image = member_client.get(f"/api/alerts/{alert_id}/photos/{photo_id}/")
    assert (image.status_code, image["Content-Type"]) == (200, "image/jpeg")


def test_member_adds_information_and_dispatch_hides_abuse(client_for, precinct, member):
    alert = AlertFactory(precinct=precinct)
    response = client_for(member).post(
        f"/api/alerts/{alert.id}/information/", {"text": "Huyeron hacia el norte"}, format="json"
    )
    assert response.status_code == 201
    information_id = response.json()["id"]
    assert [i["text"] for i in client_for(member).get(f"/api/community/alerts/{alert.id}/").json()["information"]] == [
        "Huyeron hacia el norte"
    ]
    dispatcher = staff_user(Role.DISPATCHER, precincts=[precinct])
    hide = client_for(dispatcher).post(f"/api/alerts/{alert.id}/information/{information_id}/hide/")
    assert hide.status_code == 200
    assert client_for(member).get(f"/api/community/alerts/{alert.id}/").json()["information"] == []
    assert client_for(dispatcher).get(f"/api/alerts/{alert.id}/").json()["information"][0]["is_hidden"] is True


def test_information_outside_my_zones_is_403_and_writes_nothing(client_for, member):
    far = AlertFactory(precinct=PrecinctFactory(column=3))
    response = client_for(member).post(f"/api/alerts/{far.id}/information/", {"text": "?"}, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["message"] == ERROR_NOT_IN_ZONES
    assert not AlertInformation.objects.exists()


def test_member_photo_with_information_waits_for_approval(client_for, precinct, member):
    alert = AlertFactory(precinct=precinct)
    upload = io.BytesIO(PHOTO.read_bytes())
    upload.name = "x.jpg"
    client_for(member).post(
        f"/api/alerts/{alert.id}/information/", {"text": "foto", "photos": [upload]}, format="multipart"
    )
    other_member = UserFactory()
    ZoneFactory(member=other_member)
    assert client_for(other_member).get(f"/api/community/alerts/{alert.id}/").json()["information"][0]["photos"] == []
