"""Every role against every API endpoint (``/api/``, Open311's ``/open311/`` and the CAP feed's ``/cap/``), on data of
two precincts and two neighbors (issue #10).

For each endpoint the table below gives the request and the status each role must get. Whatever the
status, the whole body (nested objects included, and CSV, HTML or image bytes as text) must hold none of
the values that role may not see. A new endpoint fails ``test_every_endpoint_is_in_the_matrix`` until it
gets a row here. The websocket streams are checked the same way in ``test_websocket_matrix``.
"""

import datetime as dt
import io
import json
from dataclasses import dataclass, field

import pytest
from django.db import transaction
from django.urls import URLResolver, get_resolver
from PIL import Image
from rest_framework.test import APIClient

from backend.accounts.models import Agency, Role
from backend.alerts.incidents.information import information_add
from backend.alerts.incidents.services import AlertInput, alert_create, alert_transition
from backend.alerts.incidents.uploads import photos_inspect
from backend.alerts.messaging.services import MessageContent, MessageTarget, mass_message_send
from backend.alerts.models import AlertPhoto, Device
from tests.factories import PrecinctFactory, PrefectureFactory, UserFactory, staff_user
from tests.factories.accounts import api_token
from tests.factories.alerts import ZoneFactory, box_around
from tests.factories.analytics import FormalReportFactory, IncidentLinkFactory
from tests.factories.geo import CELL_DEGREES, ORIGIN_LAT, ORIGIN_LON, cell_center
from tests.factories.open311 import open311_key, open311_only
from tests.factories.station import station_officer, verified_citizen

ROLES = ("anonymous", "neighbor_a", "neighbor_b", "dispatcher_a", "dispatcher_b", "firefighter_a", "commander",
         "administrator", "officer_a")  # fmt: skip
MONTH = "2024-03"
WHEN = dt.datetime(2024, 3, 10, 15, 0, tzinfo=dt.UTC)

# Distinctive values: exact coordinates (the community sees only ~100 m cells), names, phones, descriptions.
A_LAT, A_LON = ORIGIN_LAT + 0.0101234, ORIGIN_LON + 0.0101234
B_LAT, B_LON = ORIGIN_LAT + 0.0105678, ORIGIN_LON + CELL_DEGREES + 0.0105678
SECRETS = {
    # The digits the exact latitudes print with (-33.5898766…, -33.5894322…); their ~100 m cells print otherwise.
    "a_exact": f"{A_LAT:.7f}"[-7:],
    "b_exact": f"{B_LAT:.7f}"[-7:],
    "a_description": "DESCRIPCION-PRIVADA-A",
    "b_description": "DESCRIPCION-PRIVADA-B",
    "a_name": "Reportera Alfa",
    "a_phone": "+56900000001",
    "b_name": "Reportero Beta",
    "b_phone": "+56900000002",
    "officer_a": "Cabo Aguirre",
    "hidden_text": "TEXTO-OCULTO",
    # The station: neighbor_a's complaint and RUT (verification shows only a masked RUN).
    "a_narrative": "NARRATIVA-PRIVADA-DE-LA-DENUNCIA",
    "a_rut": "15123456",
}
# An anonymous tip of precinct A: only its station officer and administrators read it.
SECRETS["a_tip"] = "TEXTO-DE-LA-DENUNCIA-ANONIMA"
# Feedback about officers (issue #12), filed by a citizen who is none of the roles: its precinct's commander (here
# the prefecture's) and administrators read it; station officers review complaints, not feedback about officers.
SECRETS |= {"feedback_narrative": "NARRATIVA-RECLAMO-FUNCIONARIO", "feedback_filer": "Reclamante Gamma"}
FEEDBACK = {"feedback_narrative", "feedback_filer"}
# The condolence book: a message awaiting moderation is read by the book's moderators only (the station officer of
# its precinct, administrators), a rejected one by nobody through the API; approved ones are public.
SECRETS |= {"condolence_pending": "CONDOLENCIA-PENDIENTE", "condolence_rejected": "CONDOLENCIA-RECHAZADA"}
# What each role may never read anywhere. Reporters see their own alert; dispatch sees its precinct.
PERSONAL = {"a_exact", "b_exact", "a_description", "b_description", "a_name", "a_phone", "b_name", "b_phone"}
COMPLAINT = {"a_narrative", "a_rut"}
FORBIDDEN = {
    "anonymous": PERSONAL | COMPLAINT | {"officer_a", "hidden_text"},
    # neighbor_a reports in A and follows B; neighbor_b reports in B, follows A and added information to A.
    "neighbor_a": {"b_exact", "b_description", "b_name", "b_phone", "officer_a", "hidden_text"},
    "neighbor_b": {"a_exact", "a_description", "a_name", "a_phone", "officer_a", "hidden_text"} | COMPLAINT,
    "dispatcher_a": {"b_exact", "b_description", "b_phone"} | COMPLAINT,
    "dispatcher_b": {"a_exact", "a_description", "a_name", "a_phone", "officer_a", "hidden_text"} | COMPLAINT,
    # Bomberos of A: the carabineros alerts of A are not theirs.
    "firefighter_a": PERSONAL | COMPLAINT | {"officer_a", "hidden_text"},
    "commander": PERSONAL | COMPLAINT | {"officer_a", "hidden_text"},
    "administrator": set(),
    # The station officer of A reviews neighbor_a's complaint; alerts are not theirs.
    "officer_a": PERSONAL - {"a_name"} | {"officer_a", "hidden_text"},
}

FORBIDDEN.update({role: FORBIDDEN[role] | FEEDBACK for role in ROLES if role not in ("commander", "administrator")})
FORBIDDEN.update(
    {role: FORBIDDEN[role] | {"condolence_pending"} for role in ROLES if role not in ("officer_a", "administrator")}
)
FORBIDDEN.update({role: FORBIDDEN[role] | {"condolence_rejected"} for role in ROLES if role != "administrator"})


for _role in ROLES:
    if _role not in ("officer_a", "administrator"):
        FORBIDDEN[_role] = FORBIDDEN[_role] | {"a_tip"}


def png() -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (10, 120, 200)).save(buffer, format="PNG")
    buffer.seek(0)
    buffer.name = "p.png"
    return buffer


@dataclass
class World:
    users: dict
    objects: dict = field(default_factory=dict)


def build_world() -> World:
    prefecture = PrefectureFactory()
    precinct_a = PrecinctFactory(column=0, code="13105", name="El Bosque", prefecture=prefecture)
    precinct_b = PrecinctFactory(column=1, code="13112", name="La Pintana", prefecture=prefecture)
    neighbor_a = verified_citizen(
        username="neighbor_a", first_name="Reportera", last_name="Alfa", phone=SECRETS["a_phone"], rut="15123456-9"
    )
    neighbor_b = UserFactory(username="neighbor_b", first_name="Reportero", last_name="Beta", phone=SECRETS["b_phone"])
    ZoneFactory(member=neighbor_a, boundary=box_around(B_LAT, B_LON, half_size=0.003))
    ZoneFactory(member=neighbor_b, boundary=box_around(A_LAT, A_LON, half_size=0.003))
    users = {
        "anonymous": None,
        "neighbor_a": neighbor_a,
        "neighbor_b": neighbor_b,
        "dispatcher_a": staff_user(Role.DISPATCHER, [precinct_a], first_name="Cabo", last_name="Aguirre"),
        "dispatcher_b": staff_user(Role.DISPATCHER, [precinct_b], first_name="Sargento", last_name="Bravo"),
        "firefighter_a": staff_user(Role.AGENCY_OPERATOR, [precinct_a], agency=Agency.BOMBEROS),
        "commander": staff_user(Role.COMMANDER, prefecture=prefecture),
        "administrator": UserFactory(role=Role.ADMINISTRATOR, username="admin", is_staff=True),
        "officer_a": station_officer([precinct_a], first_name="Oficial", last_name="Comisaría"),
    }

    def alert(reporter, lat, lon, description, **extra):
        data = AlertInput(category="robbery_in_progress", lat=lat, lon=lon, accuracy_meters=5,
                          description=description, **extra)  # fmt: skip
        return alert_create(reporter=reporter, data=data).alert

    alert_a = alert(neighbor_a, A_LAT, A_LON, SECRETS["a_description"], photos=photos_inspect([png()]))
    twin_a = alert(neighbor_a, A_LAT + 0.0003, A_LON, "otra")
    alert_b = alert(neighbor_b, B_LAT, B_LON, SECRETS["b_description"])
    alert_transition(alert_id=alert_a.id, actor=users["dispatcher_a"], status="acknowledged", note="Nota interna")
    information = information_add(
        alert_id=alert_a.id, author=neighbor_b, text="Se fueron", photos=photos_inspect([png()])
    )
    hidden = information_add(alert_id=alert_a.id, author=neighbor_b, text=SECRETS["hidden_text"])
    from backend.alerts.incidents.information import information_hide

    information_hide(alert_id=alert_a.id, information_id=hidden.id, actor=users["dispatcher_a"])
    message = mass_message_send(
        sender=users["dispatcher_a"],
        precinct_id=precinct_a.id,
        content=MessageContent(headline="Aviso", body="Evite la zona"),
        target=MessageTarget(kind="precinct"),
    )
    device = Device.objects.create(user=neighbor_a, kind="fcm", token="token-neighbor-a")
    # Open311: robberies opened too, so the public listing holds alerts a and b (whose details must never show).
    open311_only({"code": "robbery_in_progress"}, {"code": "street_lighting"})
    _, open311_raw = open311_key(codes=("street_lighting",))
    open311_post = APIClient().post(
        "/open311/v2/requests.json", {**open311_form(open311_raw), "token": "matrix-token"}, format="multipart"
    )
    assert open311_post.status_code == 201, open311_post.content
    link = IncidentLinkFactory(formal_report=FormalReportFactory(precinct=precinct_a, occurred_at=WHEN))
    from backend.alerts.models import Zone

    client = APIClient()
    client.force_authenticate(user=users["dispatcher_a"])
    job = client.get(f"/api/analytics/stop-pack/?precinct={precinct_a.code}&month={MONTH}").json()
    client.force_authenticate(user=neighbor_a)
    complaint = client.post("/api/station/complaints/", complaint_body(), format="multipart")
    assert complaint.status_code == 201, complaint.json()
    constancia = client.post("/api/station/constancias/", constancia_body(), format="json")
    assert constancia.status_code == 201, constancia.json()
    feedback_filer = verified_citizen(first_name="Reclamante", last_name="Gamma")
    client.force_authenticate(user=feedback_filer)
    feedback = client.post("/api/station/feedback/", feedback_body(), format="json")
    assert feedback.status_code == 201, feedback.json()
    return World(
        users=users,
        objects={
            "precinct_a": precinct_a,
            "alert_a": alert_a,
            "twin_a": twin_a,
            "alert_b": alert_b,
            "photo_a": AlertPhoto.objects.get(alert=alert_a, information__isnull=True),
            "photo_info": AlertPhoto.objects.get(information=information),
            "hidden": hidden,
            "message": message,
            "device": device,
            "link": link,
            "zone_a": Zone.objects.get(member=neighbor_a),
            "job_id": job["id"],
            "complaint": complaint.json(),
            "evidence_id": complaint_evidence_id(complaint.json()["folio"]),
            "constancia": constancia.json(),
            "open311_key": open311_raw,
            "feedback": feedback.json(),
            **condolence_world(precinct_a),
        },
    )


def open311_form(api_key: str) -> dict:
    return {"api_key": api_key, "service_code": "street_lighting", "lat": A_LAT + 0.001, "long": A_LON,
            "description": "Luminaria apagada"}  # fmt: skip


def complaint_evidence_id(folio: str) -> int:
    from backend.station.models import ComplaintEvidence

    return ComplaintEvidence.objects.get(complaint__folio=folio).id


def complaint_body() -> dict:
    return {
        "offense": "simple_theft",
        "occurred_at": "2025-05-02T21:30:00-04:00",
        # The place of the offense, which the reviewing officer sees; not alert a's exact point (a secret here).
        "lat": A_LAT + 0.0003,
        "lon": A_LON + 0.0003,
        "narrative": SECRETS["a_narrative"],
        "items": json.dumps([{"description": "Billetera", "value": 25000}]),
        "details": json.dumps({"suspect": ""}),
        "reported_elsewhere": "false",
        "contact_email": "alfa@example.cl",
        "submission_key": "00000000-0000-4000-8000-000000000001",
        "evidence": [png()],
    }


def feedback_body(**overrides) -> dict:
    return {"kind": "complaint", "lat": A_LAT + 0.0004, "lon": A_LON + 0.0004, "occurred_at": WHEN.isoformat(),
            "officer_name": "Cabo Pérez", "narrative": SECRETS["feedback_narrative"],
            "submission_key": "00000000-0000-4000-8000-0000000000f1", **overrides}  # fmt: skip


def constancia_body() -> dict:
    answers = {"phone_number": "+56 9 8765 4321", "carrier": "entel", "imei": "490154203237518",
               "model": "Moto G", "occurred_on": "2025-05-01", "comuna": "13105"}  # fmt: skip
    return {"kind": "lost_mobile_phone", "answers": answers, "contact_email": "alfa@example.cl",
            "submission_key": "00000000-0000-4000-8000-000000000002"}  # fmt: skip


def everyone(status: int) -> dict:
    return dict.fromkeys(ROLES, status)


def authenticated(status: int, **exceptions) -> dict:
    return {**everyone(status), "anonymous": 401, **exceptions}


NEIGHBORS_ONLY = {"dispatcher_a": 403, "dispatcher_b": 403, "firefighter_a": 403, "commander": 403,
                  "administrator": 403, "officer_a": 403}  # fmt: skip
# Neighbors, and station officers (who work on complaints, not on alerts or analytics).
NOT_NEIGHBORS = {"neighbor_a": 403, "neighbor_b": 403, "officer_a": 403}
# Dispatch views: dispatchers, agency operators and administrators, each in scope.
DISPATCH_A = authenticated(404, **NOT_NEIGHBORS, commander=403, dispatcher_a=200, administrator=200)
# Commanders, dispatchers and administrators (analytics, mass messages), in scope.
COMMAND_A = authenticated(200, **NOT_NEIGHBORS, firefighter_a=403, dispatcher_b=403)
COMMAND_ACCEPTED = {**COMMAND_A, "dispatcher_a": 202, "commander": 202, "administrator": 202}


@dataclass(frozen=True)
class Case:
    route: str
    method: str
    path: str
    expected: dict
    data: dict | None = None
    format: str = "json"
    check_body: bool = True


def cases(world: World) -> list[Case]:
    o = world.objects
    a, b, photo, info_photo = o["alert_a"].id, o["alert_b"].id, o["photo_a"].id, o["photo_info"].id
    area_a = f"precinct={o['precinct_a'].code}&month={MONTH}"
    # A point of its own in A: what a caller sends comes back to it, and must not be mistaken for a leak.
    inside_a = {"lat": A_LAT + 0.0002, "lon": A_LON + 0.0002}
    message_body = {"precinct": o["precinct_a"].id, "target": "precinct", "headline": "Aviso", "body": "x"}
    return [
        Case("api/schema/", "get", "/api/schema/", everyone(200), check_body=False),
        Case("api/docs/", "get", "/api/docs/", everyone(200)),
        Case("api/geo/precincts/", "get", "/api/geo/precincts/", everyone(200)),
        Case("api/geo/precincts/<str:code>/", "get", "/api/geo/precincts/13105/", everyone(200)),
        Case("api/geo/locate", "get", f"/api/geo/locate?lat={A_LAT}&lon={A_LON}", everyone(200)),
        Case(
            "api/accounts/register/",
            "post",
            "/api/accounts/register/",
            everyone(201),
            {"username": "nuevo", "password": "una clave bastante larga"},
        ),  # fmt: skip
        # The body is the caller's own login: only their own data, which the caller just typed.
        Case(
            "api/accounts/token/",
            "post",
            "/api/accounts/token/",
            everyone(200),
            {"username": "admin", "password": "correct horse battery"},
            check_body=False,
        ),  # fmt: skip
        Case("api/accounts/logout/", "post", "/api/accounts/logout/", authenticated(204)),
        Case("api/accounts/logout-all/", "post", "/api/accounts/logout-all/", authenticated(204)),
        Case(
            "api/accounts/password/",
            "post",
            "/api/accounts/password/",
            authenticated(200),
            {"current_password": "correct horse battery", "new_password": "otra clave bastante larga 2"},
        ),  # fmt: skip
        Case("api/accounts/ws-ticket/", "post", "/api/accounts/ws-ticket/", authenticated(201)),
        Case("api/accounts/me/", "get", "/api/accounts/me/", authenticated(200)),
        Case("api/accounts/me/", "patch", "/api/accounts/me/", authenticated(200), {"language": "en"}),
        Case(
            "api/accounts/me/address/",
            "put",
            "/api/accounts/me/address/",
            authenticated(403, neighbor_a=200, neighbor_b=200),
            inside_a,
        ),  # fmt: skip
        Case("api/categories/", "get", "/api/categories/", everyone(200)),
        Case("api/alerts/", "get", "/api/alerts/", authenticated(200, **NOT_NEIGHBORS, commander=403)),
        Case(
            "api/alerts/",
            "post",
            "/api/alerts/",
            authenticated(201, **NEIGHBORS_ONLY),
            {"category": "theft", "accuracy_meters": 5, **inside_a},
        ),  # fmt: skip
        Case("api/alerts/mine/", "get", "/api/alerts/mine/", authenticated(200)),
        Case(
            "api/alerts/<int:alert_id>/",
            "get",
            f"/api/alerts/{a}/",
            {**DISPATCH_A, "neighbor_a": 200, "neighbor_b": 404, "commander": 404, "officer_a": 404},
        ),  # fmt: skip
        Case(
            "api/alerts/<int:alert_id>/steps/",
            "post",
            f"/api/alerts/{a}/steps/",
            {**DISPATCH_A, "dispatcher_a": 201, "administrator": 201},
            {"status": "contacted"},
        ),  # fmt: skip
        Case(
            "api/alerts/<int:alert_id>/merge/", "post", f"/api/alerts/{o['twin_a'].id}/merge/", DISPATCH_A, {"into": a}
        ),  # fmt: skip
        Case(
            "api/alerts/<int:alert_id>/information/",
            "post",
            f"/api/alerts/{a}/information/",
            authenticated(403, neighbor_a=201, neighbor_b=201),
            {"text": "vi algo"},
        ),  # fmt: skip
        Case(
            "api/alerts/<int:alert_id>/information/<int:information_id>/hide/",
            "post",
            f"/api/alerts/{a}/information/{o['hidden'].id}/hide/",
            DISPATCH_A,
        ),  # fmt: skip
        Case(
            "api/alerts/<int:alert_id>/photos/<int:photo_id>/",
            "get",
            f"/api/alerts/{a}/photos/{photo}/",
            {**DISPATCH_A, "neighbor_a": 200, "neighbor_b": 404, "commander": 404, "officer_a": 404},
        ),  # fmt: skip
        Case(
            "api/alerts/<int:alert_id>/photos/<int:photo_id>/thumbnail/",
            "get",
            f"/api/alerts/{a}/photos/{info_photo}/thumbnail/",
            {**DISPATCH_A, "neighbor_a": 404, "neighbor_b": 200, "commander": 404, "officer_a": 404},
        ),  # fmt: skip
        Case(
            "api/alerts/<int:alert_id>/photos/<int:photo_id>/approve/",
            "post",
            f"/api/alerts/{a}/photos/{info_photo}/approve/",
            DISPATCH_A,
        ),  # fmt: skip
        Case("api/community/alerts/", "get", "/api/community/alerts/", authenticated(200)),
        Case(
            "api/community/alerts/<int:alert_id>/",
            "get",
            f"/api/community/alerts/{b}/",
            authenticated(404, neighbor_a=200),
        ),  # fmt: skip
        Case("api/community/zones/", "get", "/api/community/zones/", authenticated(200)),
        Case(
            "api/community/zones/",
            "post",
            "/api/community/zones/",
            authenticated(201),
            {"name": "z", "radius_meters": 300, **inside_a},
        ),  # fmt: skip
        Case(
            "api/community/zones/<int:zone_id>/",
            "get",
            f"/api/community/zones/{o['zone_a'].id}/",
            authenticated(404, neighbor_a=200),
        ),
        Case(
            "api/community/zones/<int:zone_id>/",
            "delete",
            f"/api/community/zones/{o['zone_a'].id}/",
            authenticated(404, neighbor_a=204),
        ),  # fmt: skip
        Case(
            "api/messages/",
            "post",
            "/api/messages/",
            {**COMMAND_A, "dispatcher_a": 201, "commander": 201, "administrator": 201},
            message_body,
        ),  # fmt: skip
        Case("api/messages/active/", "get", "/api/messages/active/", everyone(200)),
        Case("api/messages/preview/", "post", "/api/messages/preview/", COMMAND_A, message_body),
        Case("api/messages/<int:message_id>.cap", "get", f"/api/messages/{o['message'].id}.cap", everyone(200)),
        Case(
            "api/messages/<int:message_id>/update/",
            "post",
            f"/api/messages/{o['message'].id}/update/",
            {**COMMAND_A, "dispatcher_a": 201, "commander": 201, "administrator": 201},
            {"headline": "Aviso 2", "body": "y"},
        ),  # fmt: skip
        Case(
            "api/messages/<int:message_id>/cancel/",
            "post",
            f"/api/messages/{o['message'].id}/cancel/",
            {**COMMAND_A, "dispatcher_a": 201, "commander": 201, "administrator": 201},
            {},
        ),  # fmt: skip
        Case("api/devices/", "get", "/api/devices/", authenticated(200)),
        Case("api/devices/", "post", "/api/devices/", authenticated(201), {"kind": "fcm", "token": "nuevo-token"}),
        Case("api/devices/webpush-key/", "get", "/api/devices/webpush-key/", authenticated(200)),
        Case(
            "api/devices/<int:device_id>/",
            "delete",
            f"/api/devices/{o['device'].id}/",
            authenticated(404, neighbor_a=204),
        ),  # fmt: skip
        Case("api/push-preferences/", "get", "/api/push-preferences/", authenticated(200)),
        Case(
            "api/push-preferences/",
            "put",
            "/api/push-preferences/",
            authenticated(200),
            {"preferences": {"fire": False}},
        ),  # fmt: skip
        Case("api/analytics/dark-figure/", "get", f"/api/analytics/dark-figure/?{area_a}", COMMAND_A),
        # The pack is built off the request path: 202 and a status URL until the job is done.
        Case("api/analytics/stop-pack/", "get", f"/api/analytics/stop-pack/?{area_a}&format=csv", COMMAND_ACCEPTED),
        Case("api/analytics/stop-pack/page/", "get", f"/api/analytics/stop-pack/page/?{area_a}", COMMAND_ACCEPTED),
        Case("api/analytics/stop-pack/pdf/", "get", f"/api/analytics/stop-pack/pdf/?{area_a}", COMMAND_ACCEPTED),
        Case(
            "api/analytics/jobs/<int:job_id>/",
            "get",
            f"/api/analytics/jobs/{o['job_id']}/",
            {**COMMAND_A, "dispatcher_b": 404},
        ),  # fmt: skip
        Case(
            "api/analytics/jobs/<int:job_id>/result/",
            "get",
            f"/api/analytics/jobs/{o['job_id']}/result/",
            {**COMMAND_A, "dispatcher_a": 409, "commander": 409, "administrator": 409, "dispatcher_b": 404},
        ),  # fmt: skip
        Case(
            "api/analytics/adoption/", "get", f"/api/analytics/adoption/?precinct={o['precinct_a'].code}", COMMAND_A
        ),  # fmt: skip
        Case("api/analytics/hotspots/", "get", f"/api/analytics/hotspots/?{area_a}", COMMAND_A),
        Case(
            "api/analytics/maps/precinct-month/", "get", f"/api/analytics/maps/precinct-month/?{area_a}", COMMAND_A
        ),  # fmt: skip
        Case("api/analytics/links/", "get", f"/api/analytics/links/?{area_a}", COMMAND_A),
        Case(
            "api/analytics/links/run/",
            "post",
            "/api/analytics/links/run/",
            COMMAND_ACCEPTED,
            {"precinct": o["precinct_a"].code, "month": MONTH, "preset": "strict"},
        ),  # fmt: skip
        Case(
            "api/analytics/links/<int:link_id>/confirm/",
            "post",
            f"/api/analytics/links/{o['link'].id}/confirm/",
            {**COMMAND_A, "dispatcher_b": 404},
        ),  # fmt: skip
        Case(
            "api/analytics/links/<int:link_id>/unlink/",
            "post",
            f"/api/analytics/links/{o['link'].id}/unlink/",
            {**COMMAND_A, "dispatcher_b": 404},
        ),  # fmt: skip
        *station_cases(world),
        *tip_cases(world),
        *feedback_cases(world),
        *condolence_cases(world),
        *elections_cases(world),
        *reunification_cases(world),
        *interoperability_cases(world),
        *permits_cases(world),
    ]


def interoperability_cases(world: World) -> list[Case]:
    """Open311 and the CAP feed take no user credentials: every role gets the same, public answer."""
    o = world.objects
    a, key = o["alert_a"].id, o["open311_key"]
    base = "open311/v2/"
    return [
        Case(base + "discovery.<open311_format:format>", "get", "/open311/v2/discovery.xml", everyone(200)),
        Case(base + "services.<open311_format:format>", "get", "/open311/v2/services.json", everyone(200)),
        Case(
            base + "services/<slug:service_code>.<open311_format:format>",
            "get",
            "/open311/v2/services/street_lighting.xml",
            everyone(200),
        ),  # fmt: skip
        Case(base + "requests.<open311_format:format>", "get", "/open311/v2/requests.json", everyone(200)),
        Case(
            base + "requests.<open311_format:format>", "get", f"/open311/v2/requests.xml?api_key={key}", everyone(200)
        ),
        Case(
            base + "requests.<open311_format:format>",
            "post",
            "/open311/v2/requests.json",
            everyone(201),
            open311_form(key),
            format="multipart",
        ),  # fmt: skip
        Case(
            base + "requests.<open311_format:format>",
            "post",
            "/open311/v2/requests.xml",
            everyone(403),
            {**open311_form(key), "api_key": "not-a-key"},
            format="multipart",
        ),  # fmt: skip
        Case(
            base + "requests/<int:service_request_id>.<open311_format:format>",
            "get",
            f"/open311/v2/requests/{a}.json",
            everyone(200),
        ),  # fmt: skip
        Case(
            base + "tokens/<open311_token:token>.<open311_format:format>",
            "get",
            "/open311/v2/tokens/matrix-token.json",
            everyone(200),
        ),  # fmt: skip
        Case(base + "<path:path>", "get", "/open311/v2/requests", everyone(404)),
        Case(base + "<path:path>", "post", "/open311/v2/requests", everyone(404), {}, format="multipart"),
        Case("cap/feed.atom", "get", "/cap/feed.atom", everyone(200)),
    ]


def tip_cases(world: World) -> list[Case]:
    from backend.common.photos import sanitize_photo
    from tests.factories.station_tips import tip_sent

    tip, _code = tip_sent(column=0, text=SECRETS["a_tip"], attachments=[sanitize_photo(png())])
    review = f"/api/station/tips/review/{tip.reference}/"
    attachment = tip.attachments.get().id
    # A tip with no place, which every station officer sees, placed at a point of A (officer_a's precinct).
    nowhere, _code = tip_sent(text="Sin lugar")
    lat, lon = cell_center(0)
    officers = authenticated(403, officer_a=200, administrator=200)
    unknown = {"receipt_code": "Z" * 28}
    return [
        # The public tip paths ignore every credential: each role is anyone there.
        Case("api/station/tips/", "post", "/api/station/tips/", everyone(201), {"category": "drugs", "text": "x"}),
        Case("api/station/tips/mailbox/", "post", "/api/station/tips/mailbox/", everyone(404), unknown),
        Case(
            "api/station/tips/mailbox/answer/",
            "post",
            "/api/station/tips/mailbox/answer/",
            everyone(404),
            {**unknown, "body": "x"},
        ),  # fmt: skip
        Case("api/station/tips/review/", "get", "/api/station/tips/review/", officers),
        Case("api/station/tips/review/<str:reference>/", "get", review, officers),
        Case(
            "api/station/tips/review/<str:reference>/triage/", "post", f"{review}triage/", officers, {"urgency": "high"}
        ),  # fmt: skip
        Case(
            "api/station/tips/review/<str:reference>/messages/",
            "post",
            f"{review}messages/",
            authenticated(403, officer_a=201, administrator=201),
            {"kind": "reply", "body": "x"},
        ),  # fmt: skip
        Case(
            "api/station/tips/review/<str:reference>/place/",
            "post",
            f"/api/station/tips/review/{nowhere.reference}/place/",
            officers,
            {"lat": lat, "lon": lon},
        ),  # fmt: skip
        Case(
            "api/station/tips/review/<str:reference>/forward/",
            "post",
            f"{review}forward/",
            authenticated(403, officer_a=202, administrator=202),
            {"summary": "x"},
        ),  # fmt: skip
        Case(
            "api/station/tips/review/<str:reference>/attachments/<int:attachment_id>/",
            "get",
            f"{review}attachments/{attachment}/",
            officers,
        ),  # fmt: skip
    ]


def station_cases(world: World) -> list[Case]:
    o = world.objects
    folio, document = o["complaint"]["folio"], o["constancia"]["folio"]
    code = o["constancia"]["code"]
    mine = authenticated(404, neighbor_a=200)
    officers = authenticated(403, officer_a=200, administrator=200)
    return [
        Case("api/station/services/", "get", "/api/station/services/", everyone(200)),
        Case("api/station/keys/", "get", "/api/station/keys/", everyone(200)),
        Case("api/station/verify/<str:code>/", "get", f"/api/station/verify/{code}/", everyone(200)),
        Case("api/station/verify/token/", "post", "/api/station/verify/token/", everyone(200), {"token": "a.b.c"}),
        Case("api/station/complaints/", "get", "/api/station/complaints/", authenticated(200)),
        Case(
            "api/station/complaints/",
            "post",
            "/api/station/complaints/",
            authenticated(403, neighbor_a=201),
            {**complaint_body(), "submission_key": "00000000-0000-4000-8000-000000000003", "evidence": []},
            format="multipart",
        ),  # fmt: skip
        Case("api/station/complaints/<str:folio>/", "get", f"/api/station/complaints/{folio}/", mine),
        Case(
            "api/station/complaints/<str:folio>/reply/",
            "post",
            f"/api/station/complaints/{folio}/reply/",
            authenticated(404, neighbor_a=409),
            {"information": "más datos"},
        ),  # fmt: skip
        Case("api/station/constancias/", "get", "/api/station/constancias/", authenticated(200)),
        Case(
            "api/station/constancias/",
            "post",
            "/api/station/constancias/",
            authenticated(403, neighbor_a=201),
            {**constancia_body(), "submission_key": "00000000-0000-4000-8000-000000000004"},
        ),  # fmt: skip
        Case("api/station/constancias/<str:folio>/", "get", f"/api/station/constancias/{document}/", mine),
        Case("api/station/documents/", "get", "/api/station/documents/", authenticated(200)),
        Case("api/station/documents/<str:folio>/", "get", f"/api/station/documents/{document}/", mine),
        Case(
            "api/station/documents/<str:folio>/pdf/",
            "get",
            f"/api/station/documents/{document}/pdf/",
            authenticated(404, neighbor_a=202),
            check_body=False,
        ),  # fmt: skip
        # A form's draft (each person's own) starts empty, with the key that makes its submission idempotent.
        Case(
            "api/station/drafts/<str:form>/", "get", "/api/station/drafts/complaint:simple_theft/", authenticated(200)
        ),  # fmt: skip
        Case(
            "api/station/drafts/<str:form>/",
            "put",
            "/api/station/drafts/complaint:simple_theft/",
            authenticated(200),
            {"data": {"narrative": "borrador"}},
        ),  # fmt: skip
        Case(
            "api/station/drafts/<str:form>/",
            "delete",
            "/api/station/drafts/complaint:simple_theft/",
            authenticated(204),
        ),  # fmt: skip
        Case("api/station/review/", "get", "/api/station/review/", officers),
        Case("api/station/review/<str:folio>/", "get", f"/api/station/review/{folio}/", officers),
        Case(
            "api/station/review/<str:folio>/actions/",
            "post",
            f"/api/station/review/{folio}/actions/",
            officers,
            {"action": "accept"},
        ),  # fmt: skip
        Case(
            "api/station/review/<str:folio>/evidence/<int:evidence_id>/",
            "get",
            f"/api/station/review/{folio}/evidence/{o['evidence_id']}/",
            officers,
        ),  # fmt: skip
    ]


def permits_cases(world: World) -> list[Case]:
    """Permits: neighbor_a (verified, known to fresh registries, in a phase-1 comuna) holds one; officers check it."""
    import uuid

    from backend.station.models import ComunaPhase
    from backend.station.permits.catalogue import permit_catalogue_ensure
    from backend.station.permits.services import permit_issue
    from tests.factories.station_permits import permit_input, tomorrow_at
    from tests.factories.station_registries import registries_load

    permit_catalogue_ensure()
    precinct = world.objects["precinct_a"]
    ComunaPhase.objects.get_or_create(precinct=precinct, defaults={"phase": 1, "since": WHEN.date()})
    if "permit" not in world.objects:
        registries_load(living_runs=[15123456])
        world.objects["permit"] = permit_issue(requester=world.users["neighbor_a"], data=permit_input(precinct)).permit
    permit = world.objects["permit"]
    base = "api/station/permits/"
    body = {"permit_type": "shopping", "comuna": precinct.code, "starts_at": tomorrow_at(15).isoformat(),
            "destination": "Feria", "submission_key": str(uuid.uuid4())}  # fmt: skip
    collective = {
        "permit_type": "collective_workweek",
        "comuna": precinct.code,
        "starts_at": tomorrow_at(0).isoformat(),
        "employer_rut": "76543210-3",
        "employer_name": "Empresa",
        "activity_code": "471100",
        "workers": [{"run": "16543210-K", "name": "Trabajador"}],
        "submission_key": str(uuid.uuid4()),
    }
    officers = authenticated(403, officer_a=200, administrator=200)
    return [
        Case(base + "types/", "get", "/api/station/permits/types/", everyone(200)),
        Case(base, "get", "/api/station/permits/", authenticated(200)),
        Case(base, "post", "/api/station/permits/", authenticated(403, neighbor_a=201), body),
        Case(base + "<str:folio>/", "get", f"/api/station/permits/{permit.folio}/", authenticated(404, neighbor_a=200)),
        # No SII batch was ever imported: the employer check fails closed (422) for the one verified person.
        Case(
            base + "collective/",
            "post",
            "/api/station/permits/collective/",
            authenticated(403, neighbor_a=422),
            collective,
        ),  # fmt: skip
        Case(
            base + "checkpoint/", "post", "/api/station/permits/checkpoint/", officers, {"token": permit.document.token}
        ),  # fmt: skip
        Case(base + "flagged/", "get", "/api/station/permits/flagged/", officers),
    ]


def condolence_world(precinct) -> dict:
    from backend.station.models import CondolenceStatus
    from tests.factories.station_condolences import condolence, fallen_officer

    book = fallen_officer(precinct)
    condolence(book, status=CondolenceStatus.APPROVED, text="Descanse en paz")
    condolence(book, status=CondolenceStatus.REJECTED, text=SECRETS["condolence_rejected"])
    pending = condolence(book, text=SECRETS["condolence_pending"])
    return {"book": book, "condolence_pending": pending}


def condolence_cases(world: World) -> list[Case]:
    """The book is public, to read and to write (throttled; each request here is rolled back, so is its count)."""
    slug, pending = world.objects["book"].slug, world.objects["condolence_pending"].id
    moderators = authenticated(403, officer_a=200, administrator=200)
    base = "api/station/condolences/"
    return [
        Case(base, "get", "/api/station/condolences/", everyone(200)),
        Case(base + "<slug:slug>/", "get", f"/api/station/condolences/{slug}/", everyone(200)),
        Case(base + "<slug:slug>/messages/", "get", f"/api/station/condolences/{slug}/messages/", everyone(200)),
        Case(
            base + "<slug:slug>/messages/",
            "post",
            f"/api/station/condolences/{slug}/messages/",
            everyone(201),
            {"text": "Mis condolencias", "author_name": ""},
        ),  # fmt: skip
        Case(base + "moderation/", "get", "/api/station/condolences/moderation/", moderators),
        Case(
            base + "moderation/<int:message_id>/",
            "post",
            f"/api/station/condolences/moderation/{pending}/",
            moderators,
            {"decision": "approve"},
        ),  # fmt: skip
    ]


def feedback_cases(world: World) -> list[Case]:
    """Feedback about officers: one's own (nobody's here: a citizen outside the roles filed it), the commanders'."""
    folio = world.objects["feedback"]["folio"]
    commanders = authenticated(403, commander=200, administrator=200)
    base = "api/station/feedback/"
    return [
        Case(base, "get", "/api/station/feedback/", authenticated(200)),
        Case(
            base,
            "post",
            "/api/station/feedback/",
            authenticated(403, neighbor_a=201),
            feedback_body(submission_key="00000000-0000-4000-8000-0000000000f2", narrative="Me atendió bien"),
        ),  # fmt: skip
        Case(base + "<str:folio>/", "get", f"/api/station/feedback/{folio}/", authenticated(404)),
        Case(base + "queue/", "get", "/api/station/feedback/queue/", commanders),
        Case(base + "queue/<str:folio>/", "get", f"/api/station/feedback/queue/{folio}/", commanders),
        Case(
            base + "queue/<str:folio>/actions/",
            "post",
            f"/api/station/feedback/queue/{folio}/actions/",
            commanders,
            {"action": "start_review"},
        ),  # fmt: skip
    ]


def elections_cases(world: World) -> list[Case]:
    """Voter excuses: neighbor_a (verified, registered in the sample registry) filed one today; any station officer's
    desk sees it (not scoped to precincts). Today is an election day in Chile for this world."""
    from backend.station.elections import clock
    from backend.station.elections.selectors import chile_date
    from backend.station.elections.services import voter_excuse_file
    from backend.station.models import VoterRegistration
    from tests.factories.station_elections import PUNTA_ARENAS, election, polling_station

    o = world.objects
    if "excuse" not in o:
        station = polling_station()
        election(chile_date(clock.now()))
        VoterRegistration.objects.create(run=15123456, station=station)
        o["excuse"] = voter_excuse_file(voter=world.users["neighbor_a"], lat=PUNTA_ARENAS[0], lon=PUNTA_ARENAS[1],
                                        position_source="map", contact_email="alfa@example.cl")  # fmt: skip
    folio = o["excuse"].folio
    officers = authenticated(403, officer_a=200, administrator=200)
    far = {"lat": PUNTA_ARENAS[0], "lon": PUNTA_ARENAS[1]}
    base = "api/station/elections/"
    return [
        Case(base + "check/", "get", f"/{base}check/?lat={far['lat']}&lon={far['lon']}",
             authenticated(403, neighbor_a=200)),
        Case(base + "excuses/", "get", f"/{base}excuses/", authenticated(200)),
        # neighbor_a already filed for today's election; the others have no verified identity.
        Case(base + "excuses/", "post", f"/{base}excuses/", authenticated(403, neighbor_a=409),
             {**far, "position_source": "map", "contact_email": "alfa@example.cl"}),
        Case(base + "excuses/<str:folio>/", "get", f"/{base}excuses/{folio}/", authenticated(404, neighbor_a=200)),
        Case(base + "desk/", "get", f"/{base}desk/", officers),
        Case(base + "desk/<str:folio>/", "get", f"/{base}desk/{folio}/", officers),
        Case(base + "desk/<str:folio>/confirm/", "post", f"/{base}desk/{folio}/confirm/", officers,
             {"card_run": "15.123.456-9"}),
    ]  # fmt: skip


# Reunification: what the search recorded reaches no one but the precinct's officers (and administrators), not even
# the requester (neighbor_a), who reads only a coarse status.
SECRETS["reunification_note"] = "NOTA-INTERNA-DEL-REENCUENTRO"
for _role in ROLES:
    if _role not in ("officer_a", "administrator"):
        FORBIDDEN[_role] = FORBIDDEN[_role] | {"reunification_note"}


def reunification_cases(world: World) -> list[Case]:
    """neighbor_a looks for a relative last seen in precinct A; officer_a searched and found them (decision pending)."""
    from backend.station.reunification.services import reunification_step_record
    from tests.factories.station_reunification import reunification_body, reunification_request

    o = world.objects
    if "reunification" not in o:
        request = reunification_request(o["precinct_a"], world.users["neighbor_a"])
        for action in ("step", "found"):
            reunification_step_record(officer=world.users["officer_a"], folio=request.folio, action=action,
                                      note=SECRETS["reunification_note"])  # fmt: skip
        o["reunification"] = request
    folio = o["reunification"].folio
    officers = authenticated(403, officer_a=200, administrator=200)
    base = "api/station/reunification/"
    return [
        Case(base + "requests/", "get", f"/{base}requests/", authenticated(200)),
        Case(base + "requests/", "post", f"/{base}requests/", authenticated(403, neighbor_a=201),
             reunification_body("13105", submission_key="00000000-0000-4000-8000-000000000005")),
        Case(base + "requests/<str:folio>/", "get", f"/{base}requests/{folio}/", authenticated(404, neighbor_a=200)),
        Case(base + "queue/", "get", f"/{base}queue/", officers),
        Case(base + "queue/<str:folio>/", "get", f"/{base}queue/{folio}/", officers),
        Case(base + "queue/<str:folio>/steps/", "post", f"/{base}queue/{folio}/steps/", officers,
             {"action": "step", "note": "Otra llamada"}),
        Case(base + "queue/<str:folio>/decision/", "post", f"/{base}queue/{folio}/decision/", officers,
             {"consents": False, "method": "phone"}),
    ]  # fmt: skip


ROUTE_PREFIXES = ("api/", "open311/", "cap/")


def api_routes() -> set[tuple[str, str]]:
    """(route, method) for every view under /api/, /open311/ and /cap/."""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
                continue
            view = getattr(pattern.callback, "cls", None) or getattr(pattern.callback, "view_class", None)
            for method in ("get", "post", "put", "patch", "delete"):
                if view is not None and hasattr(view, method):
                    yield prefix + str(pattern.pattern), method

    return {(route, method) for route, method in walk(get_resolver().url_patterns) if route.startswith(ROUTE_PREFIXES)}


def body_text(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def leaked(text: str, role: str) -> list[str]:
    return [name for name in sorted(FORBIDDEN[role]) if SECRETS[name] in text]


@pytest.mark.django_db
def test_every_endpoint_is_in_the_matrix():
    world = build_world()
    covered = {(case.route, case.method) for case in cases(world)}
    assert api_routes() - covered == set()
    assert covered - api_routes() == set()


@pytest.mark.django_db
def test_access_matrix(settings):
    world = build_world()
    tokens = {role: api_token(user) for role, user in world.users.items() if user is not None}
    failures = []
    for case in cases(world):
        for role in ROLES:
            client = APIClient()
            if role in tokens:
                client.credentials(HTTP_AUTHORIZATION=f"Token {tokens[role]}")
            # Each request sees the same world: writes are rolled back before the next role.
            with transaction.atomic():
                request = getattr(client, case.method)
                response = (
                    request(case.path, case.data, format=case.format) if case.data is not None else request(case.path)
                )
                text = body_text(response)
                transaction.set_rollback(True)
            if response.status_code != case.expected[role]:
                failures.append(f"{case.method.upper()} {case.path} as {role}: {response.status_code}, "
                                f"expected {case.expected[role]}: {text[:160]}")  # fmt: skip
            if case.check_body and leaked(text, role):
                failures.append(f"{case.method.upper()} {case.path} as {role} leaks {leaked(text, role)}")
    assert failures == []


# Websockets


STREAMS = ("/ws/dispatch/", "/ws/community/", "/ws/alerts/{a}/", "/ws/alerts/{b}/")
# None: the socket is accepted; a number: it is closed with that code.
WS_EXPECTED = {
    "anonymous": (4401, 4401, 4401, 4401),
    "officer_a": (4403, None, 4403, 4403),
    "neighbor_a": (4403, None, None, 4403),
    "neighbor_b": (4403, None, 4403, None),
    "dispatcher_a": (None, None, 4403, 4403),
    "dispatcher_b": (None, None, 4403, 4403),
    "firefighter_a": (None, None, 4403, 4403),
    "commander": (4403, None, 4403, 4403),
    "administrator": (None, None, 4403, 4403),
}


@pytest.fixture
def ws_world(transactional_db):
    return build_world()


async def _stream_text(path: str, user) -> tuple[int | None, str]:
    """Connect as ``user`` (auth already resolved, as the auth middleware would), replay from 0, collect frames."""
    from channels.routing import URLRouter
    from channels.testing import WebsocketCommunicator
    from django.contrib.auth.models import AnonymousUser

    from backend.alerts.realtime.routing import websocket_urlpatterns

    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), f"{path}?last_event_id=0")
    communicator.scope["user"] = user or AnonymousUser()
    connected, _ = await communicator.connect(timeout=10)
    assert connected
    frames = []
    try:
        # The first frame (hello, or the close) comes at once; the replay follows it without a pause.
        while frames == [] or not await communicator.receive_nothing(timeout=0.5):
            output = await communicator.receive_output(timeout=10)
            if output["type"] == "websocket.close":
                return output.get("code"), json.dumps(frames)
            frames.append(json.loads(output["text"]))
        return None, json.dumps(frames)
    finally:
        await communicator.disconnect()


async def test_websocket_matrix(ws_world):
    from backend.alerts.realtime.consumers import AUTH_TIMEOUT_SECONDS

    assert AUTH_TIMEOUT_SECONDS <= 10
    ids = {"a": ws_world.objects["alert_a"].id, "b": ws_world.objects["alert_b"].id}
    failures = []
    for role in ROLES:
        for path, expected in zip(STREAMS, WS_EXPECTED[role], strict=True):
            if role == "anonymous":
                continue  # covered below: it needs the auth timeout
            code, text = await _stream_text(path.format(**ids), ws_world.users[role])
            if code != expected:
                failures.append(f"{path} as {role}: close {code}, expected {expected}")
            if leaked(text, role):
                failures.append(f"{path} as {role} leaks {leaked(text, role)}")
            if expected is None and '"type": "hello"' not in text:
                failures.append(f"{path} as {role}: no hello")
    assert failures == []


async def test_anonymous_sockets_are_closed_4401_without_a_word(ws_world, settings):
    from backend.alerts.realtime import consumers

    consumers.AUTH_TIMEOUT_SECONDS, original = 0.2, consumers.AUTH_TIMEOUT_SECONDS
    try:
        for path in STREAMS:
            code, text = await _stream_text(path.format(a=1, b=2), None)
            assert (code, text) == (4401, "[]")
    finally:
        consumers.AUTH_TIMEOUT_SECONDS = original
