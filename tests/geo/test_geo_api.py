import pytest

from tests.factories import PrecinctFactory
from tests.factories.geo import cell_center

pytestmark = pytest.mark.django_db


def test_precinct_list_is_geojson(api_client):
    PrecinctFactory(column=0, code="13130", name="San Miguel")
    body = api_client.get("/api/geo/precincts/").json()
    assert body["type"] == "FeatureCollection"
    feature = body["features"][0]
    assert feature["properties"]["code"] == "13130"
    assert feature["geometry"]["type"] == "MultiPolygon"


def test_precinct_detail_and_unknown_precinct(api_client):
    PrecinctFactory(column=0, code="13130")
    assert api_client.get("/api/geo/precincts/13130/").json()["properties"]["code"] == "13130"
    response = api_client.get("/api/geo/precincts/99999/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_locate_returns_precinct_and_flags(api_client):
    precinct = PrecinctFactory(column=2)
    lat, lon = cell_center(2)
    body = api_client.get("/api/geo/locate", {"lat": lat, "lon": lon}).json()
    assert body == {
        "precinct": {"id": precinct.id, "code": precinct.code, "name": precinct.name},
        "is_boundary_case": False,
        "is_overlap": False,
        "is_gap": False,
        "gap_distance_meters": None,
    }


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"lat": "91", "lon": "-70.6"}, "lat"),
        ({"lat": "-33.5", "lon": "-181"}, "lon"),
        ({"lat": "nan", "lon": "-70.6"}, "lat"),
        ({"lat": "-33.5", "lon": "inf"}, "lon"),
        ({"lat": "abc", "lon": "-70.6"}, "lat"),
        ({"lon": "-70.6"}, "lat"),
        ({"lat": "-33.5"}, "lon"),
    ],
)
def test_locate_bad_coordinates_are_400_naming_the_field(api_client, query, field):
    PrecinctFactory(column=0)
    response = api_client.get("/api/geo/locate", query)
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [field]


def test_locate_outside_every_jurisdiction_is_422(api_client):
    PrecinctFactory(column=0)
    response = api_client.get("/api/geo/locate", {"lat": -20.0, "lon": -70.0})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "outside_jurisdiction"


def test_openapi_schema_and_swagger_are_served_locally(api_client):
    assert api_client.get("/api/schema/").status_code == 200
    page = api_client.get("/api/docs/").content.decode()
    assert "swagger-ui" in page
    assert "cdn" not in page.lower()
