"""Nested and related objects pass the same scope checks as their own endpoints (issue #10, items 2-5)."""

import io
import json

import pytest
from django.contrib.gis.geos import Point
from PIL import Image

from backend.accounts.models import Agency, Role
from backend.alerts.incidents.information import information_add, information_hide
from backend.alerts.incidents.uploads import photos_inspect
from backend.alerts.messaging.services import ERROR_AREA_OUTSIDE_SCOPE
from backend.alerts.models import AlertPhoto, Event, MassMessage
from tests.factories import PrecinctFactory, UserFactory, staff_user
from tests.factories.alerts import AlertFactory, ZoneFactory, box_around, category
from tests.factories.geo import CELL_DEGREES, ORIGIN_LAT, ORIGIN_LON, cell_center

pytestmark = pytest.mark.django_db


def png(name: str = "photo.png") -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, format="PNG")
    buffer.seek(0)
    buffer.name = name
    return buffer


def values_in(body) -> set:
    """Every scalar anywhere in a JSON body, nested objects and lists included."""
    found: set = set()

    def walk(node) -> None:
        if isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        else:
            found.add(node)

    walk(body)
    return found


def keys_in(body) -> set[str]:
    found: set[str] = set()

    def walk(node) -> None:
        if isinstance(node, dict):
            found.update(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(body)
    return found


@pytest.fixture
def two_precincts():
    return PrecinctFactory(column=0, code="13105", name="El Bosque"), PrecinctFactory(column=1, code="13112")


# Item 2: possible duplicates


def test_possible_duplicates_never_include_alerts_outside_the_viewers_scope(client_for, two_precincts):
    # given two alerts 186 m apart on either side of the border between two precincts
    el_bosque, la_pintana = two_precincts
    border_lon = ORIGIN_LON + CELL_DEGREES
    lat = cell_center(0)[0]
    mine = AlertFactory(precinct=el_bosque, location=Point(border_lon - 0.001, lat, srid=4326))
    reporter = UserFactory(first_name="Rosa", last_name="Secreta", phone="+56999990000")
    theirs = AlertFactory(
        precinct=la_pintana,
        reporter=reporter,
        location=Point(border_lon + 0.001, lat, srid=4326),
        description="detalle privado de La Pintana",
    )
    same_side = AlertFactory(precinct=el_bosque, location=Point(border_lon - 0.0015, lat, srid=4326))
    dispatcher = staff_user(Role.DISPATCHER, [el_bosque])
    # when the El Bosque dispatcher opens their alert
    body = client_for(dispatcher).get(f"/api/alerts/{mine.id}/").json()
    # then only the in-scope neighbour is offered, and nothing of the other precinct's alert appears anywhere
    assert [other["id"] for other in body["possible_duplicates"]] == [same_side.id]
    alert_ids = {node["id"] for node in _dicts_in(body) if "category" in node}
    assert alert_ids == {mine.id, same_side.id}
    assert values_in(body) & {"Rosa Secreta", "+56999990000", theirs.description} == set()
    assert reporter.id not in {node["id"] for node in _dicts_in(body) if "phone" in node}
    assert client_for(dispatcher).get(f"/api/alerts/{theirs.id}/").status_code == 404


def test_agency_operators_see_duplicates_of_their_agency_only(client_for, two_precincts):
    el_bosque, _ = two_precincts
    fire_one = AlertFactory(precinct=el_bosque, category=category("fire"))
    fire_two = AlertFactory(precinct=el_bosque, category=category("fire"))
    AlertFactory(precinct=el_bosque)  # Carabineros, same place
    operator = staff_user(Role.AGENCY_OPERATOR, [el_bosque], agency=Agency.BOMBEROS)
    body = client_for(operator).get(f"/api/alerts/{fire_one.id}/").json()
    assert [other["id"] for other in body["possible_duplicates"]] == [fire_two.id]


# Item 3: the reporter's view


@pytest.fixture
def contributed_alert(two_precincts):
    """An alert with a member's visible addition (unapproved photo), a hidden one, and a dispatch step."""
    el_bosque, _ = two_precincts
    alert = AlertFactory(precinct=el_bosque)
    contributor = UserFactory(first_name="Contribuyente", last_name="Anónimo", username="contributor")
    ZoneFactory(member=contributor)
    visible = information_add(
        alert_id=alert.id, author=contributor, text="Se fueron al norte", photos=photos_inspect([png()])
    )
    hidden = information_add(alert_id=alert.id, author=contributor, text="insulto")
    dispatcher = staff_user(Role.DISPATCHER, [el_bosque], first_name="Cabo", last_name="Rojas")
    information_hide(alert_id=alert.id, information_id=hidden.id, actor=dispatcher)
    from backend.alerts.incidents.services import alert_transition

    alert_transition(alert_id=alert.id, actor=dispatcher, status="acknowledged", note="Vamos")
    return {"alert": alert, "contributor": contributor, "visible": visible, "hidden": hidden, "dispatcher": dispatcher}


def _assert_anonymous_for_reporter(body: dict, case: dict) -> None:
    contributor, dispatcher = case["contributor"], case["dispatcher"]
    names = {"Contribuyente Anónimo", "contributor", "Cabo Rojas"}
    assert values_in(body) & names == set()
    assert {"author", "actor", "is_hidden"} & keys_in(body) == set()
    assert contributor.id not in values_in(body) or contributor.id == case["alert"].id
    assert dispatcher.id not in values_in(body) or dispatcher.id == case["alert"].id
    texts = [entry["text"] for entry in body["information"]]
    assert texts == ["Se fueron al norte"]
    assert body["information"][0]["photos"] == []  # not approved yet
    assert body["information"][0]["is_mine"] is False


def test_the_reporter_never_learns_who_added_information(client_for, contributed_alert):
    alert = contributed_alert["alert"]
    client = client_for(alert.reporter)
    detail = client.get(f"/api/alerts/{alert.id}/").json()
    _assert_anonymous_for_reporter(detail, contributed_alert)
    assert [step["note"] for step in detail["steps"]] == ["", "Vamos"]
    (feature,) = client.get("/api/alerts/mine/").json()["features"]
    _assert_anonymous_for_reporter(feature["properties"], contributed_alert)


def test_a_retried_post_answers_with_the_reporters_view(client_for, two_precincts):
    el_bosque, _ = two_precincts
    reporter = UserFactory()
    lat, lon = cell_center(0)
    body = {"category": "robbery_in_progress", "lat": lat, "lon": lon, "accuracy_meters": 10}
    first = client_for(reporter).post("/api/alerts/", body, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    contributor = UserFactory(first_name="Contribuyente", last_name="Anónimo")
    ZoneFactory(member=contributor)
    information_add(alert_id=first.json()["id"], author=contributor, text="lo vi")
    retry = client_for(reporter).post("/api/alerts/", body, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert retry.status_code == 200
    assert "author" not in keys_in(retry.json())
    assert "Contribuyente Anónimo" not in values_in(retry.json())


def test_dispatch_still_sees_contributors_and_hidden_entries(client_for, contributed_alert):
    alert = contributed_alert["alert"]
    body = client_for(contributed_alert["dispatcher"]).get(f"/api/alerts/{alert.id}/").json()
    assert [(entry["author"]["name"], entry["is_hidden"]) for entry in body["information"]] == [
        ("Contribuyente Anónimo", False),
        ("Contribuyente Anónimo", True),
    ]


async def test_the_reporters_socket_replays_and_streams_the_anonymous_view(contributed_alert_async):
    from tests.plugins.realtime import ws_frames, ws_open

    case = contributed_alert_async
    communicator, hello = await ws_open(f"/ws/alerts/{case['alert'].id}/", token=case["token"], last_event_id=0)
    try:
        assert hello["type"] == "hello"
        frames = await ws_frames(communicator, case["events"])
        for frame in frames:
            assert {"author", "actor", "is_hidden"} & keys_in(frame) == set()
            assert values_in(frame) & {"Contribuyente Anónimo", "Cabo Rojas"} == set()
    finally:
        await communicator.disconnect()


@pytest.fixture
def contributed_alert_async(transactional_db, two_precincts):
    from tests.factories.accounts import api_token

    el_bosque, _ = two_precincts
    alert = AlertFactory(precinct=el_bosque)
    contributor = UserFactory(first_name="Contribuyente", last_name="Anónimo")
    ZoneFactory(member=contributor)
    information_add(alert_id=alert.id, author=contributor, text="Se fueron", photos=photos_inspect([png()]))
    hidden = information_add(alert_id=alert.id, author=contributor, text="insulto")
    dispatcher = staff_user(Role.DISPATCHER, [el_bosque], first_name="Cabo", last_name="Rojas")
    information_hide(alert_id=alert.id, information_id=hidden.id, actor=dispatcher)
    from backend.alerts.incidents.services import alert_transition

    alert_transition(alert_id=alert.id, actor=dispatcher, status="acknowledged", note="Vamos")
    token = api_token(alert.reporter)
    return {"alert": alert, "token": token, "events": Event.objects.filter(alert=alert).count()}


# Item 4: photo files


@pytest.fixture
def photographed(two_precincts):
    el_bosque, _ = two_precincts
    alert = AlertFactory(precinct=el_bosque)
    contributor = UserFactory()
    ZoneFactory(member=contributor)
    information = information_add(alert_id=alert.id, author=contributor, text="foto", photos=photos_inspect([png()]))
    photo = AlertPhoto.objects.get(information=information)
    return alert, photo, contributor


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("commander", 404),
        ("other_dispatcher", 404),
        ("other_agency", 404),
        ("member_in_zone", 404),
        ("stranger", 404),
        ("reporter", 404),
        ("uploader", 200),
        ("dispatcher", 200),
        ("administrator", 200),
    ],
)
def test_an_unapproved_photo_opens_only_for_dispatch_in_scope_and_its_uploader(
    client_for, photographed, two_precincts, who, expected
):
    alert, photo, contributor = photographed
    el_bosque, la_pintana = two_precincts
    member = UserFactory()
    ZoneFactory(member=member)
    users = {
        "commander": staff_user(Role.COMMANDER, prefecture=el_bosque.prefecture),
        "other_dispatcher": staff_user(Role.DISPATCHER, [la_pintana]),
        "other_agency": staff_user(Role.AGENCY_OPERATOR, [el_bosque], agency=Agency.BOMBEROS),
        "member_in_zone": member,
        "stranger": UserFactory(),
        "reporter": alert.reporter,
        "uploader": contributor,
        "dispatcher": staff_user(Role.DISPATCHER, [el_bosque]),
        "administrator": UserFactory(role=Role.ADMINISTRATOR),
    }
    client = client_for(users[who])
    for suffix in ("", "thumbnail/"):
        response = client.get(f"/api/alerts/{alert.id}/photos/{photo.id}/{suffix}")
        assert response.status_code == expected
    # and the commander cannot open the alert itself either: the photo follows the alert
    if who == "commander":
        assert client.get(f"/api/alerts/{alert.id}/").status_code == 404


def test_an_approved_photo_opens_for_the_reporter_and_members_in_zone_only(client_for, photographed, two_precincts):
    alert, photo, _ = photographed
    AlertPhoto.objects.filter(id=photo.id).update(is_approved=True)
    member = UserFactory()
    ZoneFactory(member=member)
    url = f"/api/alerts/{alert.id}/photos/{photo.id}/"
    assert client_for(alert.reporter).get(url).status_code == 200
    assert client_for(member).get(url).status_code == 200
    assert client_for(UserFactory()).get(url).status_code == 404
    commander = staff_user(Role.COMMANDER, prefecture=two_precincts[0].prefecture)
    assert client_for(commander).get(url).status_code == 404


# Item 5: mass messages stay in the sender's precincts


def _ring(lon_min, lat_min, lon_max, lat_max) -> list:
    return [[lon_min, lat_min], [lon_max, lat_min], [lon_max, lat_max], [lon_min, lat_max], [lon_min, lat_min]]


def test_a_polygon_reaching_into_another_precinct_is_clipped_to_the_senders(client_for, two_precincts):
    # given a 13105 dispatcher drawing an area that is mostly in the neighbouring precinct
    el_bosque, la_pintana = two_precincts
    border = ORIGIN_LON + CELL_DEGREES
    lat0, lat1 = ORIGIN_LAT + 0.005, ORIGIN_LAT + 0.015
    area = {"type": "Polygon", "coordinates": [_ring(border - 0.002, lat0, border + 0.015, lat1)]}
    outside_member, inside_member = UserFactory(), UserFactory()
    ZoneFactory(member=outside_member, boundary=box_around(ORIGIN_LAT + 0.01, border + 0.01, half_size=0.002))
    ZoneFactory(member=inside_member, boundary=box_around(ORIGIN_LAT + 0.01, border - 0.001, half_size=0.0005))
    dispatcher = staff_user(Role.DISPATCHER, [el_bosque])
    client = client_for(dispatcher)
    fields = {"precinct": el_bosque.id, "target": "polygon", "area": area}
    # when they preview and then send it
    preview = client.post("/api/messages/preview/", fields, format="json").json()
    sent = client.post("/api/messages/", {**fields, "headline": "Aviso", "body": "Evite la zona."}, format="json")
    # then the stored area is only the part inside their precinct, as the preview said
    assert sent.status_code == 201
    message = MassMessage.objects.get()
    assert message.area.within(el_bosque.boundary.buffer(1e-9))
    assert message.area.extent == pytest.approx((border - 0.002, lat0, border, lat1), abs=1e-9)
    assert preview["is_clipped"] is True
    assert preview["square_meters"] < preview["requested_square_meters"] / 5
    assert json.loads(message.area.geojson)["coordinates"] == json.loads(json.dumps(preview["area"]["coordinates"]))
    # and a member whose zone is only in the other precinct is not reached
    from backend.alerts.community.selectors import zone_member_ids

    assert zone_member_ids(message.area) == [inside_member.id]
    assert la_pintana.boundary.intersection(message.area).area < 1e-12


def test_a_radius_clipped_by_the_border_is_sent_as_a_polygon(client_for, two_precincts):
    el_bosque, _ = two_precincts
    border = ORIGIN_LON + CELL_DEGREES
    dispatcher = staff_user(Role.DISPATCHER, [el_bosque])
    response = client_for(dispatcher).post(
        "/api/messages/",
        {
            "precinct": el_bosque.id,
            "target": "radius",
            "center": {"lat": ORIGIN_LAT + 0.01, "lon": border - 0.001},
            "radius_meters": 500,
            "headline": "Aviso",
            "body": "Evite la zona.",
        },  # fmt: skip
        format="json",
    )
    assert response.status_code == 201
    message = MassMessage.objects.get()
    assert (message.circle_center, message.circle_radius_meters) == (None, None)
    assert message.area.extent[2] == pytest.approx(border, abs=1e-9)


def test_an_area_entirely_in_another_precinct_is_refused_and_nothing_is_sent(client_for, two_precincts):
    el_bosque, _ = two_precincts
    border = ORIGIN_LON + CELL_DEGREES
    area = {
        "type": "Polygon",
        "coordinates": [_ring(border + 0.002, ORIGIN_LAT + 0.005, border + 0.01, ORIGIN_LAT + 0.01)],
    }
    response = client_for(staff_user(Role.DISPATCHER, [el_bosque])).post(
        "/api/messages/",
        {"precinct": el_bosque.id, "target": "polygon", "area": area, "headline": "Aviso", "body": "x"},
        format="json",
    )
    assert response.status_code == 403
    assert response.json()["error"]["fields"] == {"area": [ERROR_AREA_OUTSIDE_SCOPE]}
    assert not MassMessage.objects.exists()
    assert not Event.objects.exists()


def test_hiding_an_addition_redacts_it_from_every_logged_event(contributed_alert):
    # given an addition that dispatch hid after it had been logged (and replayed to clients) in several events
    alert, hidden = contributed_alert["alert"], contributed_alert["hidden"]
    events = list(Event.objects.filter(alert=alert).order_by("id"))
    assert len(events) >= 4
    # then no community payload holds its text, and every full payload flags it as hidden
    for event in events:
        assert "insulto" not in json.dumps(event.community_payload)
        entries = [entry for entry in event.payload["alert"]["information"] if entry["id"] == hidden.id]
        assert all(entry["is_hidden"] for entry in entries)
    from backend.alerts.presenters import AUDIENCE_REPORTER
    from backend.alerts.realtime.broadcasts import event_envelope

    assert all("insulto" not in json.dumps(event_envelope(event, audience=AUDIENCE_REPORTER)) for event in events)


def test_a_dispatcher_crawling_every_id_and_nested_reference_reaches_only_their_precinct(client_for, two_precincts):
    # given alerts on both sides of a border, some merged and with photos, and a dispatcher of one side
    el_bosque, la_pintana = two_precincts
    border_lon = ORIGIN_LON + CELL_DEGREES
    lat = cell_center(0)[0]
    inside = [AlertFactory(precinct=el_bosque, location=Point(border_lon - 0.0005 * i, lat, srid=4326))
              for i in range(1, 4)]  # fmt: skip
    outside = [AlertFactory(precinct=la_pintana, location=Point(border_lon + 0.0005 * i, lat, srid=4326),
                            description=f"ajeno {i}") for i in range(1, 4)]  # fmt: skip
    for alert in (*inside, *outside):
        information_add(alert_id=alert.id, author=alert.reporter, text="foto", photos=photos_inspect([png()]))
    client = client_for(staff_user(Role.DISPATCHER, [el_bosque]))
    # when they request every alert id there is, and follow every id and URL any response mentions
    seen, queue, opened = set(), [f"/api/alerts/{alert.id}/" for alert in (*inside, *outside)], set()
    queue += ["/api/alerts/", "/api/alerts/mine/", "/api/community/alerts/"]
    while queue:
        url = queue.pop()
        if url in opened:
            continue
        opened.add(url)
        response = client.get(url)
        if response.status_code != 200 or not response["Content-Type"].startswith("application/json"):
            continue
        body = response.json()
        for node in _dicts_in(body):
            if "category" in node and "id" in node:
                seen.add(node["id"])
                queue.append(f"/api/alerts/{node['id']}/")
            for key in ("url", "thumbnail_url"):
                if isinstance(node.get(key), str):
                    queue.append(node[key])
            if isinstance(node.get("merged_into"), int):
                queue.append(f"/api/alerts/{node['merged_into']}/")
    # then nothing of the other precinct was ever served: no alert, no photo
    assert seen == {alert.id for alert in inside}
    outside_photos = AlertPhoto.objects.filter(alert__in=outside)
    for photo in outside_photos:
        assert client.get(f"/api/alerts/{photo.alert_id}/photos/{photo.id}/").status_code == 404


def _dicts_in(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _dicts_in(value)
    elif isinstance(node, list):
        for value in node:
            yield from _dicts_in(value)
