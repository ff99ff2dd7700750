"""Family reunification through the API: filing and routing, the recorded search, the found person's decision,
and what the requester may read: nothing about the person without their recorded consent."""

import json

import pytest

from backend.station.fields import ERROR_INVALID_RUT
from backend.station.identity.checks import ERROR_NOT_VERIFIED
from backend.station.models import ReunificationDecision, ReunificationRequest, ReunificationStep
from backend.station.reunification.serializers import ERROR_NOT_MISSING
from backend.station.reunification.services import (
    ERROR_CLOSED,
    ERROR_CONSENT_NOTHING,
    ERROR_NOT_LOCATED,
    ERROR_NOTE_REQUIRED,
    ERROR_OUT_OF_SCOPE,
    ERROR_REFUSAL_SHARES,
    ERROR_UNKNOWN_COMUNA,
)
from tests.factories import PrecinctFactory, UserFactory
from tests.factories.station import station_officer, verified_citizen
from tests.factories.station_reunification import reunification_body, reunification_request

pytestmark = pytest.mark.django_db
# What only the search and the person found know: none of it may reach the requester without consent.
FOUND_PLACE = "Vive en Lonquimay, sector Malalcahuello"
STEP_NOTE = "Consulta en el Registro Civil: domicilio en Lonquimay"


@pytest.fixture
def temuco():
    return PrecinctFactory(column=0, code="09101", name="Temuco")


@pytest.fixture
def officer(temuco):
    return station_officer([temuco], first_name="Sargento", last_name="Huenchul")


def steps(client, folio: str, *actions: tuple[str, str]):
    for action, note in actions:
        response = client.post(f"/api/station/reunification/queue/{folio}/steps/", {"action": action, "note": note},
                               format="json")  # fmt: skip
        assert response.status_code == 200, response.json()
    return response


def test_a_verified_requester_files_and_it_is_routed_to_the_precinct_of_the_last_known_place(client_for, temuco):
    requester = verified_citizen()

    response = client_for(requester).post("/api/station/reunification/requests/", reunification_body("09101"),
                                          format="json")  # fmt: skip

    assert response.status_code == 201, response.json()
    request = ReunificationRequest.objects.get()
    assert request.folio.startswith("REU-")
    assert (request.precinct, request.requester, request.status) == (temuco, requester, "received")
    assert response.json() == {
        "folio": request.folio,
        "created_at": response.json()["created_at"],
        "sought_name": "Rosa Elena Muñoz Pérez",
        "relationship": "sibling",
        "comuna": "Temuco",
        "status": "received",
        "status_label": "Recibida",
        "next_step": "Funcionarios de la comisaría del último lugar conocido empezarán la búsqueda.",
        "shared": None,
    }


def test_the_same_submission_twice_files_once(client_for, temuco):
    client, body = client_for(verified_citizen()), reunification_body("09101")

    first = client.post("/api/station/reunification/requests/", body, format="json")
    second = client.post("/api/station/reunification/requests/", body, format="json")

    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["folio"] == second.json()["folio"]
    assert ReunificationRequest.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "status", "field", "message"),
    [
        ({"comuna": "99999"}, 400, "comuna", ERROR_UNKNOWN_COMUNA),
        ({"sought_run": "12.345.678-9"}, 400, "sought_run", ERROR_INVALID_RUT),
        ({"is_not_missing": False}, 400, "is_not_missing", ERROR_NOT_MISSING),
        ({"sought_name": ""}, 400, "sought_name", None),
        ({"relationship": "neighbor"}, 400, "relationship", None),
        ({"last_contact_year": 1850}, 400, "last_contact_year", None),
    ],
)
def test_bad_input_names_the_field_and_files_nothing(client_for, temuco, overrides, status, field, message):
    body = reunification_body("09101")
    response = client_for(verified_citizen()).post(
        "/api/station/reunification/requests/", {**body, **overrides}, format="json"
    )

    assert response.status_code == status
    assert list(response.json()["error"]["fields"]) == [field]
    if message is not None:
        assert response.json()["error"]["fields"][field] == [str(message)]
    assert ReunificationRequest.objects.count() == 0


def test_an_unverified_account_cannot_file(client_for, temuco):
    response = client_for(UserFactory()).post("/api/station/reunification/requests/", reunification_body("09101"),
                                              format="json")  # fmt: skip

    assert (response.status_code, response.json()["error"]["message"]) == (403, str(ERROR_NOT_VERIFIED))
    assert ReunificationRequest.objects.count() == 0


def test_officers_record_each_step_and_the_timeline_keeps_them_in_order(client_for, temuco, officer):
    request = reunification_request(temuco)
    client = client_for(officer)

    response = steps(client, request.folio, ("step", STEP_NOTE), ("step", "Llamada: no contesta"),
                     ("found", "Ubicada en su domicilio; se le explica la solicitud"))  # fmt: skip

    body = response.json()
    assert body["status"] == "found"
    assert [(step["action"], step["status"], step["actor"]) for step in body["steps"]] == [
        ("step", "searching", "Sargento Huenchul"),
        ("step", "searching", "Sargento Huenchul"),
        ("found", "found", "Sargento Huenchul"),
    ]
    assert body["steps"][0]["note"] == STEP_NOTE


def test_a_step_needs_a_note(client_for, temuco, officer):
    request = reunification_request(temuco)

    response = client_for(officer).post(f"/api/station/reunification/queue/{request.folio}/steps/",
                                        {"action": "step", "note": "  "}, format="json")  # fmt: skip

    assert response.json()["error"]["fields"] == {"note": [str(ERROR_NOTE_REQUIRED)]}
    assert ReunificationStep.objects.count() == 0


def test_a_consent_passes_on_exactly_the_details_consented_to(client_for, temuco, officer):
    # given a request whose person was found
    requester = verified_citizen()
    request = reunification_request(temuco, requester)
    client = client_for(officer)
    steps(client, request.folio, ("step", STEP_NOTE), ("found", FOUND_PLACE))

    # when the person agrees to share an email and a message, and nothing else
    response = client.post(f"/api/station/reunification/queue/{request.folio}/decision/",
                           {"consents": True, "method": "in_person", "shared_email": "rosa.munoz@example.cl",
                            "shared_message": "Me alegra que me busques. Escríbeme."}, format="json")  # fmt: skip

    # then the requester reads exactly those two details
    assert response.status_code == 200, response.json()
    mine = client_for(requester).get(f"/api/station/reunification/requests/{request.folio}/").json()
    assert (mine["status"], mine["status_label"]) == ("contact_shared", "Cerrada: la persona aceptó compartir contacto")
    assert mine["shared"] == {"email": "rosa.munoz@example.cl", "message": "Me alegra que me busques. Escríbeme."}
    # and nothing of the search
    text = json.dumps(mine, ensure_ascii=False)
    for secret in (FOUND_PLACE, STEP_NOTE, "Lonquimay", "Huenchul", "found", "in_person"):
        assert secret not in text


def test_a_refusal_reveals_nothing_not_even_that_the_person_was_found(client_for, temuco, officer):
    # given two requests of one requester: one whose person was found and refused, one whose person was not found
    requester = verified_citizen()
    refused = reunification_request(temuco, requester)
    missing = reunification_request(temuco, requester, sought_name="Rosa Elena Muñoz Pérez")
    client = client_for(officer)
    steps(client, refused.folio, ("step", STEP_NOTE), ("found", FOUND_PLACE))
    decision = client.post(f"/api/station/reunification/queue/{refused.folio}/decision/",
                           {"consents": False, "method": "in_person", "note": "No quiere contacto; teme"},
                           format="json")  # fmt: skip
    steps(client, missing.folio, ("step", "Sin registros en la comuna"), ("not_found", "Búsqueda agotada"))

    # when the requester reads both
    reader = client_for(requester)
    after_refusal = reader.get(f"/api/station/reunification/requests/{refused.folio}/").json()
    after_not_found = reader.get(f"/api/station/reunification/requests/{missing.folio}/").json()

    # then a refusal reads exactly like a search that found no one: "closed", nothing shared, nothing of the search
    assert decision.status_code == 200
    assert (after_refusal["status"], after_refusal["shared"]) == ("closed", None)
    without_ids = [{k: v for k, v in body.items() if k not in ("folio", "created_at")}
                   for body in (after_refusal, after_not_found)]  # fmt: skip
    assert without_ids[0] == without_ids[1]
    text = json.dumps(reader.get("/api/station/reunification/requests/").json(), ensure_ascii=False)
    for secret in (FOUND_PLACE, STEP_NOTE, "Lonquimay", "teme", "found", "refus", "Huenchul", "contacto"):
        assert secret not in text


def test_while_found_and_deciding_the_requester_reads_in_progress_as_during_the_search(client_for, temuco, officer):
    requester = verified_citizen()
    searching, found = reunification_request(temuco, requester), reunification_request(temuco, requester)
    client = client_for(officer)
    steps(client, searching.folio, ("step", STEP_NOTE))
    steps(client, found.folio, ("found", FOUND_PLACE))

    bodies = [client_for(requester).get(f"/api/station/reunification/requests/{request.folio}/").json()
              for request in (searching, found)]  # fmt: skip

    assert [(body["status"], body["status_label"]) for body in bodies] == [("in_progress", "En curso")] * 2


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"consents": True, "method": "phone"}, "shared_message", ERROR_CONSENT_NOTHING),
        (
            {"consents": False, "method": "phone", "shared_phone": "+56 9 1234 5678"},
            "shared_phone",
            ERROR_REFUSAL_SHARES,
        ),
    ],
    ids=["consent sharing nothing", "refusal sharing a phone"],
)
def test_a_decision_must_match_what_it_shares(client_for, temuco, officer, body, field, message):
    request = reunification_request(temuco)
    steps(client_for(officer), request.folio, ("found", FOUND_PLACE))

    response = client_for(officer).post(f"/api/station/reunification/queue/{request.folio}/decision/", body,
                                        format="json")  # fmt: skip

    assert response.json()["error"]["fields"] == {field: [str(message)]}
    assert ReunificationDecision.objects.count() == 0
    request.refresh_from_db()
    assert request.status == "found"


def test_no_decision_before_the_person_is_found(client_for, temuco, officer):
    request = reunification_request(temuco)

    response = client_for(officer).post(f"/api/station/reunification/queue/{request.folio}/decision/",
                                        {"consents": False, "method": "phone"}, format="json")  # fmt: skip

    assert (response.status_code, response.json()["error"]["message"]) == (409, str(ERROR_NOT_LOCATED))
    assert ReunificationDecision.objects.count() == 0


def test_a_closed_request_takes_no_more_steps(client_for, temuco, officer):
    request = reunification_request(temuco)
    steps(client_for(officer), request.folio, ("not_found", "Búsqueda agotada"))

    response = client_for(officer).post(f"/api/station/reunification/queue/{request.folio}/steps/",
                                        {"action": "step", "note": "otra"}, format="json")  # fmt: skip

    assert (response.status_code, response.json()["error"]["message"]) == (409, str(ERROR_CLOSED))
    assert ReunificationStep.objects.count() == 1


def test_officers_see_and_act_only_in_their_precincts(client_for, temuco, officer):
    elsewhere = PrecinctFactory(column=1, code="08101", name="Concepción")
    theirs, other = reunification_request(temuco), reunification_request(elsewhere)
    client = client_for(officer)

    queue = client.get("/api/station/reunification/queue/").json()
    detail = client.get(f"/api/station/reunification/queue/{other.folio}/")
    step = client.post(f"/api/station/reunification/queue/{other.folio}/steps/", {"action": "step", "note": "x"},
                       format="json")  # fmt: skip

    assert [row["folio"] for row in queue] == [theirs.folio]
    assert detail.status_code == 404
    assert (step.status_code, step.json()["error"]["message"]) == (403, str(ERROR_OUT_OF_SCOPE))
    assert ReunificationStep.objects.count() == 0


def test_the_officer_sees_earlier_requests_for_the_same_run_with_their_outcome(client_for, temuco, officer):
    first = reunification_request(temuco, sought_run="16.543.210-K")
    steps(client_for(officer), first.folio, ("found", FOUND_PLACE))
    client_for(officer).post(f"/api/station/reunification/queue/{first.folio}/decision/",
                             {"consents": False, "method": "phone"}, format="json")  # fmt: skip
    again = reunification_request(temuco, sought_run="16.543.210-K")

    related = client_for(officer).get(f"/api/station/reunification/queue/{again.folio}/").json()["related"]

    assert [(row["folio"], row["status"]) for row in related] == [(first.folio, "contact_refused")]


def test_a_requester_reads_only_their_own(client_for, temuco):
    request = reunification_request(temuco)
    other = verified_citizen()

    assert client_for(other).get(f"/api/station/reunification/requests/{request.folio}/").status_code == 404
    assert client_for(other).get("/api/station/reunification/requests/").json() == []
