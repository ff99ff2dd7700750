"""Officers and tips: the scoped queue and its filters, triage, messages, forwarding to dispatch, clean photos."""

import datetime as dt
import io
import os

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image, PngImagePlugin

from backend.accounts.models import Role
from backend.alerts.incidents.tasks import alert_from_tip
from backend.alerts.models import Alert
from backend.station.models import Tip, TipAction, TipStatus
from backend.station.tips.services import ERROR_ALREADY_FORWARDED, ERROR_NO_PLACE
from tests.factories import PrecinctFactory, staff_user
from tests.factories.station import station_officer
from tests.factories.station_tips import tip_sent

pytestmark = pytest.mark.django_db
REVIEW = "/api/station/tips/review/"


@pytest.fixture
def precincts():
    return PrecinctFactory(column=0, name="San Ramón"), PrecinctFactory(column=1, name="La Cisterna")


def references(response) -> list[str]:
    return [tip["reference"] for tip in response.json()]


def test_the_queue_shows_an_officers_precincts_and_tips_with_no_place_most_urgent_first(client_for, precincts):
    # given tips in A, in B and with no place
    a, b = precincts
    low_a, _ = tip_sent(column=0, urgency="low")
    now_a, _ = tip_sent(column=0, urgency="immediate", category="vehicle_crimes")
    in_b, _ = tip_sent(column=1)
    nowhere, _ = tip_sent(category="organized_crime")
    officer = client_for(station_officer([a]))

    # when the officer of A opens the queue
    response = officer.get(REVIEW)

    # then they see A's and the placeless, most urgent first, and never B's
    assert response.status_code == 200
    assert references(response) == [now_a.reference, low_a.reference, nowhere.reference]
    assert officer.get(f"{REVIEW}{in_b.reference}/").status_code == 404
    assert client_for(staff_user(Role.ADMINISTRATOR)).get(REVIEW).status_code == 200


def test_the_queue_filters_by_precinct_category_urgency_and_status(client_for, precincts):
    a, _b = precincts
    drugs, _ = tip_sent(column=0, urgency="high")
    vehicles, _ = tip_sent(column=0, category="vehicle_crimes")
    nowhere, _ = tip_sent()
    Tip.objects.filter(id=vehicles.id).update(status=TipStatus.CLOSED)
    officer = client_for(station_officer([a]))

    assert references(officer.get(REVIEW, {"precinct": "none"})) == [nowhere.reference]
    assert references(officer.get(REVIEW, {"precinct": a.code})) == [drugs.reference]
    assert references(officer.get(REVIEW, {"category": "vehicle_crimes", "status": "closed"})) == [vehicles.reference]
    assert references(officer.get(REVIEW, {"urgency": "high"})) == [drugs.reference]
    assert officer.get(REVIEW, {"category": "parking"}).status_code == 400


def test_an_officer_sets_urgency_and_status_and_the_step_is_recorded(client_for, precincts):
    tip, _ = tip_sent(column=0)
    officer = station_officer([precincts[0]])

    response = client_for(officer).post(f"{REVIEW}{tip.reference}/triage/", {"urgency": "high", "status": "in_review"})

    assert response.status_code == 200
    assert (response.json()["urgency"], response.json()["status"]) == ("high", "in_review")
    action = TipAction.objects.get()
    assert (action.officer, action.action, action.detail) == (
        officer,
        "triage",
        {"status": ["new", "in_review"], "urgency": ["", "high"]},
    )


def test_an_officer_cannot_set_forwarded_by_hand_nor_touch_another_precincts_tip(client_for, precincts):
    tip, _ = tip_sent(column=1)
    mine, _ = tip_sent(column=0)
    officer = client_for(station_officer([precincts[0]]))

    assert officer.post(f"{REVIEW}{tip.reference}/triage/", {"urgency": "high"}).status_code == 404
    assert officer.post(f"{REVIEW}{mine.reference}/triage/", {"status": "forwarded"}).status_code == 400
    assert TipAction.objects.count() == 0


def test_a_question_waits_for_the_tipster(client_for, precincts):
    tip, _ = tip_sent(column=0)
    officer = client_for(station_officer([precincts[0]], first_name="Cabo", last_name="Rojas"))

    response = officer.post(f"{REVIEW}{tip.reference}/messages/", {"kind": "question", "body": "¿Qué patente?"})

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "waiting_for_tipster"
    today = timezone.localdate().isoformat()
    assert body["messages"] == [
        {
            "author": "officer",
            "kind": "question",
            "body": "¿Qué patente?",
            "sent_on": today,
            "officer_name": "Cabo Rojas",
        }
    ]


def test_forwarding_makes_exactly_one_alert_that_dispatch_of_the_precinct_sees(
    client_for, precincts, eager_tasks, django_capture_on_commit_callbacks
):
    # given a tip at a point of A, an officer and a dispatcher of A, and a dispatcher of B
    import backend.alerts.incidents.tasks  # noqa: F401  (registers the task the station sends by name)

    a, b = precincts
    tip, _ = tip_sent(column=0, text="Desarman autos robados en el galpón.", category="vehicle_crimes")
    officer = client_for(station_officer([a]))

    # when the officer forwards it with a summary
    with django_capture_on_commit_callbacks(execute=True):
        response = officer.post(f"{REVIEW}{tip.reference}/forward/", {"summary": "Desarmaduría en galpón, noche."})

    # then the tip is forwarded and one alert exists, routed to A, by the system reporter
    assert response.status_code == 202, response.json()
    tip.refresh_from_db()
    assert tip.status == TipStatus.FORWARDED
    alert = Alert.objects.get()
    assert (alert.precinct_id, alert.category.code, alert.reporter.is_active) == (a.id, "vehicle_theft", False)
    assert (
        alert.description
        == f"Denuncia anónima · Delitos con vehículos · {tip.reference}\n\nDesarmaduría en galpón, noche."
    )
    assert alert.idempotency_key == f"tip:{tip.alert_key}"

    # and a retried task (the same message delivered twice) makes no second alert
    alert_from_tip.apply(kwargs={"key": str(tip.alert_key), "category": "vehicle_theft", "lat": tip.location.y,
                                 "lon": tip.location.x, "accuracy_meters": 50.0,
                                 "description": alert.description}).get()  # fmt: skip
    assert Alert.objects.count() == 1

    # and dispatch of A lists it, dispatch of B does not
    listed_a = client_for(staff_user(Role.DISPATCHER, [a])).get("/api/alerts/").json()
    listed_b = client_for(staff_user(Role.DISPATCHER, [b])).get("/api/alerts/").json()
    assert [feature["id"] for feature in listed_a["features"]] == [alert.id]
    assert listed_b["features"] == []

    # and forwarding again is refused
    again = officer.post(f"{REVIEW}{tip.reference}/forward/", {"summary": "Otra vez"})
    assert (again.status_code, again.json()["error"]["message"]) == (409, str(ERROR_ALREADY_FORWARDED))
    assert Alert.objects.count() == 1


def test_a_comuna_only_tip_is_forwarded_to_a_point_inside_its_comuna(
    client_for, precincts, eager_tasks, django_capture_on_commit_callbacks
):
    import backend.alerts.incidents.tasks  # noqa: F401

    a, _b = precincts
    tip, _ = tip_sent(comuna=a.code)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(station_officer([a])).post(f"{REVIEW}{tip.reference}/forward/", {"summary": "Venta."})

    assert response.status_code == 202
    alert = Alert.objects.get()
    assert alert.precinct_id == a.id
    assert a.boundary.contains(alert.location)


def test_a_tip_with_no_place_cannot_be_forwarded(client_for, precincts, eager_tasks):
    tip, _ = tip_sent()

    response = client_for(station_officer([precincts[0]])).post(f"{REVIEW}{tip.reference}/forward/", {"summary": "x"})

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"place": [str(ERROR_NO_PLACE)]}
    assert (Alert.objects.count(), Tip.objects.get().status) == (0, TipStatus.NEW)


def _jpeg_full_of_metadata() -> bytes:
    image = Image.new("RGB", (64, 48), (180, 40, 40))
    exif = Image.Exif()
    exif[0x010F] = "MarcaTelefonoSecreta"  # Make
    exif[0x0131] = "SoftwareSecreto"  # Software
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "S", (33.0, 35.0, 12.0), "W", (70.0, 42.0, 1.0)
    icc = b"\0\0\0\x90ICC-PERFIL-SECRETO" + b"\0" * 100
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif, icc_profile=icc, comment=b"COMENTARIO-SECRETO")
    raw = buffer.getvalue()
    xmp = b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>AUTOR-XMP-SECRETO</x:xmpmeta>"
    segment = b"\xff\xe1" + (len(xmp) + 2).to_bytes(2, "big") + xmp
    return raw[:2] + segment + raw[2:]


def _png_full_of_metadata() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "AUTOR-PNG-SECRETO")
    info.add_itxt("XML:com.adobe.xmp", "<x:xmpmeta>XMP-PNG-SECRETO</x:xmpmeta>")
    buffer = io.BytesIO()
    Image.new("RGBA", (20, 20), (0, 200, 0, 128)).save(buffer, format="PNG", pnginfo=info,
                                                        icc_profile=b"ICC-PNG-SECRETO" * 10)  # fmt: skip
    return buffer.getvalue()


def test_attachments_lose_every_piece_of_metadata_and_keep_only_the_day(api_client, precincts):
    # given a JPEG with EXIF (GPS, make, software), XMP, an ICC profile and a comment, and a PNG with text chunks
    jpeg, png = _jpeg_full_of_metadata(), _png_full_of_metadata()
    for secret in (b"MarcaTelefonoSecreta", b"AUTOR-XMP-SECRETO", b"ICC-PERFIL-SECRETO", b"COMENTARIO-SECRETO"):
        assert secret in jpeg
    uploads = [io.BytesIO(jpeg), io.BytesIO(png)]
    uploads[0].name, uploads[1].name = "IMG_20250601_142233.jpg", "captura.png"

    # when they are sent with a tip
    response = api_client.post("/api/station/tips/", {"category": "drugs", "text": "Fotos del punto de venta.",
                                                      "attachments": uploads}, format="multipart")  # fmt: skip

    # then the stored files hold pixels only: no EXIF, XMP, ICC, comment or text chunk, and no original name
    assert response.status_code == 201, response.json()
    stored = list(Tip.objects.get().attachments.all())
    assert [item.content_type for item in stored] == ["image/jpeg", "image/png"]
    for item in stored:
        content = default_storage.open(item.file.name).read()
        for marker in (b"Exif", b"http://ns.adobe.com", b"ICC_PROFILE", b"iCCP", b"tEXt", b"iTXt", b"zTXt", b"eXIf",
                       b"SECRETO", b"Secreta", b"\xff\xfe"):  # fmt: skip
            assert marker not in content, (item.file.name, marker)
        assert "IMG_" not in item.file.name
        assert "captura" not in item.file.name
        with Image.open(default_storage.open(item.file.name)) as image:
            assert (image.info.get("exif"), image.info.get("icc_profile"), dict(image.getexif())) == (None, None, {})
        # and the file's modification time is midnight of the tip's day
        midnight = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time.min)).timestamp()
        assert os.stat(default_storage.path(item.file.name)).st_mtime == midnight
