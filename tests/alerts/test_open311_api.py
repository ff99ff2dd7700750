"""Open311 GeoReport v2 server, in process: discovery, services, posting requests as alerts, listing them with our
privacy rules, tokens, and every bad input answered in the spec's error format with nothing written."""

import datetime as dt
import json

import pytest
from django.utils import timezone
from lxml import etree
from rest_framework.test import APIClient

from backend.accounts.models import Agency, Role
from backend.alerts.incidents.services import alert_merge, alert_transition
from backend.alerts.models import Alert, AlertStatus, Event, EventType, Open311ApiKey, Open311Request
from backend.alerts.open311 import apis as open311_apis
from backend.alerts.open311 import serializers as open311_serializers
from backend.alerts.open311 import services as open311_services
from backend.alerts.open311.presenters import NOTE_DUPLICATE
from backend.alerts.open311.services import POINT_ACCURACY_METERS, open311_api_key_revoke
from tests.factories import PrecinctFactory, UserFactory, staff_user
from tests.factories.alerts import AlertFactory, category
from tests.factories.geo import cell_center
from tests.factories.open311 import open311_key, open311_only

pytestmark = pytest.mark.django_db

BASE = "/open311/v2"
# An exact point with digits the ~100 m cell cannot have.
LAT, LON = cell_center(0)[0] + 0.0012345, cell_center(0)[1] + 0.0012345
DOG_COUNT = {
    "code": "dog_count",
    "datatype": "singlevaluelist",
    "required": True,
    "description": "¿Cuántos perros hay?",
    "values": [{"key": "1", "name": "Uno"}, {"key": "5+", "name": "Cinco o más"}],
}
COLORS = {
    "code": "colors",
    "datatype": "multivaluelist",
    "required": False,
    "description": "Colores",
    "values": [{"key": "black", "name": "Negro"}, {"key": "white", "name": "Blanco"}],
}
POLE = {"code": "pole_number", "datatype": "string", "required": False, "description": "Número del poste"}
SEEN_AT = {"code": "seen_at", "datatype": "datetime", "required": False, "description": "Cuándo"}
HOW_MANY_POLES = {"code": "poles", "datatype": "number", "required": False, "description": "Cuántos postes"}


@pytest.fixture
def world():
    # Given a comuna, the municipal services open to Open311 (one with questions) and an integrator's key
    precinct = PrecinctFactory(column=0, code="13131", name="San Ramón")
    open311_only(
        {"code": "street_lighting", "notice": "Se revisa en 48 horas.", "attributes": [POLE, SEEN_AT, HOW_MANY_POLES]},
        {"code": "stray_dogs", "attributes": [DOG_COUNT, COLORS]},
        {"code": "rubbish"},
    )
    key, raw = open311_key(codes=("street_lighting", "stray_dogs"))
    return {"precinct": precinct, "key": key, "raw": raw}


def post(fields: dict, *, fmt: str = "json"):
    return APIClient().post(f"{BASE}/requests.{fmt}", fields, format="multipart")


def form(world, **extra) -> dict:
    return {"api_key": world["raw"], "service_code": "street_lighting", "lat": LAT, "long": LON,
            "description": "Luminaria apagada frente al 1234", **extra}  # fmt: skip


def errors(response) -> list[dict]:
    return json.loads(response.content)


def nothing_written(before: int = 0) -> bool:
    return Alert.objects.count() == before and not Open311Request.objects.exists() and not Event.objects.exists()


# Discovery and services


def test_discovery_in_xml_and_json(world):
    xml = APIClient().get(f"{BASE}/discovery.xml")
    as_json = APIClient().get(f"{BASE}/discovery.json")

    assert xml["Content-Type"] == "text/xml; charset=utf-8"
    root = etree.fromstring(xml.content)
    assert [child.tag for child in root] == ["changeset", "contact", "key_service", "endpoints"]
    body = as_json.json()
    assert as_json["Content-Type"] == "application/json; charset=utf-8"
    assert body["endpoints"] == [
        {
            "specification": "http://wiki.open311.org/GeoReport_v2",
            "url": "http://testserver/open311/v2",
            "changeset": body["changeset"],
            "type": "production",
            "formats": ["text/xml", "application/json"],
        }
    ]
    assert root.findtext("endpoints/endpoint/formats/format") == "text/xml"
    assert dt.datetime.fromisoformat(body["changeset"]).tzinfo is not None


def test_services_list_only_the_open_categories(world):
    response = APIClient().get(f"{BASE}/services.json")

    assert response.status_code == 200
    assert [(s["service_code"], s["metadata"], s["type"]) for s in response.json()] == [
        ("rubbish", False, "realtime"),
        ("stray_dogs", True, "realtime"),
        ("street_lighting", True, "realtime"),
    ]
    assert response.json()[2]["service_name"] == "Alumbrado público"


def test_service_definition_has_the_attributes(world):
    response = APIClient().get(f"{BASE}/services/stray_dogs.json")

    assert response.json() == {
        "service_code": "stray_dogs",
        "attributes": [
            {"variable": True, "code": "dog_count", "datatype": "singlevaluelist", "required": True,
             "datatype_description": None, "order": 1, "description": "¿Cuántos perros hay?",
             "values": [{"key": "1", "name": "Uno"}, {"key": "5+", "name": "Cinco o más"}]},
            {"variable": True, "code": "colors", "datatype": "multivaluelist", "required": False,
             "datatype_description": None, "order": 2, "description": "Colores",
             "values": [{"key": "black", "name": "Negro"}, {"key": "white", "name": "Blanco"}]},
        ],
    }  # fmt: skip
    xml = etree.fromstring(APIClient().get(f"{BASE}/services/stray_dogs.xml").content)
    assert [value.findtext("key") for value in xml.iterfind("attributes/attribute/values/value")][:2] == ["1", "5+"]


def test_a_closed_or_unknown_service_is_404_in_the_spec_format(world):
    closed = APIClient().get(f"{BASE}/services/robbery_in_progress.xml")
    unknown = APIClient().get(f"{BASE}/services/nope.json")

    assert closed.status_code == 404
    root = etree.fromstring(closed.content)
    assert root.tag == "errors"
    assert root.findtext("error/code") == "404"
    assert unknown.status_code == 404
    assert errors(unknown) == [{"code": 404, "description": f"service_code: {open311_services.ERROR_SERVICE_UNKNOWN}"}]


def test_unknown_resources_and_formats_are_404_in_the_spec_format(world):
    for path in ("services", "services.csv", "requests/12", "nothing-here.xml"):
        response = APIClient().get(f"{BASE}/{path}")
        assert response.status_code == 404, path
        assert etree.fromstring(response.content).findtext("error/code") == "404"


# Posting


def test_post_creates_a_routed_alert_that_dispatch_sees(world):
    response = post(form(world, email="ana@example.cl", first_name="Ana", last_name="Rojas", phone="+56912345678",
                         device_id="android-1234", account_id="77", **{"attribute[pole_number]": "P-991"}))  # fmt: skip

    assert response.status_code == 201
    (created,) = response.json()
    alert = Alert.objects.get()
    assert created == {"service_request_id": alert.id, "service_notice": "Se revisa en 48 horas.", "account_id": None}
    # An alert like any other: routed, from the key's system neighbor, with its event for dispatch
    assert (alert.category.code, alert.agency, alert.precinct_id) == ("street_lighting", "municipality",
                                                                      world["precinct"].id)  # fmt: skip
    assert (alert.location.y, alert.location.x, alert.accuracy_meters) == (LAT, LON, POINT_ACCURACY_METERS)
    assert alert.reporter_id == world["key"].reporter_id
    assert alert.description == "Luminaria apagada frente al 1234\n\nNúmero del poste: P-991"
    (event,) = Event.objects.all()
    expected = (EventType.ALERT_CREATED, world["precinct"].id, alert.id)
    assert (event.type, event.precinct_id, event.payload["alert"]["id"]) == expected
    assert event.payload["alert"]["reporter"]["name"] == "Open311 FixMyStreet Santiago"
    # The person's data is nowhere: not on the alert, the request record, the reporter or the log
    stored = json.dumps([event.payload, event.community_payload, event.reporter_payload,
                         list(Open311Request.objects.values())], default=str)  # fmt: skip
    for value in ("ana@example.cl", "Rojas", "+56912345678", "android-1234"):
        assert value not in stored
    assert Open311Request.objects.get().attributes == {"pole_number": "P-991"}


def test_post_answers_in_xml(world):
    response = APIClient().post(f"{BASE}/requests.xml", form(world), format="multipart")

    assert response.status_code == 201
    root = etree.fromstring(response.content)
    assert root.tag == "service_requests"
    assert [child.tag for child in root.find("request")] == ["service_request_id", "service_notice", "account_id"]


def test_address_string_naming_a_comuna_locates_the_request_there(world):
    fields = form(world, address_string="Av. Santa Rosa 9000, san ramon")
    del fields["lat"], fields["long"]

    response = post(fields)

    assert response.status_code == 201
    alert = Alert.objects.get()
    assert alert.precinct_id == world["precinct"].id
    assert world["precinct"].boundary.contains(alert.location)
    # The point stands for the whole comuna, and says so
    assert alert.accuracy_meters == pytest.approx(1_150, rel=0.1)
    assert Open311Request.objects.get().location_source == "comuna"


def test_a_client_token_makes_the_post_idempotent_and_maps_to_the_request(world):
    first = post(form(world, token="fms-000123"))
    again = post(form(world, token="fms-000123"))
    tokens = APIClient().get(f"{BASE}/tokens/fms-000123.json")

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    assert Alert.objects.count() == 1
    assert tokens.json() == [{"service_request_id": Alert.objects.get().id, "token": "fms-000123"}]
    assert APIClient().get(f"{BASE}/tokens/unknown-token.json").status_code == 404


def test_a_token_reused_for_another_request_is_refused(world):
    post(form(world, token="fms-1"))

    response = post(form(world, token="fms-1", description="otra cosa"))

    assert response.status_code == 400
    assert Alert.objects.count() == 1


def test_attributes_of_every_datatype_are_accepted(world):
    answers = {"attribute[dog_count]": "5+", "attribute[colors][]": ["black", "white"]}
    response = post(form(world, service_code="stray_dogs", **answers))
    lights = post(form(world, **{"attribute[seen_at]": "2025-05-02T21:30:00-04:00", "attribute[poles]": "2"}))

    assert (response.status_code, lights.status_code) == (201, 201)
    answers = [row.attributes for row in Open311Request.objects.order_by("id")]
    assert answers == [{"dog_count": "5+", "colors": ["black", "white"]},
                       {"seen_at": "2025-05-02T21:30:00-04:00", "poles": "2"}]  # fmt: skip
    assert "¿Cuántos perros hay?: Cinco o más\nColores: Negro, Blanco" in Alert.objects.order_by("id")[0].description


# Bad input: the spec's error, naming the problem, and nothing written


@pytest.mark.parametrize(
    ("change", "status", "description"),
    [
        ({"api_key": ""}, 403, f"api_key: {open311_services.ERROR_KEY_MISSING}"),
        ({"api_key": "not-a-key"}, 403, f"api_key: {open311_services.ERROR_KEY_INVALID}"),
        ({"service_code": "no_such_service"}, 404, f"service_code: {open311_services.ERROR_SERVICE_UNKNOWN}"),
        ({"service_code": "robbery_in_progress"}, 404, f"service_code: {open311_services.ERROR_SERVICE_UNKNOWN}"),
        ({"service_code": "rubbish"}, 403, f"service_code: {open311_services.ERROR_SERVICE_NOT_ALLOWED}"),
        ({"lat": None, "long": None}, 400, f"lat: {open311_serializers.ERROR_LOCATION_MISSING}"),
        ({"long": None}, 400, f"long: {open311_serializers.ERROR_LAT_LONG_PAIR}"),
        ({"lat": None, "long": None, "address_string": "Calle Falsa 123, Springfield"}, 400,
         f"address_string: {open311_serializers.ERROR_ADDRESS_UNKNOWN}"),
        ({"lat": None, "long": None, "address_id": "545483"}, 400,
         f"address_id: {open311_serializers.ERROR_ADDRESS_ID}"),
        ({"lat": -20.2, "long": -70.1}, 400, f"lat: {open311_services.ERROR_OUTSIDE}"),
        ({"attribute[pole_number]": "uno\ndos"}, 400,
         f"attribute[pole_number]: {open311_serializers.ERROR_ATTRIBUTE_LINE_BREAK}"),
        ({"attribute[poles]": "muchos"}, 400, f"attribute[poles]: {open311_serializers.ERROR_ATTRIBUTE_NUMBER}"),
        ({"attribute[seen_at]": "ayer"}, 400, f"attribute[seen_at]: {open311_serializers.ERROR_ATTRIBUTE_DATETIME}"),
        ({"attribute[color]": "rojo"}, 400, f"attribute[color]: {open311_serializers.ERROR_ATTRIBUTE_UNKNOWN}"),
        ({"attribute[]": "x"}, 400, f"attribute[]: {open311_apis.ERROR_ATTRIBUTE_KEY}"),
        ({"token": "ñandú"}, 400, f"token: {open311_serializers.ERROR_TOKEN}"),
        ({"token": "a/b"}, 400, f"token: {open311_serializers.ERROR_TOKEN}"),
    ],
)  # fmt: skip
def test_bad_posts_get_the_spec_error_and_write_nothing(world, change, status, description):
    fields = {name: value for name, value in {**form(world), **change}.items() if value is not None}

    response = post(fields)

    assert response.status_code == status
    assert errors(response) == [{"code": status, "description": description}]
    assert nothing_written()


def test_a_description_over_4000_characters_is_refused(world):
    response = post(form(world, description="x" * 4_001))

    assert response.status_code == 400
    ((error,),) = [errors(response)]
    assert error["code"] == 400
    assert error["description"].startswith("description: ")
    assert "4000" in error["description"]
    assert nothing_written()
    assert post(form(world, description="x" * 4_000)).status_code == 201


def test_bad_attributes_of_a_list_service_are_all_named(world):
    response = post(form(world, service_code="stray_dogs", **{"attribute[colors][]": ["black", "green"]}))

    assert response.status_code == 400
    assert errors(response) == [
        {
            "code": 400,
            "description": "attribute[colors]: "
            + str(open311_serializers.ERROR_ATTRIBUTE_NOT_A_CHOICE).format(value="green", choices="black, white"),
        },
        {"code": 400, "description": f"attribute[dog_count]: {open311_serializers.ERROR_ATTRIBUTE_REQUIRED}"},
    ]
    assert nothing_written()


def test_bad_input_errors_come_in_xml_too(world):
    response = post({**form(world), "api_key": "wrong"}, fmt="xml")

    assert response.status_code == 403
    root = etree.fromstring(response.content)
    assert [(e.findtext("code"), e.findtext("description")) for e in root.iterfind("error")] == [
        ("403", f"api_key: {open311_services.ERROR_KEY_INVALID}")
    ]


def test_a_revoked_key_is_refused(world):
    open311_api_key_revoke(key_id=world["key"].id)

    response = post(form(world))

    assert response.status_code == 403
    assert errors(response)[0]["description"] == f"api_key: {open311_services.ERROR_KEY_REVOKED}"
    assert nothing_written()
    assert Open311ApiKey.objects.get().is_usable is False


def test_a_key_over_its_rate_is_throttled_with_retry_after(world):
    key, raw = open311_key("Poco uso", per_minute=2)
    fields = {**form(world), "api_key": raw}

    statuses = [post(fields).status_code for _ in range(3)]

    assert statuses == [201, 201, 429]
    assert Alert.objects.count() == 2
    third = post(fields)
    assert third["Retry-After"]
    assert errors(third)[0]["code"] == 429


# Listing: the community's view, except for the integrator's own requests


def test_requests_list_redacts_what_the_community_may_not_see(world):
    post(form(world, media_url="https://fotos.example.cl/1.jpg", address_string="Pasaje Uno 45, San Ramón"))
    alert = Alert.objects.get()
    alert.refresh_from_db()

    (record,) = APIClient().get(f"{BASE}/requests.json").json()

    assert record == {
        "service_request_id": alert.id,
        "status": "open",
        "status_notes": str(AlertStatus.RECEIVED.label),
        "service_name": "Alumbrado público",
        "service_code": "street_lighting",
        "description": None,
        "agency_responsible": str(Agency.MUNICIPALITY.label),
        "service_notice": "Se revisa en 48 horas.",
        "requested_datetime": timezone.localtime(alert.created_at).isoformat(timespec="seconds"),
        "updated_datetime": timezone.localtime(alert.created_at).isoformat(timespec="seconds"),
        "expected_datetime": None,
        "address": "San Ramón",
        "address_id": None,
        "zipcode": None,
        "lat": round(alert.community_location.y, 7),
        "long": round(alert.community_location.x, 7),
        "media_url": None,
    }
    assert "12345" not in json.dumps(record)


def test_the_integrator_sees_its_own_requests_as_their_reporter(world):
    post(form(world, media_url="https://fotos.example.cl/1.jpg", address_string="Pasaje Uno 45, San Ramón"))
    other_key, other_raw = open311_key("Otra app")

    mine = APIClient().get(f"{BASE}/requests.json", {"api_key": world["raw"]}).json()[0]
    theirs = APIClient().get(f"{BASE}/requests.json", {"api_key": other_raw}).json()[0]

    assert (mine["lat"], mine["long"]) == (round(LAT, 7), round(LON, 7))
    assert mine["description"] == "Luminaria apagada frente al 1234"
    assert (mine["address"], mine["media_url"]) == ("Pasaje Uno 45, San Ramón", "https://fotos.example.cl/1.jpg")
    assert (theirs["description"], theirs["media_url"], theirs["address"]) == (None, None, "San Ramón")


def test_alerts_of_closed_categories_are_never_listed(world):
    AlertFactory(precinct=world["precinct"], category=category("robbery_in_progress"))
    street = AlertFactory(precinct=world["precinct"], category=category("street_lighting"))

    listed = APIClient().get(f"{BASE}/requests.json").json()

    assert [record["service_request_id"] for record in listed] == [street.id]


def test_status_maps_to_open_and_closed_with_notes_from_the_timeline(world):
    dispatcher = staff_user(Role.DISPATCHER, [world["precinct"]])
    post(form(world))
    post(form(world, description="la misma luminaria"))
    first, second = Alert.objects.order_by("id")
    alert_transition(alert_id=first.id, actor=dispatcher, status=AlertStatus.ACKNOWLEDGED)
    alert_transition(alert_id=first.id, actor=dispatcher, status=AlertStatus.RESOLVED, note="Cambiamos la ampolleta.")
    alert_merge(alert_id=second.id, into_id=first.id, actor=dispatcher)

    public = {r["service_request_id"]: r for r in APIClient().get(f"{BASE}/requests.json").json()}
    own = {
        r["service_request_id"]: r for r in APIClient().get(f"{BASE}/requests.json", {"api_key": world["raw"]}).json()
    }

    assert (public[first.id]["status"], public[second.id]["status"]) == ("closed", "closed")
    assert public[first.id]["status_notes"] == str(AlertStatus.RESOLVED.label)
    assert public[second.id]["status_notes"] == str(NOTE_DUPLICATE).format(id=first.id)
    # Dispatch's note goes to the reporter, who is the integrator here
    assert own[first.id]["status_notes"] == "Cambiamos la ampolleta."
    assert public[first.id]["updated_datetime"] >= public[first.id]["requested_datetime"]


def test_requests_filters(world):
    lights = [AlertFactory(precinct=world["precinct"], category=category("street_lighting")) for _ in range(2)]
    dogs = AlertFactory(precinct=world["precinct"], category=category("stray_dogs"), status=AlertStatus.RESOLVED)
    old = AlertFactory(precinct=world["precinct"], category=category("rubbish"),
                       created_at=timezone.now() - dt.timedelta(days=120))  # fmt: skip

    def ids(**params):
        response = APIClient().get(f"{BASE}/requests.json", params)
        assert response.status_code == 200, response.content
        return sorted(record["service_request_id"] for record in response.json())

    assert ids() == sorted([*(a.id for a in lights), dogs.id])
    assert ids(service_code="stray_dogs,rubbish") == [dogs.id]
    assert ids(status="closed") == [dogs.id]
    assert ids(status="open") == sorted(a.id for a in lights)
    # service_request_id overrides every other filter, the 90-day default included
    assert ids(service_request_id=f"{old.id},{dogs.id}", status="open") == sorted([old.id, dogs.id])
    start = (timezone.now() - dt.timedelta(days=130)).isoformat()
    end = (timezone.now() - dt.timedelta(days=100)).isoformat()
    assert ids(start_date=start, end_date=end) == [old.id]
    assert ids(start_date=start) == [old.id]


def test_requests_list_is_capped_at_1000(world, monkeypatch):
    from backend.alerts.open311 import selectors

    monkeypatch.setattr(selectors, "MAX_RECORDS", 2)
    for _ in range(3):
        AlertFactory(precinct=world["precinct"], category=category("rubbish"))

    assert len(APIClient().get(f"{BASE}/requests.json").json()) == 2


@pytest.mark.parametrize(
    ("params", "description"),
    [
        ({"start_date": "2025-01-01"}, f"start_date: {open311_serializers.ERROR_DATE}"),
        ({"start_date": "2025-01-01T00:00:00"}, f"start_date: {open311_serializers.ERROR_DATE}"),
        ({"start_date": "2025-01-01T00:00:00Z", "end_date": "2025-06-01T00:00:00Z"},
         f"end_date: {open311_serializers.ERROR_DATE_SPAN}"),
        ({"start_date": "2025-02-01T00:00:00Z", "end_date": "2025-01-01T00:00:00Z"},
         f"end_date: {open311_serializers.ERROR_DATE_ORDER}"),
        ({"status": "pending"}, f"status: {open311_serializers.ERROR_STATUS}"),
        ({"service_request_id": "12,abc"}, f"service_request_id: {open311_serializers.ERROR_IDS}"),
    ],
)  # fmt: skip
def test_bad_filters_are_400_naming_the_parameter(world, params, description):
    response = APIClient().get(f"{BASE}/requests.json", params)

    assert response.status_code == 400
    assert errors(response) == [{"code": 400, "description": description}]


def test_one_request_by_id(world):
    post(form(world))
    alert = Alert.objects.get()
    closed = AlertFactory(precinct=world["precinct"], category=category("robbery_in_progress"))

    found = APIClient().get(f"{BASE}/requests/{alert.id}.xml")
    hidden = APIClient().get(f"{BASE}/requests/{closed.id}.json")
    missing = APIClient().get(f"{BASE}/requests/999999999.json")

    assert found.status_code == 200
    assert etree.fromstring(found.content).findtext("request/service_request_id") == str(alert.id)
    assert (hidden.status_code, missing.status_code) == (404, 404)


def test_reporter_data_of_app_alerts_is_never_listed(world):
    neighbor = UserFactory(first_name="Marta", last_name="Secreta", phone="+56999990000")
    alert = AlertFactory(precinct=world["precinct"], category=category("rubbish"), reporter=neighbor,
                         description="Vivo en el 45, llamar a Marta")  # fmt: skip

    body = APIClient().get(f"{BASE}/requests.xml").content.decode()

    assert f"<service_request_id>{alert.id}</service_request_id>" in body
    for secret in ("Marta", "Secreta", "+56999990000", "Vivo en el 45"):
        assert secret not in body
