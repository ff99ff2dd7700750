"""Collective permits, checkpoint verification and the re-scan after each registry import."""

import datetime as dt
import uuid

import pytest

from backend.station.documents.selectors import keyring_current
from backend.station.documents.tokens import TokenStatus, token_verify_jwks
from backend.station.models import (
    CollectivePermit,
    IssuedDocument,
    Permit,
    PermitRescan,
    PermitType,
    RegistryQuery,
)
from backend.station.permits.checkpoint import (
    MESSAGE_VALID,
    RESTRICTED_MESSAGES,
    CheckpointStatus,
    checkpoint_verify,
)
from backend.station.permits.rules import MESSAGES, PermitRefused
from backend.station.permits.services import (
    CollectiveInput,
    Worker,
    collective_permit_issue,
    permit_issue,
    permits_rescan,
)
from backend.station.registries.runs import run_format, run_parse
from tests.factories.station import station_officer
from tests.factories.station_permits import at_local, immediate, next_weekday, permit_input, permit_world
from tests.factories.station_registries import batch_import, living, quarantine, registries_load

pytestmark = pytest.mark.django_db
EMPLOYER = 76543210
WORKERS = (16543210, 17654321)


def current_permit(precinct, citizen):
    """A shopping permit valid right now (no delay), for the checkpoint."""
    from django.utils import timezone

    immediate("shopping")
    permit_type = PermitType.objects.get(code="shopping")
    permit_type.earliest_start, permit_type.latest_end = dt.time(0, 0), dt.time(23, 59)
    permit_type.duration_minutes = 1
    permit_type.save()
    return permit_issue(requester=citizen, data=permit_input(precinct, starts_at=timezone.now())).permit


def employer_row(*, representative: str, status: str = "active") -> dict:
    return {"rut": run_format(EMPLOYER), "activity_code": "471100", "status": status,
            "representative_run": representative}  # fmt: skip


def collective_world(*, status: str = "active"):
    precinct, representative, run = permit_world()
    registries_load(living_runs=[run, *WORKERS], employers=[employer_row(representative=representative.rut,
                                                                         status=status)])  # fmt: skip
    return precinct, representative


def collective_input(precinct, **overrides) -> CollectiveInput:
    values = {
        "permit_type": "collective_workweek",
        "comuna": precinct.code,
        "starts_at": at_local(next_weekday(1), 0),
        "employer_rut": run_format(EMPLOYER),
        "employer_name": "Supermercados del Sur SpA",
        "activity_code": "471100",
        "workers": tuple(Worker(run_format(run), f"Trabajador {run}") for run in WORKERS),
        "submission_key": uuid.uuid4(),
    }
    return CollectiveInput(**{**values, **overrides})


def test_an_employer_gets_one_permit_per_worker_monday_to_friday():
    # given an employer SII knows as active, whose legal representative asks
    precinct, representative = collective_world()
    monday = next_weekday(1)

    # when they ask for the collective permit for two workers
    issue = collective_permit_issue(requester=representative, data=collective_input(precinct))

    # then each worker has a permit from Monday 00:00 to Saturday 00:00, and SII was asked about the employer
    assert [(p.run, p.holder_name) for p in issue.permits] == [(run, f"Trabajador {run}") for run in WORKERS]
    assert {(p.starts_at, p.ends_at) for p in issue.permits} == {
        (at_local(monday, 0), at_local(monday + dt.timedelta(days=5), 0))
    }
    assert issue.collective.worker_count == 2
    assert RegistryQuery.objects.filter(registry="employer", run=EMPLOYER, result="clear").count() == 1
    assert RegistryQuery.objects.filter(procedure="collective_permit_issue", registry="health").count() == 2


def test_a_collective_permit_for_a_ceased_employer_is_refused():
    precinct, representative = collective_world(status="ceased")
    with pytest.raises(PermitRefused) as caught:
        collective_permit_issue(requester=representative, data=collective_input(precinct))
    assert caught.value.code == "employer_inactive"
    assert (CollectivePermit.objects.count(), Permit.objects.count()) == (0, 0)


def test_only_the_legal_representative_and_the_right_activity_code_get_it():
    precinct, representative = collective_world()
    _, someone_else, _ = permit_world(precinct=precinct)
    with pytest.raises(PermitRefused) as stranger:
        collective_permit_issue(requester=someone_else, data=collective_input(precinct))
    with pytest.raises(PermitRefused) as activity:
        collective_permit_issue(requester=representative, data=collective_input(precinct, activity_code="561000"))
    assert stranger.value.code == "not_legal_representative"
    assert (activity.value.code, activity.value.message) == (
        "activity_code_mismatch", MESSAGES["activity_code_mismatch"].format(activity="471100"))  # fmt: skip
    assert Permit.objects.count() == 0


def test_a_quarantined_worker_stops_the_whole_list_and_the_employer_is_not_told_why():
    # given one of the two workers is in quarantine
    precinct, representative = collective_world()
    batch_import("health", [quarantine(WORKERS[1])])

    # when the employer asks for both
    with pytest.raises(PermitRefused) as caught:
        collective_permit_issue(requester=representative, data=collective_input(precinct))

    # then nothing is issued, the worker is named by masked RUN only, and no health word reaches the employer
    assert caught.value.code == "worker_not_eligible"
    assert caught.value.message == MESSAGES["worker_not_eligible"].format(count=1, runs="**.***.321-3")
    assert "quarantine" not in str(caught.value.message)
    assert (CollectivePermit.objects.count(), Permit.objects.count(), IssuedDocument.objects.count()) == (0, 0, 0)


def test_the_checkpoint_sees_a_valid_permit_and_its_offline_signature():
    # given a permit valid now, and an officer at a checkpoint
    precinct, citizen, run = permit_world()
    permit = current_permit(precinct, citizen)
    officer = station_officer()

    # when the officer's phone checks the QR offline, then online
    offline = token_verify_jwks(permit.document.token, keyring_current().jwks())
    result = checkpoint_verify(officer=officer, token=permit.document.token)

    # then both say valid, and the officer's query is audited
    assert offline.status == TokenStatus.VALID
    assert (result.status, result.message, result.signature) == (CheckpointStatus.VALID, str(MESSAGE_VALID), "valid")
    assert result.permit.id == permit.id
    assert RegistryQuery.objects.filter(procedure="checkpoint_verify", asked_by=officer, run=run).count() == 3


def test_valid_signature_but_the_person_is_now_under_quarantine():
    # given a valid permit, then MINSAL's new file puts the holder in quarantine (not yet re-scanned)
    precinct, citizen, run = permit_world()
    permit = current_permit(precinct, citizen)
    batch_import("health", [quarantine(run)])

    # when it is scanned (the whole QR URL, as a scanner hands it over)
    from backend.station.documents.qr import qr_payload

    result = checkpoint_verify(officer=station_officer(),
                               token=qr_payload(code=permit.document.code, token=permit.document.token))  # fmt: skip

    # then the signature is valid but the person is restricted now
    assert (result.status, result.signature) == (CheckpointStatus.RESTRICTED, "valid")
    assert result.message == str(RESTRICTED_MESSAGES["health_quarantine"])
    assert [r.code for r in result.restrictions] == ["health_quarantine"]


def test_a_forged_token_shows_no_permit():
    precinct, citizen, run = permit_world()
    permit = current_permit(precinct, citizen)
    header, payload, signature = permit.document.token.split(".")
    forged = f"{header}.{payload}.{signature[:-4]}AAAA"
    result = checkpoint_verify(officer=station_officer(), token=forged)
    assert (result.status, result.signature, result.permit) == (CheckpointStatus.TAMPERED, "bad_signature", None)


def test_a_health_import_revokes_the_active_permits_of_people_now_in_quarantine():
    # given two active permits, one of a person MINSAL's next file puts in quarantine
    precinct, citizen, run = permit_world()
    _, other, other_run = permit_world(precinct=precinct)
    registries_load(living_runs=[run, other_run])
    sick = permit_issue(requester=citizen, data=permit_input(precinct)).permit
    healthy = permit_issue(requester=other, data=permit_input(precinct)).permit

    # when the new file is imported and the active permits are re-scanned
    batch = batch_import("health", [quarantine(run)]).batch
    result = permits_rescan(batch_id=batch.id)

    # then only the quarantined person's permit (and its document) is revoked, with the reason and the batch
    assert (result.active_count, result.revoked_count, result.flagged_count) == (2, 1, 0)
    sick.refresh_from_db()
    healthy.refresh_from_db()
    assert (sick.status, sick.status_code, sick.status_kind, sick.status_batch_id) == (
        "revoked", "health_quarantine", "positive_test", batch.id)  # fmt: skip
    assert sick.document.status == "revoked"
    assert (healthy.status, healthy.document.status) == ("active", "valid")
    rescan = PermitRescan.objects.get()
    assert (rescan.batch_id, rescan.active_count, rescan.revoked_count) == (batch.id, 2, 1)
    assert list(RegistryQuery.objects.filter(procedure="permit_rescan").values_list("run", "result", "batch")) == [
        (run, "restricted", batch.id)]  # fmt: skip

    # and the checkpoint says so
    result = checkpoint_verify(officer=station_officer(), code=sick.document.code)
    assert result.status == CheckpointStatus.REVOKED
    assert "cuarentena" in result.message or "quarantine" in result.message


def test_a_civil_import_revokes_permits_of_runs_now_deceased_or_unknown():
    precinct, citizen, run = permit_world()
    _, other, other_run = permit_world(precinct=precinct)
    _, third, third_run = permit_world(precinct=precinct)
    registries_load(living_runs=[run, other_run, third_run])
    permits = [permit_issue(requester=user, data=permit_input(precinct)).permit for user in (citizen, other, third)]

    batch = batch_import("civil", [*living(third_run), {"run": run_format(run), "status": "deceased",
                                                         "deceased_on": "2025-01-01"}]).batch  # fmt: skip
    result = permits_rescan(batch_id=batch.id)

    assert result.revoked_count == 2
    assert [(Permit.objects.get(id=p.id).status, Permit.objects.get(id=p.id).status_code) for p in permits] == [
        ("revoked", "run_deceased"), ("revoked", "run_unknown"), ("active", "")]  # fmt: skip


def test_a_ceased_employer_only_flags_its_workers_permits():
    precinct, representative = collective_world()
    collective_permit_issue(requester=representative, data=collective_input(precinct))
    batch = batch_import("employer", [employer_row(representative=representative.rut, status="ceased")]).batch
    result = permits_rescan(batch_id=batch.id)
    assert (result.revoked_count, result.flagged_count) == (0, 2)
    assert set(Permit.objects.values_list("status", "status_code")) == {("flagged", "employer_inactive")}
    assert set(IssuedDocument.objects.values_list("status", flat=True)) == {"valid"}


def test_a_batch_no_longer_current_is_not_rescanned():
    precinct, citizen, run = permit_world()
    permit_issue(requester=citizen, data=permit_input(precinct))
    old = batch_import("health", [quarantine(run)]).batch
    batch_import("health", [quarantine(2)])
    assert permits_rescan(batch_id=old.id).skipped
    assert Permit.objects.get().status == "active"


def test_registries_run_parse_matches_accounts():
    assert run_parse(run_format(EMPLOYER)) == EMPLOYER


def test_the_revoked_permits_page_lists_a_precincts_revoked_permits_to_its_officers_only(client):
    # given a permit revoked by a health import, and officers of its precinct and of another
    from tests.factories import PrecinctFactory

    precinct, citizen, run = permit_world()
    registries_load(living_runs=[run])
    permit = permit_issue(requester=citizen, data=permit_input(precinct)).permit
    permits_rescan(batch_id=batch_import("health", [quarantine(run)]).batch.id)
    own, other = station_officer([precinct]), station_officer([PrecinctFactory()])

    # when each opens the page
    client.force_login(own)
    seen = client.get("/comisaria/control/revocados/", HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(other)
    unseen = client.get("/comisaria/control/revocados/", HTTP_ACCEPT_LANGUAGE="en")

    # then only the precinct's officer sees it, with the reason; the other sees an empty list
    assert (seen.status_code, unseen.status_code) == (200, 200)
    assert permit.folio in seen.content.decode()
    assert "the health registry now shows the holder in quarantine." in seen.content.decode()
    assert permit.folio not in unseen.content.decode()
    assert "No permit of your precincts has been revoked or flagged." in unseen.content.decode()
