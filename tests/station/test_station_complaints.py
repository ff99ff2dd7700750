"""Filing an online complaint through the API: folio, receipt, idempotency, bad input, scope, review and email."""

import datetime as dt
import io
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone
from PIL import Image

from backend.station.complaints.serializers import ERROR_ITEMS_REQUIRED, ERROR_NO_PLACE
from backend.station.complaints.services import ERROR_ALREADY_REPORTED, ERROR_NOTE_REQUIRED, ERROR_OUTSIDE
from backend.station.fields import ERROR_IN_FUTURE, ERROR_INVALID_RUT
from backend.station.identity.checks import ERROR_NOT_VERIFIED
from backend.station.models import Complaint, ComplaintEvidence, ComplaintStatus, IssuedDocument
from tests.factories import PrecinctFactory, UserFactory
from tests.factories.geo import cell_center
from tests.factories.station import station_officer, verified_citizen

pytestmark = pytest.mark.django_db
WHEN = "2025-05-02T21:30:00-04:00"


@pytest.fixture
def precinct():
    return PrecinctFactory(column=0, name="La Cisterna")


def complaint_body(**overrides) -> dict:
    lat, lon = cell_center(0)
    body = {
        "offense": "simple_theft",
        "occurred_at": WHEN,
        "lat": lat,
        "lon": lon,
        "narrative": "Me sacaron la billetera de la mochila en la feria.",
        "items": [{"description": "Billetera con documentos", "value": 25000}],
        "details": {"suspect": ""},
        "reported_elsewhere": False,
        "contact_email": "valentina@example.cl",
        "submission_key": str(uuid.uuid4()),
    }
    return {**body, **overrides}


def jpeg_with_exif() -> io.BytesIO:
    image = Image.new("RGB", (40, 30), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    buffer.seek(0)
    buffer.name = "evidencia.jpg"
    return buffer


def folio_sequence_value() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_value + CASE WHEN is_called THEN 1 ELSE 0 END FROM station_folio_complaint_receipt")
        return cursor.fetchone()[0]


def test_a_verified_citizen_files_a_complaint_and_gets_a_folio_and_a_receipt(client_for, precinct):
    # given a citizen verified in person
    citizen = verified_citizen()

    # when they file a simple theft with a map point
    response = client_for(citizen).post("/api/station/complaints/", complaint_body(), format="json")

    # then it is received, routed to the precinct, with a folio and a signed receipt
    assert response.status_code == 201, response.json()
    body = response.json()
    complaint = Complaint.objects.get()
    assert body["folio"] == complaint.folio
    assert complaint.folio.startswith("DEN-")
    assert (body["status"], body["precinct"], body["total_value"]) == ("received", "La Cisterna", 25000)
    assert [step["status"] for step in body["history"]] == ["received"]
    receipt = complaint.document
    assert (receipt.kind, receipt.folio, receipt.owner) == ("complaint_receipt", complaint.folio, citizen)
    assert receipt.holder_run == citizen.rut
    assert {fact["label"] for fact in receipt.public_facts} == {"Offense", "Date of the fact", "Comuna"}
    # and the receipt's code is the one the body shows
    assert body["code"] == receipt.code


def test_the_same_submission_twice_files_once(client_for, precinct):
    citizen = verified_citizen()
    body = complaint_body()

    first = client_for(citizen).post("/api/station/complaints/", body, format="json")
    second = client_for(citizen).post("/api/station/complaints/", body, format="json")

    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["folio"] == second.json()["folio"]
    assert Complaint.objects.count() == 1
    assert IssuedDocument.objects.count() == 1


def test_a_reused_submission_key_with_other_answers_is_refused(client_for, precinct):
    citizen = verified_citizen()
    body = complaint_body()
    client_for(citizen).post("/api/station/complaints/", body, format="json")

    response = client_for(citizen).post("/api/station/complaints/", {**body, "narrative": "Otra cosa"}, format="json")

    assert response.status_code == 409
    assert response.json()["error"]["fields"] == {"submission_key": [response.json()["error"]["message"]]}
    assert Complaint.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "status", "field", "message"),
    [
        ({"occurred_at": "2099-01-01T10:00:00-03:00"}, 400, "occurred_at", ERROR_IN_FUTURE),
        ({"lat": None, "lon": None}, 400, "location", ERROR_NO_PLACE),
        ({"lat": -20.0, "lon": -70.0}, 422, "location", ERROR_OUTSIDE),
        ({"items": []}, 400, "items", ERROR_ITEMS_REQUIRED),
        ({"reported_elsewhere": True}, 422, "reported_elsewhere", ERROR_ALREADY_REPORTED),
        (
            {"offense": "fraud", "details": {"channel": "internet", "suspect_rut": "12.345.678-9"}},
            400,
            "details.suspect_rut",
            ERROR_INVALID_RUT,
        ),
        ({"offense": "animal_cruelty", "details": {"how": "Lo golpeó"}, "items": []}, 400, "details.animal_type", None),
        ({"offense": "burglary"}, 400, "offense", None),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(client_for, precinct, overrides, status, field, message):
    # given a verified citizen and the next folio number
    citizen = verified_citizen()
    next_folio = folio_sequence_value()

    # when they send a complaint with one bad answer
    response = client_for(citizen).post("/api/station/complaints/", complaint_body(**overrides), format="json")

    # then the error names that field, and nothing was stored, not even a folio number
    assert response.status_code == status, response.json()
    fields = response.json()["error"]["fields"]
    assert field in fields
    if message:
        assert fields[field] == [message]
    assert Complaint.objects.count() == 0
    assert IssuedDocument.objects.count() == 0
    assert folio_sequence_value() == next_folio


def test_an_unverified_account_may_not_file(client_for, precinct):
    response = client_for(UserFactory(rut="12.345.678-5")).post(
        "/api/station/complaints/", complaint_body(), format="json"
    )

    assert response.status_code == 403
    assert response.json()["error"] == {"code": "identity_not_verified", "message": ERROR_NOT_VERIFIED}
    assert Complaint.objects.count() == 0


def test_an_anonymous_visitor_may_not_file(api_client, precinct):
    response = api_client.post("/api/station/complaints/", complaint_body(), format="json")

    assert response.status_code in (401, 403)
    assert Complaint.objects.count() == 0


def test_an_address_and_comuna_place_a_complaint_without_a_point(client_for, precinct):
    citizen = verified_citizen()
    body = complaint_body(lat=None, lon=None, address="Gran Avenida 8600", comuna=precinct.code)

    response = client_for(citizen).post("/api/station/complaints/", body, format="json")

    assert response.status_code == 201
    complaint = Complaint.objects.get()
    assert (complaint.location, complaint.address, complaint.precinct) == (None, "Gran Avenida 8600", precinct)


def test_evidence_photos_are_stored_without_their_metadata(client_for, precinct):
    citizen = verified_citizen()
    body = complaint_body()
    body = {key: value for key, value in body.items() if key not in ("items", "details")}
    body["items"] = '[{"description": "Celular", "value": 150000}]'

    response = client_for(citizen).post("/api/station/complaints/", {**body, "evidence": [jpeg_with_exif()]})

    assert response.status_code == 201, response.json()
    evidence = ComplaintEvidence.objects.get()
    with default_storage.open(evidence.file.name) as handle:
        stored = Image.open(handle)
        stored.load()
    assert stored.getexif() == {}
    assert (evidence.width, evidence.height, evidence.content_type) == (40, 30, "image/jpeg")


def stored_evidence() -> set[str]:
    root = Path(settings.MEDIA_ROOT) / "station" / "evidence"
    return {str(path) for path in root.rglob("*") if path.is_file()}


@pytest.mark.parametrize(
    ("upload", "reason"),
    [
        (io.BytesIO(b"%PDF-1.4 not an image"), "not_an_image"),
        ("bomb", "too_many_pixels"),
        ("large", "too_large"),
    ],
)
def test_a_bad_evidence_file_is_refused_and_nothing_is_kept(client_for, precinct, upload, reason):
    if upload == "bomb":
        # A 1-bit PNG that declares 20,000 × 20,000 pixels compresses to almost nothing.
        buffer = io.BytesIO()
        Image.new("1", (20_000, 20_000)).save(buffer, format="PNG")
        upload = io.BytesIO(buffer.getvalue())
    elif upload == "large":
        upload = io.BytesIO(b"\xff\xd8" + b"0" * (10 * 1024 * 1024 + 10))
    upload.name = "archivo.bin"
    before = stored_evidence()
    citizen = verified_citizen()
    body = {key: value for key, value in complaint_body().items() if key not in ("items", "details")}
    body["items"] = '[{"description": "Celular", "value": 150000}]'

    response = client_for(citizen).post("/api/station/complaints/", {**body, "evidence": [upload]})

    assert response.status_code == 400
    assert response.json()["error"]["reason"] == reason
    assert "evidence" in response.json()["error"]["fields"]
    assert Complaint.objects.count() == 0
    assert stored_evidence() == before


def test_a_complainant_sees_only_their_own_complaints(client_for, precinct):
    owner, stranger = verified_citizen(), verified_citizen()
    folio = client_for(owner).post("/api/station/complaints/", complaint_body(), format="json").json()["folio"]

    assert client_for(stranger).get(f"/api/station/complaints/{folio}/").status_code == 404
    assert client_for(stranger).get(f"/api/station/documents/{folio}/").status_code == 404
    assert client_for(stranger).get(f"/api/station/documents/{folio}/pdf/").status_code == 404
    assert client_for(stranger).get("/api/station/complaints/").json() == []
    assert [item["folio"] for item in client_for(owner).get("/api/station/complaints/").json()] == [folio]


def test_an_officer_reviews_only_their_precincts(client_for, precinct):
    other_precinct = PrecinctFactory(column=1)
    folio = (
        client_for(verified_citizen()).post("/api/station/complaints/", complaint_body(), format="json").json()["folio"]
    )
    ours, theirs = station_officer([precinct]), station_officer([other_precinct])

    assert [item["folio"] for item in client_for(ours).get("/api/station/review/").json()] == [folio]
    assert client_for(theirs).get("/api/station/review/").json() == []
    assert client_for(theirs).get(f"/api/station/review/{folio}/").status_code == 404
    refused = client_for(theirs).post(f"/api/station/review/{folio}/actions/", {"action": "accept"}, format="json")
    assert refused.status_code == 403
    assert Complaint.objects.get().status == ComplaintStatus.RECEIVED
    assert client_for(verified_citizen()).get("/api/station/review/").status_code == 403


def test_the_review_asks_for_information_the_complainant_answers_and_the_officer_forwards(
    client_for, precinct, mailbox, eager_tasks, django_capture_on_commit_callbacks
):
    # given a filed complaint (its receipt email arrives)
    citizen = verified_citizen()
    officer = station_officer([precinct])
    with django_capture_on_commit_callbacks(execute=True):
        folio = client_for(citizen).post("/api/station/complaints/", complaint_body(), format="json").json()["folio"]
    assert [message["To"] for message in mailbox.messages] == ["valentina@example.cl"]
    assert folio in mailbox.messages[0]["Subject"]

    # when the officer asks for more information without a note, it is refused
    refused = client_for(officer).post(
        f"/api/station/review/{folio}/actions/", {"action": "request_information"}, format="json"
    )
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"] == {"note": [ERROR_NOTE_REQUIRED]}

    # when they ask with a note, the complainant answers, and the officer accepts and forwards
    with django_capture_on_commit_callbacks(execute=True):
        client_for(officer).post(
            f"/api/station/review/{folio}/actions/",
            {"action": "request_information", "note": "¿De qué color era la billetera?"},
            format="json",
        )
        client_for(citizen).post(f"/api/station/complaints/{folio}/reply/", {"information": "Café"}, format="json")
        client_for(officer).post(f"/api/station/review/{folio}/actions/", {"action": "accept"}, format="json")
        done = client_for(officer).post(f"/api/station/review/{folio}/actions/", {"action": "forward"}, format="json")

    # then the complainant sees each step, and got an email at each one
    assert done.status_code == 200
    mine = client_for(citizen).get(f"/api/station/complaints/{folio}/").json()
    assert [step["status"] for step in mine["history"]] == [
        "received",
        "information_requested",
        "under_review",
        "accepted",
        "forwarded",
    ]
    assert mine["history"][1]["note"] == "¿De qué color era la billetera?"
    assert len(mailbox.messages) == 5
    assert "¿De qué color era la billetera?" in mailbox.bodies()[1]
    # and a forwarded complaint cannot move again
    again = client_for(officer).post(f"/api/station/review/{folio}/actions/", {"action": "accept"}, format="json")
    assert again.status_code == 409


def test_a_rejection_needs_a_reason_the_complainant_reads(client_for, precinct):
    citizen, officer = verified_citizen(), station_officer([precinct])
    folio = client_for(citizen).post("/api/station/complaints/", complaint_body(), format="json").json()["folio"]

    assert (
        client_for(officer)
        .post(f"/api/station/review/{folio}/actions/", {"action": "reject"}, format="json")
        .status_code
        == 400
    )
    client_for(officer).post(
        f"/api/station/review/{folio}/actions/",
        {"action": "reject", "note": "Los hechos no constituyen delito."},
        format="json",
    )

    mine = client_for(citizen).get(f"/api/station/complaints/{folio}/").json()
    assert (mine["status"], mine["status_note"]) == ("rejected", "Los hechos no constituyen delito.")


def test_filing_is_throttled_per_person(client_for, precinct, settings):
    from rest_framework.throttling import SimpleRateThrottle

    # The rates DRF read at import: restored as they were (re-reading api_settings here would keep the override).
    original_rates = SimpleRateThrottle.THROTTLE_RATES
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "station_filing": "2/hour"},
    }
    from rest_framework.settings import api_settings

    original_rates = SimpleRateThrottle.THROTTLE_RATES  # restored below: the settings fixture restores too late
    SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    citizen = verified_citizen()
    try:
        statuses = [
            client_for(citizen).post("/api/station/complaints/", complaint_body(), format="json").status_code
            for _ in range(3)
        ]
    finally:
        SimpleRateThrottle.THROTTLE_RATES = original_rates

    assert statuses == [201, 201, 429]
    assert Complaint.objects.count() == 2


def test_dates_of_more_than_ten_years_ago_are_refused(client_for, precinct):
    old = (timezone.now() - dt.timedelta(days=365 * 11)).isoformat()
    response = client_for(verified_citizen()).post(
        "/api/station/complaints/", complaint_body(occurred_at=old), format="json"
    )
    assert response.status_code == 400
    assert "occurred_at" in response.json()["error"]["fields"]
