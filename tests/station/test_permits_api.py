"""The permit API: issue and refusal bodies, the catalogue, the checkpoint and the officers' flagged queue."""

import uuid

import pytest

from backend.station.models import Permit, RegistryBatch
from backend.station.permits.checkpoint import CheckpointStatus
from backend.station.permits.services import ERROR_DESTINATION, permit_issue, permits_rescan
from tests.factories.station import station_officer
from tests.factories.station_permits import permit_input, permit_world, tomorrow_at
from tests.factories.station_registries import batch_import, quarantine

pytestmark = pytest.mark.django_db


def body(precinct, **overrides) -> dict:
    return {"permit_type": "shopping", "comuna": precinct.code, "starts_at": tomorrow_at(10).isoformat(),
            "destination": "Feria libre", "submission_key": str(uuid.uuid4()), **overrides}  # fmt: skip


def test_a_citizen_gets_a_permit_with_its_token_and_qr(client_for):
    precinct, citizen, run = permit_world()
    response = client_for(citizen).post("/api/station/permits/", body(precinct), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    permit = Permit.objects.get()
    assert (data["folio"], data["permit_type"], data["status"], data["document_status"]) == (
        permit.folio, "shopping", "active", "valid")  # fmt: skip
    assert data["token"] == permit.document.token
    assert data["qr_payload"].startswith("http://testserver/verificar/")


def test_a_permits_pdf_is_rendered_when_the_holder_first_asks_for_it(
    client_for, eager_tasks, django_capture_on_commit_callbacks
):
    precinct, citizen, run = permit_world()
    with django_capture_on_commit_callbacks() as issued:
        folio = client_for(citizen).post("/api/station/permits/", body(precinct), format="json").json()["folio"]
    assert issued == []  # nothing queued at issue: most permits are only ever shown as their QR
    document = Permit.objects.get().document
    assert (document.pdf.name, document.pdf_requested_at) == ("", None)

    with django_capture_on_commit_callbacks() as first_ask:
        assert client_for(citizen).get(f"/api/station/documents/{folio}/pdf/").status_code == 202
    with django_capture_on_commit_callbacks() as second_ask:
        assert client_for(citizen).get(f"/api/station/documents/{folio}/pdf/").status_code == 202
    assert (len(first_ask), len(second_ask)) == (1, 0)  # queued once, not on every retry

    first_ask[0]()  # the render (eager here; a Celery worker in production)
    response = client_for(citizen).get(f"/api/station/documents/{folio}/pdf/")
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_the_permit_response_written_out_matches_drfs_field_by_field_rendering():
    from rest_framework import serializers

    from backend.station.permits.serializers import PermitSerializer

    precinct, citizen, run = permit_world()
    issued = permit_issue(requester=citizen, data=permit_input(precinct)).permit
    batch_import("health", [quarantine(run)])
    permits_rescan(batch_id=RegistryBatch.objects.get(registry="health", is_current=True).id)
    for permit in (issued, Permit.objects.select_related("document", "permit_type", "precinct").get()):
        serializer = PermitSerializer(permit)
        assert serializer.data == serializers.ModelSerializer.to_representation(serializer, permit)
        assert list(serializer.data) == list(serializer.fields)
    assert permit.status == "revoked"  # the second one carries a status change, its time and its code


def test_a_refusal_names_the_rule_in_the_error_body(client_for):
    precinct, citizen, run = permit_world(quarantined=["self"])
    response = client_for(citizen).post("/api/station/permits/", body(precinct), format="json",
                                        HTTP_ACCEPT_LANGUAGE="en")  # fmt: skip
    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["code"], error["reason"]) == ("health_quarantine", "health_quarantine")
    assert error["message"].startswith("The health registry (MINSAL) shows you must stay in quarantine until ")
    assert error["what_to_do"].startswith("Stay at home until then.")
    assert Permit.objects.count() == 0


def test_bad_input_is_a_400_naming_the_field(client_for):
    precinct, citizen, run = permit_world()
    response = client_for(citizen).post("/api/station/permits/", body(precinct, starts_at="mañana"), format="json")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["starts_at"]
    response = client_for(citizen).post("/api/station/permits/", body(precinct, destination=""), format="json",
                                        HTTP_ACCEPT_LANGUAGE="en")  # fmt: skip
    assert (response.status_code, response.json()["error"]["fields"]) == (
        400, {"destination": [str(ERROR_DESTINATION)]})  # fmt: skip
    assert Permit.objects.count() == 0


def test_the_catalogue_lists_the_seeded_types_and_the_comunas_phase(api_client):
    precinct, _, _ = permit_world()
    data = api_client.get("/api/station/permits/types/", HTTP_ACCEPT_LANGUAGE="en").json()
    types = {item["code"]: item for item in data["types"]}
    assert (types["shopping"]["duration_minutes"], types["shopping"]["rules"][0]) == (
        180, {"phase": 1, "quota": 2, "quota_period": "week", "weekdays": []})  # fmt: skip
    assert (types["general"]["name"], types["general"]["rules"][1]["quota_period"]) == (
        "General permit (2021)", "weekend")  # fmt: skip
    assert types["pet_walk"]["duration_minutes"] == 30
    assert data["phases"] == [{"comuna": precinct.code, "name": precinct.name, "phase": 1,
                               "since": data["phases"][0]["since"]}]  # fmt: skip


def test_an_officer_scans_a_permit_and_a_neighbor_cannot(client_for):
    precinct, citizen, run = permit_world()
    permit = permit_issue(requester=citizen, data=permit_input(precinct)).permit
    officer = station_officer([precinct])
    response = client_for(officer).post("/api/station/permits/checkpoint/", {"token": permit.document.token},
                                        format="json")  # fmt: skip
    assert response.status_code == 200
    data = response.json()
    assert (data["status"], data["signature"]) == (CheckpointStatus.NOT_YET_VALID, "not_yet_valid")
    assert (data["permit"]["folio"], data["permit"]["holder_name"]) == (permit.folio, citizen.get_full_name())
    assert data["permit"]["run_masked"].startswith("**.***.")
    neighbor = client_for(citizen).post("/api/station/permits/checkpoint/", {"token": permit.document.token},
                                        format="json")  # fmt: skip
    assert neighbor.status_code == 403
    empty = client_for(officer).post("/api/station/permits/checkpoint/", {}, format="json")
    assert (empty.status_code, list(empty.json()["error"]["fields"])) == (400, ["token"])


def test_the_flagged_queue_shows_only_the_officers_precincts(client_for):
    precinct, citizen, run = permit_world()
    permit = permit_issue(requester=citizen, data=permit_input(precinct)).permit
    permits_rescan(batch_id=batch_import("health", [quarantine(run)]).batch.id)
    mine = client_for(station_officer([precinct])).get("/api/station/permits/flagged/").json()
    other = client_for(station_officer()).get("/api/station/permits/flagged/").json()
    assert [(item["folio"], item["status"], item["status_code"]) for item in mine] == [
        (permit.folio, "revoked", "health_quarantine")]  # fmt: skip
    assert other == []
