from datetime import timedelta

import pytest
from django.utils import timezone

from backend.accounts.models import Agency, Role
from tests.factories import PrecinctFactory, UserFactory, staff_user
from tests.factories.alerts import AlertFactory, ZoneFactory, category
from tests.factories.geo import cell_center

pytestmark = pytest.mark.django_db


@pytest.fixture
def precincts():
    return PrecinctFactory(column=0), PrecinctFactory(column=1)


@pytest.fixture
def dispatcher(precincts):
    return staff_user(Role.DISPATCHER, precincts=[precincts[0]])


def ids(response) -> list[int]:
    assert response.status_code == 200, response.json()
    return [feature["id"] for feature in response.json()["features"]]


def test_listing_is_geojson_sorted_by_urgency_then_age(client_for, precincts, dispatcher):
    now = timezone.now()
    rubbish = AlertFactory(precinct=precincts[0], category=category("rubbish"), created_at=now - timedelta(hours=2))
    robbery_new = AlertFactory(precinct=precincts[0], created_at=now)
    robbery_old = AlertFactory(precinct=precincts[0], created_at=now - timedelta(minutes=10))
    AlertFactory(precinct=precincts[1])  # another precinct
    response = client_for(dispatcher).get("/api/alerts/")
    assert response.json()["type"] == "FeatureCollection"
    assert ids(response) == [robbery_old.id, robbery_new.id, rubbish.id]
    feature = response.json()["features"][0]
    assert feature["geometry"] == {"type": "Point", "coordinates": [robbery_old.location.x, robbery_old.location.y]}
    assert feature["properties"]["reporter"]["id"] == robbery_old.reporter_id


def test_filters(client_for, precincts, dispatcher):
    now = timezone.now()
    acknowledged = AlertFactory(precinct=precincts[0], status="acknowledged", created_at=now - timedelta(hours=3))
    fire = AlertFactory(precinct=precincts[0], category=category("fire"), created_at=now - timedelta(hours=1))
    client = client_for(dispatcher)
    assert ids(client.get("/api/alerts/", {"status": "acknowledged"})) == [acknowledged.id]
    assert ids(client.get("/api/alerts/", {"category": "fire"})) == [fire.id]
    assert ids(client.get("/api/alerts/", {"agency": "bomberos"})) == [fire.id]
    since = (now - timedelta(hours=2)).isoformat()
    assert ids(client.get("/api/alerts/", {"since": since})) == [fire.id]
    lat, lon = cell_center(0)
    bbox = f"{lon - 0.001},{lat - 0.001},{lon + 0.001},{lat + 0.001}"
    assert sorted(ids(client.get("/api/alerts/", {"bbox": bbox}))) == sorted([acknowledged.id, fire.id])
    assert ids(client.get("/api/alerts/", {"bbox": "-70.1,-33.1,-70.0,-33.0"})) == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"status": "bogus"}, "status"),
        ({"bbox": "1,2,3"}, "bbox"),
        ({"since": "yesterday"}, "since"),
        ({"since": "2026-01-02T00:00:00Z", "until": "2026-01-01T00:00:00Z"}, "until"),
        ({"agency": "army"}, "agency"),
    ],  # fmt: skip
)
def test_bad_filters_are_400_naming_the_field(client_for, precincts, dispatcher, query, field):
    response = client_for(dispatcher).get("/api/alerts/", query)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_listing_query_count_does_not_grow_with_the_page(client_for, precincts, dispatcher, django_assert_num_queries):
    client = client_for(dispatcher)
    for _ in range(3):
        AlertFactory(precinct=precincts[0])
    # scope, count, alerts, steps, photos, information
    with django_assert_num_queries(6):
        client.get("/api/alerts/")
    for _ in range(20):
        AlertFactory(precinct=precincts[0])
    with django_assert_num_queries(6):
        response = client.get("/api/alerts/")
    assert response.json()["count"] == 23


def test_agency_operator_lists_only_their_agency(client_for, precincts):
    AlertFactory(precinct=precincts[0])
    fire = AlertFactory(precinct=precincts[0], category=category("fire"))
    firefighter = staff_user(Role.AGENCY_OPERATOR, precincts=[precincts[0]], agency=Agency.BOMBEROS)
    assert ids(client_for(firefighter).get("/api/alerts/")) == [fire.id]


# Who may call what: (role, endpoint template, expected status) for an alert in precinct X.
SCOPE_MATRIX = [
    ("anonymous", "GET /api/alerts/", 401),
    ("neighbor", "GET /api/alerts/", 403),
    ("commander", "GET /api/alerts/", 403),
    ("dispatcher_x", "GET /api/alerts/", 200),
    ("dispatcher_y", "GET /api/alerts/{id}/", 404),
    ("dispatcher_x", "GET /api/alerts/{id}/", 200),
    ("reporter", "GET /api/alerts/{id}/", 200),
    ("neighbor", "GET /api/alerts/{id}/", 404),
    ("neighbor", "POST /api/alerts/{id}/steps/", 403),
    ("dispatcher_y", "POST /api/alerts/{id}/steps/", 404),
    ("dispatcher_x", "POST /api/alerts/{id}/steps/", 201),
    ("member_in_zone", "GET /api/community/alerts/{id}/", 200),
    ("neighbor", "GET /api/community/alerts/{id}/", 404),
    ("anonymous", "GET /api/community/alerts/", 401),
]


@pytest.mark.parametrize(("role", "endpoint", "expected"), SCOPE_MATRIX)
def test_scope_matrix(api_client, client_for, precincts, role, endpoint, expected):
    alert = AlertFactory(precinct=precincts[0])
    member = UserFactory()
    ZoneFactory(member=member)
    users = {
        "neighbor": UserFactory(),
        "reporter": alert.reporter,
        "commander": staff_user(Role.COMMANDER, precincts=[precincts[0]]),
        "dispatcher_x": staff_user(Role.DISPATCHER, precincts=[precincts[0]]),
        "dispatcher_y": staff_user(Role.DISPATCHER, precincts=[precincts[1]]),
        "member_in_zone": member,
    }
    client = api_client if role == "anonymous" else client_for(users[role])
    method, path = endpoint.split(" ")
    path = path.format(id=alert.id)
    response = client.get(path) if method == "GET" else client.post(path, {"status": "acknowledged"}, format="json")
    assert response.status_code == expected
