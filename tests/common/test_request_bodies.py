"""Malformed, loose, oversized and deeply nested bodies get a 4xx in the one error format, and write nothing."""

import json

import pytest
from django.conf import settings

from backend.accounts.models import Role
from backend.alerts.models import Alert, Zone
from backend.common.errors import ERROR_BODY_TOO_LARGE, ERROR_TOO_MANY_FIELDS
from backend.common.fields import ERROR_BOOLEAN_NOT_NUMBER
from backend.common.middleware import STATUS_MESSAGES
from backend.common.parsers import (
    ERROR_JSON_DUPLICATE_KEY,
    ERROR_JSON_NOT_FINITE,
    ERROR_JSON_TOO_DEEP,
    ERROR_JSON_TOO_LARGE,
    MAX_JSON_BODY_BYTES,
    MAX_JSON_DEPTH,
)
from tests.factories import PrecinctFactory, UserFactory, staff_user
from tests.factories.alerts import AlertFactory
from tests.factories.geo import cell_center

pytestmark = pytest.mark.django_db


@pytest.fixture
def neighbor():
    PrecinctFactory(column=0)
    return UserFactory(role=Role.NEIGHBOR)


def alert_body(**overrides) -> dict:
    lat, lon = cell_center(0)
    return {"category": "fire", "lat": lat, "lon": lon, "accuracy_meters": 10, **overrides}


def post_raw(client, path: str, raw: str | bytes, content_type: str = "application/json"):
    return client.generic("POST", path, raw, content_type=content_type)


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("path", ["/api/alerts/", "/api/accounts/token/"])
def test_100000_deep_json_is_a_400_not_a_recursion_error(client_for, api_client, neighbor, path):
    client = client_for(neighbor) if path == "/api/alerts/" else api_client
    # when
    response = post_raw(client, path, '{"lat": ' + nested(100_000) + "}")
    # then
    assert response.status_code == 400
    assert response.json() == {"error": {"code": "parse_error", "message": ERROR_JSON_TOO_DEEP}}
    assert not Alert.objects.exists()


def test_json_just_past_the_depth_limit_is_refused_and_at_the_limit_parses(client_for, neighbor):
    client = client_for(neighbor)
    too_deep = post_raw(client, "/api/alerts/", json.dumps(alert_body(description=json.loads(nested(MAX_JSON_DEPTH)))))
    assert too_deep.json()["error"]["message"] == ERROR_JSON_TOO_DEEP
    # At the limit the body parses, and the serializer names the field that is wrong.
    at_limit = post_raw(
        client, "/api/alerts/", json.dumps(alert_body(description=json.loads(nested(MAX_JSON_DEPTH - 1))))
    )
    assert at_limit.status_code == 400
    assert list(at_limit.json()["error"]["fields"]) == ["description"]
    assert not Alert.objects.exists()


def test_a_13_mb_json_body_is_a_413_in_the_error_format(client_for, neighbor):
    raw = json.dumps(alert_body(description="x" * 13_000_000))
    # when
    response = post_raw(client_for(neighbor), "/api/alerts/", raw)
    # then
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    message = ERROR_BODY_TOO_LARGE.format(limit=settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    assert response.json() == {"error": {"code": "too_large", "message": message}}
    assert not Alert.objects.exists()


def test_a_json_body_over_the_json_limit_is_a_413_and_one_at_the_limit_parses(client_for, neighbor):
    client = client_for(neighbor)
    padding = MAX_JSON_BODY_BYTES - len(json.dumps(alert_body(description="")))
    at_limit = json.dumps(alert_body(description="x" * padding))
    assert len(at_limit) == MAX_JSON_BODY_BYTES
    # when
    over = post_raw(client, "/api/alerts/", at_limit[:-1] + " }")
    at = post_raw(client, "/api/alerts/", at_limit)
    # then
    assert over.status_code == 413
    assert over.json() == {"error": {"code": "too_large", "message": ERROR_JSON_TOO_LARGE}}
    assert at.status_code == 400
    assert list(at.json()["error"]["fields"]) == ["description"]
    assert not Alert.objects.exists()


def test_a_multipart_field_over_the_limit_is_a_413(client_for, neighbor):
    boundary = "vigia-boundary"
    raw = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="description"\r\n\r\n'
        + "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
        + f"\r\n--{boundary}--\r\n"
    )
    response = post_raw(client_for(neighbor), "/api/alerts/", raw, f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"
    assert not Alert.objects.exists()


def test_too_many_form_fields_is_a_400_in_the_error_format(client_for, neighbor):
    raw = "&".join(f"field{index}=1" for index in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    response = post_raw(client_for(neighbor), "/api/alerts/", raw, "application/x-www-form-urlencoded")
    assert response.status_code == 400
    message = ERROR_TOO_MANY_FIELDS.format(limit=settings.DATA_UPLOAD_MAX_NUMBER_FIELDS)
    assert response.json() == {"error": {"code": "bad_request", "message": message}}
    assert not Alert.objects.exists()


def test_duplicate_keys_are_refused_naming_the_key(client_for, neighbor):
    lat, lon = cell_center(0)
    raw = f'{{"category": "fire", "lat": {lat}, "lon": {lon}, "accuracy_meters": 10, "lat": 0}}'
    response = post_raw(client_for(neighbor), "/api/alerts/", raw)
    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "code": "parse_error",
            "message": ERROR_JSON_DUPLICATE_KEY,
            "fields": {"lat": [ERROR_JSON_DUPLICATE_KEY]},
        }
    }
    assert not Alert.objects.exists()


def test_duplicate_keys_deep_inside_a_geometry_are_refused(client_for, neighbor):
    raw = '{"name": "Casa", "boundary": {"type": "Polygon", "type": "Point", "coordinates": [0, 0]}}'
    response = post_raw(client_for(neighbor), "/api/community/zones/", raw)
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"type": [ERROR_JSON_DUPLICATE_KEY]}
    assert not Zone.objects.exists()


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_non_finite_numbers_are_refused(client_for, neighbor, number):
    lat, lon = cell_center(0)
    raw = f'{{"category": "fire", "lat": {lat}, "lon": {lon}, "accuracy_meters": {number}}}'
    response = post_raw(client_for(neighbor), "/api/alerts/", raw)
    assert response.status_code == 400
    assert response.json()["error"] == {"code": "parse_error", "message": ERROR_JSON_NOT_FINITE}
    assert not Alert.objects.exists()


@pytest.mark.parametrize("field", ["lat", "lon", "accuracy_meters"])
def test_true_is_not_a_number(client_for, neighbor, field):
    response = client_for(neighbor).post("/api/alerts/", alert_body(**{field: True}), format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {field: [ERROR_BOOLEAN_NOT_NUMBER]}
    assert not Alert.objects.exists()


def test_integer_fields_refuse_booleans_and_values_past_bigint(client_for):
    precinct = PrecinctFactory(column=0)
    dispatcher = staff_user(Role.DISPATCHER, [precinct])
    alert = AlertFactory(precinct=precinct)
    client = client_for(dispatcher)
    for into in (True, 10**30):
        response = client.post(f"/api/alerts/{alert.id}/merge/", {"into": into}, format="json")
        assert response.status_code == 400
        assert list(response.json()["error"]["fields"]) == ["into"]
    alert.refresh_from_db()
    assert alert.merged_into_id is None


def test_unknown_api_url_is_a_json_404_and_pages_keep_html(api_client):
    response = api_client.get("/api/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": str(STATUS_MESSAGES[404][1])}}
    page = api_client.get("/no-such-page/")
    assert page.status_code == 404
    assert page["Content-Type"].startswith("text/html")


def test_wrong_method_on_an_api_url_is_a_json_405(api_client):
    response = api_client.delete("/api/categories/")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_an_unhandled_error_under_the_api_is_a_json_500_and_pages_keep_theirs(rf):
    from django.http import HttpResponseServerError

    from backend.common.middleware import ApiErrorMiddleware

    middleware = ApiErrorMiddleware(lambda request: HttpResponseServerError("<h1>Server Error (500)</h1>"))
    api = middleware(rf.get("/api/alerts/"))
    page = middleware(rf.get("/despacho/"))
    assert (api.status_code, api["Content-Type"]) == (500, "application/json")
    assert json.loads(api.content) == {"error": {"code": "server_error", "message": str(STATUS_MESSAGES[500][1])}}
    assert (page.status_code, page.content) == (500, b"<h1>Server Error (500)</h1>")


def test_a_size_limit_hit_outside_drf_keeps_its_413(rf):
    from django.core.exceptions import RequestDataTooBig

    from backend.common.middleware import ApiErrorMiddleware

    middleware = ApiErrorMiddleware(lambda request: None)
    response = middleware.process_exception(rf.post("/api/alerts/"), RequestDataTooBig("too big"))
    assert response.status_code == 413
    message = ERROR_BODY_TOO_LARGE.format(limit=settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    assert json.loads(response.content) == {"error": {"code": "too_large", "message": message}}
    assert middleware.process_exception(rf.post("/despacho/"), RequestDataTooBig("too big")) is None
