"""RFC 7946 output: rings wind counter-clockwise everywhere, GeoJSON bodies say application/geo+json,
and single places (an alert, a zone, the active messages) have a GeoJSON form on request."""

import pytest
import shapely
import shapely.geometry
from django.core.management import call_command

from backend.accounts.models import Role
from backend.common.geojson import geometry_geojson
from backend.geo.models import Precinct
from tests.factories import UserFactory, staff_user
from tests.factories.alerts import AlertFactory

pytestmark = pytest.mark.django_db
GEOJSON = "application/geo+json"
JSON = "application/json"
# South Precinct boundaries as IDE Chile ships them: every outer ring winds clockwise.
FIXTURE = "fixtures/precincts/south_precinct.geojson"


@pytest.fixture
def south_precinct() -> list[Precinct]:
    call_command("load_precincts", FIXTURE, verbosity=0)
    return list(Precinct.objects.order_by("code"))


def rings(geometry: dict) -> list[tuple[bool, bool]]:
    """(is exterior, is counter-clockwise) for every ring of a GeoJSON (Multi)Polygon."""
    shape = shapely.geometry.shape(geometry)
    polygons = shape.geoms if shape.geom_type == "MultiPolygon" else [shape]
    return [
        (index == 0, ring.is_ccw)
        for polygon in polygons
        for index, ring in enumerate([polygon.exterior, *polygon.interiors])
    ]


def is_rfc7946(geometry: dict) -> bool:
    return all(is_exterior == is_ccw for is_exterior, is_ccw in rings(geometry))


def cw_square(lat: float, lon: float, half: float = 0.002) -> list[list[float]]:
    return [
        [lon - half, lat - half],
        [lon - half, lat + half],
        [lon + half, lat + half],
        [lon + half, lat - half],
        [lon - half, lat - half],
    ]


def test_the_helper_orients_exterior_rings_ccw_and_holes_cw():
    outer = [[0, 0], [0, 10], [10, 10], [10, 0], [0, 0]]
    hole = [[2, 2], [4, 2], [4, 4], [2, 4], [2, 2]]
    # given a polygon whose rings both wind the wrong way
    assert rings({"type": "Polygon", "coordinates": [outer, hole]}) == [(True, False), (False, True)]
    # when
    oriented = geometry_geojson({"type": "Polygon", "coordinates": [outer, hole]})
    # then
    assert rings(oriented) == [(True, True), (False, False)]
    assert oriented["coordinates"][0] == [[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0], [0.0, 0.0]]


def test_precincts_stored_clockwise_are_served_counter_clockwise_as_geo_json(api_client, south_precinct):
    assert not any(is_rfc7946(geometry_as_stored(precinct)) for precinct in south_precinct)
    # when
    response = api_client.get("/api/geo/precincts/")
    detail = api_client.get(f"/api/geo/precincts/{south_precinct[0].code}/")
    # then
    assert response["Content-Type"] == GEOJSON
    features = response.json()["features"]
    assert len(features) == 7
    assert all(is_rfc7946(feature["geometry"]) for feature in features)
    assert detail["Content-Type"] == GEOJSON
    assert is_rfc7946(detail.json()["geometry"])


def geometry_as_stored(precinct: Precinct) -> dict:
    return {"type": "MultiPolygon", "coordinates": precinct.boundary.coords}


def test_a_geojson_endpoint_still_answers_json_clients_and_errors_are_json(api_client, south_precinct):
    as_json = api_client.get("/api/geo/precincts/", HTTP_ACCEPT=JSON)
    assert as_json["Content-Type"] == JSON
    assert as_json.json()["type"] == "FeatureCollection"
    missing = api_client.get("/api/geo/precincts/nope/")
    assert (missing.status_code, missing["Content-Type"]) == (404, JSON)


def test_zones_drawn_clockwise_come_back_counter_clockwise_with_a_geojson_form(client_for, south_precinct):
    member = UserFactory(role=Role.NEIGHBOR)
    client = client_for(member)
    point = south_precinct[0].boundary.point_on_surface
    # when a member draws a clockwise polygon and follows a radius
    drawn = client.post(
        "/api/community/zones/",
        {"name": "Casa", "boundary": {"type": "Polygon", "coordinates": [cw_square(point.y, point.x)]}},
        format="json",
    )
    circle = client.post(
        "/api/community/zones/", {"name": "Plaza", "lat": point.y, "lon": point.x, "radius_meters": 300}, format="json"
    )
    # then both are counter-clockwise, in the plain form and the GeoJSON one
    assert drawn.status_code == circle.status_code == 201
    assert drawn["Content-Type"] == JSON
    assert is_rfc7946(drawn.json()["boundary"])
    assert is_rfc7946(circle.json()["boundary"])
    plain = client.get("/api/community/zones/").json()
    assert [zone["name"] for zone in plain] == ["Casa", "Plaza"]
    for request in ({"HTTP_ACCEPT": GEOJSON}, {"data": {"format": "geojson"}}):
        collection = client.get("/api/community/zones/", **request)
        assert collection["Content-Type"] == GEOJSON
        body = collection.json()
        assert body["type"] == "FeatureCollection"
        assert [feature["properties"]["name"] for feature in body["features"]] == ["Casa", "Plaza"]
        assert all(is_rfc7946(feature["geometry"]) for feature in body["features"])
    zone_id = drawn.json()["id"]
    single = client.get(f"/api/community/zones/{zone_id}/", HTTP_ACCEPT=GEOJSON).json()
    assert (single["type"], single["id"], single["properties"]["name"]) == ("Feature", zone_id, "Casa")
    assert client.get(f"/api/community/zones/{zone_id}/").json() == drawn.json()


def test_another_members_zone_is_not_found(client_for, south_precinct):
    owner, other = UserFactory(role=Role.NEIGHBOR), UserFactory(role=Role.NEIGHBOR)
    point = south_precinct[0].boundary.point_on_surface
    zone = client_for(owner).post(
        "/api/community/zones/", {"name": "Casa", "lat": point.y, "lon": point.x, "radius_meters": 300}, format="json"
    )
    response = client_for(other).get(f"/api/community/zones/{zone.json()['id']}/")
    assert response.status_code == 404


def test_message_areas_are_counter_clockwise_and_active_messages_have_a_feature_collection(
    client_for, api_client, south_precinct
):
    precinct = south_precinct[0]
    dispatcher = staff_user(Role.DISPATCHER, [precinct])
    # when a whole-precinct message goes out (its area is the clockwise stored boundary)
    sent = client_for(dispatcher).post(
        "/api/messages/",
        {"precinct": precinct.id, "target": "precinct", "headline": "Corte de luz", "body": "Evite la zona."},
        format="json",
    )
    # then
    assert sent.status_code == 201
    assert is_rfc7946(sent.json()["area"])
    plain = api_client.get("/api/messages/active/")
    assert plain["Content-Type"] == JSON
    assert [message["id"] for message in plain.json()["messages"]] == [sent.json()["id"]]
    collection = api_client.get("/api/messages/active/", {"format": "geojson"})
    assert collection["Content-Type"] == GEOJSON
    (feature,) = collection.json()["features"]
    assert (feature["id"], feature["properties"]["headline"]) == (sent.json()["id"], "Corte de luz")
    assert "area" not in feature["properties"]
    assert feature["geometry"] == sent.json()["area"]


def test_alert_detail_has_a_feature_form_and_alert_lists_are_geo_json(client_for, south_precinct):
    precinct = south_precinct[0]
    dispatcher = staff_user(Role.DISPATCHER, [precinct])
    alert = AlertFactory(precinct=precinct, location=precinct.boundary.point_on_surface)
    client = client_for(dispatcher)
    plain = client.get(f"/api/alerts/{alert.id}/")
    feature = client.get(f"/api/alerts/{alert.id}/", HTTP_ACCEPT=GEOJSON)
    listing = client.get("/api/alerts/")
    assert plain["Content-Type"] == JSON
    assert feature["Content-Type"] == GEOJSON
    body = feature.json()
    assert (body["type"], body["id"]) == ("Feature", alert.id)
    assert body["geometry"] == {"type": "Point", "coordinates": [alert.location.x, alert.location.y]}
    assert body["properties"] == plain.json()
    assert listing["Content-Type"] == GEOJSON
    assert [item["id"] for item in listing.json()["features"]] == [alert.id]


def test_hotspot_hexagons_are_counter_clockwise_geo_json(client_for, south_precinct):
    precinct = south_precinct[0]
    commander = staff_user(Role.COMMANDER, [precinct])
    response = client_for(commander).get("/api/analytics/hotspots/", {"precinct": precinct.code, "month": "2024-03"})
    assert response["Content-Type"] == GEOJSON
    features = response.json()["features"]
    assert features
    assert all(is_rfc7946(feature["geometry"]) for feature in features)
