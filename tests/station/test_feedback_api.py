"""Complaints and commendations about officers through the API: folio, routing to the precinct's commander,
bad input, who sees what, the commander's answer, the history and the filer's emails."""

import pytest
from django.db import connection
from rest_framework import serializers

from backend.station.feedback.serializers import ERROR_HALF_POINT, ERROR_NO_PRECINCT
from backend.station.feedback.services import (
    ERROR_ANSWER_REQUIRED,
    ERROR_NOT_FOUND,
    ERROR_OUTSIDE,
    ERROR_PRECINCT_MISMATCH,
    ERROR_REASON_REQUIRED,
    ERROR_UNKNOWN_PRECINCT,
)
from backend.station.fields import ERROR_IN_FUTURE, MAX_NARRATIVE
from backend.station.identity.checks import ERROR_NOT_VERIFIED
from backend.station.models import FeedbackStatus, FeedbackStatusChange, OfficerFeedback
from tests.factories import PrecinctFactory, UserFactory
from tests.factories.station import station_officer, verified_citizen
from tests.factories.station_feedback import commander_of, feedback_body

pytestmark = pytest.mark.django_db
URL = "/api/station/feedback/"
BLANK = serializers.CharField.default_error_messages["blank"]


def too_long(limit: int) -> str:
    return str(serializers.CharField.default_error_messages["max_length"]).format(max_length=limit)


@pytest.fixture
def precinct():
    return PrecinctFactory(column=0, code="13109", name="La Cisterna")


@pytest.fixture
def other_precinct():
    return PrecinctFactory(column=1, code="13111", name="La Granja")


def sequence_value(name: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT last_value + CASE WHEN is_called THEN 1 ELSE 0 END FROM {name}")
        return cursor.fetchone()[0]


def file(client_for, citizen, **overrides) -> dict:
    response = client_for(citizen).post(URL, feedback_body(**overrides), format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def test_a_complaint_placed_on_the_map_gets_a_folio_and_goes_to_that_precinct(client_for, precinct, other_precinct):
    # given a verified citizen
    citizen = verified_citizen()

    # when they file a complaint about an officer with a point in La Cisterna
    response = client_for(citizen).post(URL, feedback_body(column=0), format="json")

    # then it is received, with a folio of the complaints' series, routed to La Cisterna, with its first step
    assert response.status_code == 201, response.json()
    body = response.json()
    feedback = OfficerFeedback.objects.get()
    assert body["folio"] == feedback.folio
    assert feedback.folio.startswith("REC-")
    assert (body["kind"], body["status"], body["precinct"], body["precinct_code"]) == (
        "complaint",
        "received",
        "La Cisterna",
        "13109",
    )
    assert (body["officer_name"], body["officer_rank"], body["officer_badge"], body["unit"]) == (
        "Juan Pérez",
        "Cabo 2°",
        "123456",
        "Radiopatrulla Z-1234",
    )
    assert (body["answer"], body["answered_at"]) == ("", None)
    assert [step["status"] for step in body["history"]] == ["received"]
    assert feedback.filer == citizen
    assert feedback.contact_email == "valentina@example.cl"


def test_a_commendation_with_a_chosen_precinct_has_its_own_folio_series(client_for, precinct, other_precinct):
    citizen = verified_citizen()
    next_commendation = sequence_value("station_folio_officer_commendation")

    body = file(client_for, citizen, kind="commendation", lat=None, lon=None, precinct="13111", officer_name="")

    assert body["folio"] == f"FEL-{next_commendation:08d}"
    assert (body["precinct"], body["lat"], body["lon"], body["officer_name"]) == ("La Granja", None, None, "")


def test_a_point_and_the_same_precinct_chosen_agree(client_for, precinct, other_precinct):
    body = file(client_for, verified_citizen(), column=1, precinct="13111")

    assert body["precinct"] == "La Granja"


def test_the_same_submission_twice_files_once(client_for, precinct):
    citizen = verified_citizen()
    body = feedback_body()

    first = client_for(citizen).post(URL, body, format="json")
    second = client_for(citizen).post(URL, body, format="json")

    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["folio"] == second.json()["folio"]
    assert OfficerFeedback.objects.count() == 1
    assert FeedbackStatusChange.objects.count() == 1


def test_a_reused_submission_key_with_other_answers_is_refused(client_for, precinct):
    citizen = verified_citizen()
    body = feedback_body()
    client_for(citizen).post(URL, body, format="json")

    response = client_for(citizen).post(URL, {**body, "narrative": "Otra cosa"}, format="json")

    assert response.status_code == 409
    assert list(response.json()["error"]["fields"]) == ["submission_key"]
    assert OfficerFeedback.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "status", "field", "message"),
    [
        ({"lat": None, "lon": None, "precinct": "99999"}, 400, "precinct", ERROR_UNKNOWN_PRECINCT),
        ({"lat": -20.0, "lon": -70.0}, 422, "location", ERROR_OUTSIDE),
        ({"lat": None, "lon": None}, 400, "precinct", ERROR_NO_PRECINCT),
        ({"lon": None}, 400, "location", ERROR_HALF_POINT),
        ({"precinct": "13111"}, 400, "precinct", ERROR_PRECINCT_MISMATCH.format(precinct="La Cisterna")),
        ({"narrative": ""}, 400, "narrative", BLANK),
        ({"narrative": "   "}, 400, "narrative", BLANK),
        ({"narrative": "x" * (MAX_NARRATIVE + 1)}, 400, "narrative", too_long(MAX_NARRATIVE)),
        ({"officer_name": "x" * 201}, 400, "officer_name", too_long(200)),
        ({"occurred_at": "2099-01-01T10:00:00-03:00"}, 400, "occurred_at", ERROR_IN_FUTURE),
        ({"kind": "praise"}, 400, "kind", None),
    ],
)
def test_bad_input_names_the_problem_and_writes_nothing(
    client_for, precinct, other_precinct, overrides, status, field, message
):
    # given a verified citizen and the next folio numbers of both series
    citizen = verified_citizen()
    next_folios = (
        sequence_value("station_folio_officer_complaint"),
        sequence_value("station_folio_officer_commendation"),
    )

    # when they send feedback with one bad answer
    response = client_for(citizen).post(URL, feedback_body(**overrides), format="json")

    # then the error names the problem, and nothing was written, not even a folio number
    assert response.status_code == status, response.json()
    fields = response.json()["error"]["fields"]
    assert list(fields) == [field]
    if message is not None:
        assert fields[field] == [str(message)]
    assert OfficerFeedback.objects.count() == 0
    assert FeedbackStatusChange.objects.count() == 0
    assert (
        sequence_value("station_folio_officer_complaint"),
        sequence_value("station_folio_officer_commendation"),
    ) == next_folios


def test_an_unverified_account_and_an_anonymous_visitor_may_not_file(client_for, api_client, precinct):
    refused = client_for(UserFactory(rut="12.345.678-5")).post(URL, feedback_body(), format="json")
    anonymous = api_client.post(URL, feedback_body(), format="json")

    assert refused.status_code == 403
    assert refused.json()["error"] == {"code": "identity_not_verified", "message": ERROR_NOT_VERIFIED}
    assert anonymous.status_code == 401
    assert OfficerFeedback.objects.count() == 0


def test_a_filer_sees_only_their_own(client_for, precinct):
    owner, stranger = verified_citizen(), verified_citizen()
    folio = file(client_for, owner)["folio"]

    assert [item["folio"] for item in client_for(owner).get(URL).json()] == [folio]
    assert client_for(stranger).get(URL).json() == []
    assert client_for(stranger).get(f"{URL}{folio}/").status_code == 404
    assert client_for(owner).get(f"{URL}{folio}/").json()["folio"] == folio


def test_the_commander_of_the_precinct_sees_it_and_commanders_elsewhere_get_404(client_for, precinct, other_precinct):
    # given feedback about La Cisterna, its commander, and La Granja's commander
    folio = file(client_for, verified_citizen(first_name="Valentina", last_name="Araya"))["folio"]
    ours, theirs = commander_of([precinct]), commander_of([other_precinct])

    # then ours sees it in the queue with the filer, theirs does not see it at all
    queue = client_for(ours).get(f"{URL}queue/").json()
    assert [(item["folio"], item["filer_name"]) for item in queue] == [(folio, "Valentina Araya")]
    assert client_for(theirs).get(f"{URL}queue/").json() == []
    assert client_for(theirs).get(f"{URL}queue/{folio}/").status_code == 404
    refused = client_for(theirs).post(
        f"{URL}queue/{folio}/actions/", {"action": "answer", "note": "No es nuestro"}, format="json"
    )
    assert refused.status_code == 404
    assert refused.json()["error"]["message"] == ERROR_NOT_FOUND
    assert OfficerFeedback.objects.get().status == FeedbackStatus.RECEIVED
    assert FeedbackStatusChange.objects.count() == 1


@pytest.mark.parametrize("role_user", ["citizen", "station_officer", "dispatcher"])
def test_other_roles_may_not_open_the_commanders_queue(client_for, precinct, role_user):
    from backend.accounts.models import Role
    from tests.factories import staff_user

    folio = file(client_for, verified_citizen())["folio"]
    user = {
        "citizen": verified_citizen,
        "station_officer": lambda: station_officer([precinct]),
        "dispatcher": lambda: staff_user(Role.DISPATCHER, [precinct]),
    }[role_user]()

    assert client_for(user).get(f"{URL}queue/").status_code == 403
    assert client_for(user).get(f"{URL}queue/{folio}/").status_code == 403
    assert client_for(user).post(f"{URL}queue/{folio}/actions/", {"action": "start_review"}).status_code == 403


def test_a_commander_of_the_prefecture_and_an_administrator_see_it(client_for, precinct):
    from backend.accounts.models import Role

    folio = file(client_for, verified_citizen())["folio"]
    prefecture_commander = UserFactory(role=Role.COMMANDER, prefecture=precinct.prefecture)
    administrator = UserFactory(role=Role.ADMINISTRATOR)

    assert [item["folio"] for item in client_for(prefecture_commander).get(f"{URL}queue/").json()] == [folio]
    assert client_for(administrator).get(f"{URL}queue/{folio}/").json()["folio"] == folio


def test_the_commander_reviews_and_answers_the_filer_reads_it_and_gets_an_email_at_each_step(
    client_for, precinct, mailbox, eager_tasks, django_capture_on_commit_callbacks
):
    # given a filed complaint (its receipt email arrives)
    citizen, commander = verified_citizen(), commander_of([precinct])
    with django_capture_on_commit_callbacks(execute=True):
        folio = file(client_for, citizen)["folio"]
    assert [message["To"] for message in mailbox.messages] == ["valentina@example.cl"]
    assert mailbox.messages[0]["Subject"] == f"Tu reclamo {folio}: Recibido"

    # when the commander answers without writing the answer, it is refused and nothing changes
    refused = client_for(commander).post(f"{URL}queue/{folio}/actions/", {"action": "answer"}, format="json")
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"] == {"note": [ERROR_ANSWER_REQUIRED]}
    assert FeedbackStatusChange.objects.count() == 1

    # when they start the review, answer, and close it
    answer = "Conversamos con el funcionario y se instruyó un sumario administrativo."
    with django_capture_on_commit_callbacks(execute=True):
        client_for(commander).post(f"{URL}queue/{folio}/actions/", {"action": "start_review"}, format="json")
        answered = client_for(commander).post(
            f"{URL}queue/{folio}/actions/", {"action": "answer", "note": answer}, format="json"
        )
        closed = client_for(commander).post(f"{URL}queue/{folio}/actions/", {"action": "close"}, format="json")

    # then the filer reads the answer and the whole history
    assert (answered.status_code, closed.status_code) == (200, 200)
    mine = client_for(citizen).get(f"{URL}{folio}/").json()
    assert (mine["status"], mine["answer"]) == ("closed", answer)
    assert mine["answered_at"] is not None
    assert [(step["status"], step["note"]) for step in mine["history"]] == [
        ("received", ""),
        ("under_review", ""),
        ("answered", answer),
        ("closed", ""),
    ]
    feedback = OfficerFeedback.objects.get()
    assert feedback.answered_by == commander
    assert list(feedback.history.values_list("actor", flat=True)) == [None, commander.id, commander.id, commander.id]
    # and got an email at each change, the answer in the one that carried it
    # (short subjects: a long encoded one is folded, and a reader parses it with a leading space)
    assert [message["Subject"] for message in mailbox.messages] == [
        f"Tu reclamo {folio}: Recibido",
        f"Tu reclamo {folio}: En revisión",
        f"Tu reclamo {folio}: Respondido",
        f"Tu reclamo {folio}: Cerrado",
    ]
    assert answer in mailbox.bodies()[2]
    assert f"/comisaria/reclamos-y-felicitaciones/{folio}/" in mailbox.bodies()[2]
    # and a closed one cannot move again
    again = client_for(commander).post(f"{URL}queue/{folio}/actions/", {"action": "start_review"}, format="json")
    assert again.status_code == 409
    assert FeedbackStatusChange.objects.count() == 4


def test_closing_unanswered_needs_a_reason(client_for, precinct):
    commander = commander_of([precinct])
    folio = file(client_for, verified_citizen())["folio"]

    refused = client_for(commander).post(f"{URL}queue/{folio}/actions/", {"action": "close"}, format="json")
    closed = client_for(commander).post(
        f"{URL}queue/{folio}/actions/", {"action": "close", "note": "Duplicado de REC-00000001."}, format="json"
    )

    assert refused.status_code == 400
    assert refused.json()["error"]["fields"] == {"note": [ERROR_REASON_REQUIRED]}
    assert closed.status_code == 200
    assert (closed.json()["status"], closed.json()["answer"]) == ("closed", "")
    assert client_for(commander).get(f"{URL}queue/").json() == []


def test_a_commendation_email_says_commendation_in_english_when_filed_in_english(
    client_for, precinct, mailbox, eager_tasks, django_capture_on_commit_callbacks
):
    client = client_for(verified_citizen())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, feedback_body(kind="commendation"), format="json", HTTP_ACCEPT_LANGUAGE="en")

    folio = response.json()["folio"]
    assert [message["Subject"] for message in mailbox.messages] == [f"Your commendation {folio}: Received"]


def test_a_filer_without_an_email_gets_none_but_sees_every_step(
    client_for, precinct, mailbox, eager_tasks, django_capture_on_commit_callbacks
):
    citizen = verified_citizen(email="")
    with django_capture_on_commit_callbacks(execute=True):
        folio = file(client_for, citizen, contact_email="")["folio"]

    assert mailbox.messages == []
    assert [step["status"] for step in client_for(citizen).get(f"{URL}{folio}/").json()["history"]] == ["received"]


def test_a_body_that_is_not_an_object_is_a_400(client_for, precinct):
    response = client_for(verified_citizen()).post(URL, [1, 2], format="json")

    assert response.status_code == 400
    assert OfficerFeedback.objects.count() == 0
