"""Our Open311 server driven by an independent client over real HTTP, and its XML checked against the spec.

The client is ``georeport`` (PyPI, the only maintained Python 3 GeoReport v2 client). It reads services, service
definitions and requests in both formats, but has no POST (its README says so), and the Python clients that do
(``three``, ``open311``) are Python 2 only. So requests are posted with ``requests`` exactly as the spec's
example does (form-encoded), and everything posted is read back through georeport, on the other server process.

The XML of every method is compared with the spec's own examples (``tests/fixtures/open311/``): the same
elements, nested the same way, in the same order.
"""

import asyncio
import re
from pathlib import Path

import pytest
import requests
import xmltodict
from georeport import GeoReport
from lxml import etree

from backend.accounts.models import Role
from backend.alerts.models import Alert, EventType
from tests.factories import PrecinctFactory, api_token, staff_user
from tests.factories.geo import cell_center
from tests.factories.open311 import open311_key, open311_only
from tests.plugins.realtime import ws_open

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

SPEC_EXAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "open311"
W3C_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d([+-]\d\d:\d\d|Z)$")
DOG_COUNT = {"code": "dog_count", "datatype": "singlevaluelist", "required": True, "description": "¿Cuántos perros?",
             "values": [{"key": "1", "name": "Uno"}, {"key": "2-4", "name": "De dos a cuatro"}]}  # fmt: skip


@pytest.fixture
def city(asgi_servers):
    # Given two server processes, a comuna, two services open to Open311 and an integrator's key
    precinct = PrecinctFactory(column=0, code="13131", name="San Ramón")
    open311_only(
        {"code": "street_lighting", "notice": "Se revisa en 48 horas."},
        {"code": "stray_dogs", "attributes": [DOG_COUNT]},
    )
    key, raw = open311_key(codes=("street_lighting", "stray_dogs"))
    writer, reader = (f"http://{address}/open311/v2" for address in asgi_servers)
    return {"precinct": precinct, "raw": raw, "writer": writer, "reader": reader}


def post_request(root: str, fields: dict, fmt: str = "json") -> requests.Response:
    """POST requests.[fmt], form-encoded, as in the spec's example request."""
    return requests.post(f"{root}/requests.{fmt}", data=fields, timeout=10)


def lights(city, **extra) -> dict:
    lat, lon = cell_center(0)
    return {"api_key": city["raw"], "service_code": "street_lighting", "lat": f"{lat + 0.0012:.7f}",
            "long": f"{lon + 0.0012:.7f}", "description": "Luminaria apagada", **extra}  # fmt: skip


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_georeport_reads_services_and_definitions(city, fmt):
    client = GeoReport(city["reader"], output_format=fmt)

    services = client.get_service_list()
    definition = client.get_service_definition("stray_dogs")

    by_code = {service["service_code"]: service for service in services}
    assert sorted(by_code) == ["stray_dogs", "street_lighting"]
    assert by_code["street_lighting"]["service_name"] == "Alumbrado público"
    assert str(by_code["stray_dogs"]["metadata"]).lower() == "true"
    attributes = definition["attributes"] if fmt == "json" else definition["attributes"]["attribute"]
    attribute = attributes[0] if isinstance(attributes, list) else attributes
    assert attribute["code"] == "dog_count"
    values = attribute["values"] if fmt == "json" else attribute["values"]["value"]
    assert [value["key"] for value in values] == ["1", "2-4"]


def test_a_posted_request_is_read_back_by_georeport_on_the_other_server(city):
    # When an outside client posts a request to one server process
    created = post_request(city["writer"], lights(city))
    dogs = post_request(city["writer"], {**lights(city), "service_code": "stray_dogs", "attribute[dog_count]": "2-4"})

    assert (created.status_code, dogs.status_code) == (201, 201)
    request_id = created.json()[0]["service_request_id"]
    # Then georeport finds it through the other one, in JSON and XML, redacted to the ~100 m cell
    as_json = GeoReport(city["reader"]).get_service_request(str(request_id))
    as_xml = GeoReport(city["reader"], output_format="xml").get_service_request(str(request_id))
    alert = Alert.objects.get(id=request_id)
    assert as_json["service_request_id"] == request_id
    assert as_xml["service_request_id"] == str(request_id)
    assert (as_json["status"], as_xml["status"]) == ("open", "open")
    assert (as_json["lat"], as_json["long"]) == (round(alert.community_location.y, 7),
                                                 round(alert.community_location.x, 7))  # fmt: skip
    assert as_json["description"] is None
    assert as_xml["description"] is None
    listed = GeoReport(city["reader"]).get_service_requests(service_code="street_lighting", status="open")
    assert [record["service_request_id"] for record in listed] == [request_id]
    xml_listed = GeoReport(city["reader"], output_format="xml").get_service_requests()
    assert sorted(int(record["service_request_id"]) for record in xml_listed) == sorted(
        [request_id, dogs.json()[0]["service_request_id"]]
    )


async def test_a_request_posted_through_open311_appears_live_in_dispatch(city):
    # Given the precinct's console, connected to a server process
    dispatcher = await asyncio.to_thread(staff_user, Role.DISPATCHER, [city["precinct"]])
    token = await asyncio.to_thread(api_token, dispatcher)
    console, _ = await ws_open("/ws/dispatch/", token=token)

    # When an outside client posts a request
    response = await asyncio.to_thread(post_request, city["writer"], lights(city))

    # Then the console hears of the new alert, in full, as of any other
    frame = await console.receive_json_from(timeout=15)
    assert frame["type"] == EventType.ALERT_CREATED
    assert frame["alert"]["id"] == response.json()[0]["service_request_id"]
    assert frame["alert"]["category"]["code"] == "street_lighting"
    assert frame["alert"]["description"] == "Luminaria apagada"
    await console.disconnect()


def test_errors_reach_the_client_in_the_spec_format(city):
    missing_key = post_request(city["writer"], {**lights(city), "api_key": ""}, fmt="xml")
    unknown_service = post_request(city["writer"], {**lights(city), "service_code": "robbery_in_progress"})

    assert missing_key.status_code == 403
    assert xmltodict.parse(missing_key.content)["errors"]["error"]["code"] == "403"
    assert unknown_service.status_code == 404
    assert unknown_service.json()[0]["code"] == 404
    with pytest.raises(requests.HTTPError):
        GeoReport(city["reader"]).get_service_definition("robbery_in_progress")
    assert Alert.objects.count() == 0


# The XML against the spec's examples


def shape(element: etree._Element, path: str = "") -> dict[str, list[str]]:
    """Each element's path mapped to its children's tags in order, repeats folded (a list's items are one)."""
    here = f"{path}/{element.tag}"
    tags: list[str] = []
    for child in element:
        if not tags or tags[-1] != child.tag:
            tags.append(child.tag)
    shapes = {here: tags}
    for child in element:
        for child_path, child_tags in shape(child, here).items():
            shapes.setdefault(child_path, child_tags)
    return shapes


def spec(name: str) -> dict[str, list[str]]:
    return shape(etree.parse(str(SPEC_EXAMPLES / name)).getroot())


def ours(response: requests.Response) -> etree._Element:
    assert response.headers["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return etree.fromstring(response.content)


def test_every_xml_response_has_the_shape_of_the_spec_examples(city):
    created = ours(post_request(city["writer"], lights(city, token="fms-42"), fmt="xml"))
    request_id = created.findtext("request/service_request_id")
    documents = {
        "discovery.xml": ours(requests.get(f"{city['reader']}/discovery.xml", timeout=10)),
        "services.xml": ours(requests.get(f"{city['reader']}/services.xml", timeout=10)),
        "service_definition.xml": ours(requests.get(f"{city['reader']}/services/stray_dogs.xml", timeout=10)),
        "request_created.xml": created,
        "requests.xml": ours(requests.get(f"{city['reader']}/requests.xml", timeout=10)),
        "token.xml": ours(requests.get(f"{city['reader']}/tokens/fms-42.xml", timeout=10)),
        "errors.xml": ours(post_request(city["writer"], {**lights(city), "api_key": "bad"}, fmt="xml")),
    }

    for name, document in documents.items():
        assert shape(document) == spec(name), name
    listed = documents["requests.xml"].find("request")
    assert listed.findtext("service_request_id") == request_id
    for field in ("requested_datetime", "updated_datetime"):
        assert W3C_DATETIME.match(listed.findtext(field)), field
    assert W3C_DATETIME.match(documents["discovery.xml"].findtext("changeset"))
    assert {service.findtext("metadata") for service in documents["services.xml"]} == {"true", "false"}
