"""Voter excuses through the API: election day in Chile time, the registry, the geodesic distance, the folio,
the officer's in-person confirmation that issues the signed excuse, the email, and every refusal."""

import datetime as dt

import pytest
from django.db import connection

from backend.station.documents.selectors import document_verify
from backend.station.elections import clock
from backend.station.elections.selectors import (
    ERROR_NO_ELECTION,
    ERROR_NO_POLLING_STATION,
    ERROR_NOT_ELECTION_DAY,
    ERROR_NOT_ELECTION_DAY_NEXT,
    ERROR_TOO_CLOSE,
    geodesic_distance_meters,
)
from backend.station.elections.services import (
    ERROR_ALREADY_FILED,
    ERROR_ALREADY_ISSUED,
    ERROR_LAPSED,
    ERROR_RUN_MISMATCH,
    voter_excuses_lapse,
)
from backend.station.identity.checks import ERROR_NOT_VERIFIED
from backend.station.models import IssuedDocument, VoterExcuse, VoterExcuseStatus
from tests.factories import PrecinctFactory, UserFactory
from tests.factories.station import station_officer, verified_citizen
from tests.factories.station_elections import (
    CONCEPCION,
    ELECTION_DAY,
    PUNTA_ARENAS,
    SANTIAGO,
    SOUTH_150_KM,
    election,
    polling_station,
    registered_voter,
)

pytestmark = pytest.mark.django_db
UTC = dt.UTC
# 27 October 2024 in Chile (UTC-3, summer time) runs from 03:00 UTC on the 27th to 02:59:59 UTC on the 28th.
DAY_START = dt.datetime(2024, 10, 27, 3, 0, tzinfo=UTC)
DAY_END = dt.datetime(2024, 10, 28, 2, 59, 59, tzinfo=UTC)
NOON = dt.datetime(2024, 10, 27, 15, 0, tzinfo=UTC)


@pytest.fixture
def at(monkeypatch):
    """Pin the voter-excuse clock: ``at(moment)``."""

    def pin(moment: dt.datetime) -> dt.datetime:
        monkeypatch.setattr(clock, "now", lambda: moment)
        return moment

    pin(NOON)
    return pin


@pytest.fixture
def santiago_voter():
    election()
    return registered_voter(polling_station(), email="voter@example.cl")


def filing(lat_lon, **overrides) -> dict:
    return {"lat": lat_lon[0], "lon": lat_lon[1], "position_source": "map", "contact_email": "voter@example.cl",
            **overrides}  # fmt: skip


def request_sequence_value() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT last_value + CASE WHEN is_called THEN 1 ELSE 0 END FROM station_folio_voter_excuse_request"
        )
        return cursor.fetchone()[0]


# The distance


def test_the_distance_is_the_wgs84_geodesic_published_by_geographiclib():
    # given a station in Wellington, New Zealand
    station = polling_station(code="WLG", at=(-41.32, 174.81))

    # when the distance to Salamanca, Spain is measured (GeographicLib's documented example, Karney 2013)
    meters = geodesic_distance_meters(station=station, lat=40.96, lon=-5.50)

    # then it is the published geodesic, 19,959,679.267 m, to the millimetre
    assert round(meters, 3) == 19_959_679.267


def test_santiago_to_concepcion_is_about_430_km():
    station = polling_station(at=SANTIAGO)

    meters = geodesic_distance_meters(station=station, lat=CONCEPCION[0], lon=CONCEPCION[1])

    assert round(meters) == 431_822


def test_the_polling_station_point_has_a_gist_index():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'station_pollingstation'")
        definitions = [row[0] for row in cursor.fetchall()]
    assert [definition for definition in definitions if "gist (location)" in definition] != []


# Filing


def test_a_voter_far_from_their_station_files_and_gets_a_folio(client_for, santiago_voter, at):
    # given a voter of a Santiago polling station, in Concepción on election day
    # when they ask for an excuse from there
    response = client_for(santiago_voter).post("/api/station/elections/excuses/", filing(CONCEPCION), format="json")

    # then the request is pending, with a folio, the measured geodesic distance and no document yet
    assert response.status_code == 201, response.json()
    excuse = VoterExcuse.objects.get()
    body = response.json()
    assert body["folio"] == excuse.folio
    assert excuse.folio.startswith("ELE-")
    assert (body["status"], body["distance_meters"], body["document_folio"]) == ("pending", 431_821, None)
    assert (body["station"]["code"], body["election"]["election_date"]) == ("SCL-001", "2024-10-27")
    assert (excuse.run, excuse.position_source, excuse.document) == (int(santiago_voter.rut[:-2]), "map", None)
    assert IssuedDocument.objects.count() == 0


def test_the_check_shows_the_distance_before_filing_and_writes_nothing(client_for, santiago_voter, at):
    client = client_for(santiago_voter)

    far = client.get("/api/station/elections/check/", {"lat": PUNTA_ARENAS[0], "lon": PUNTA_ARENAS[1]})
    near = client.get("/api/station/elections/check/", {"lat": SOUTH_150_KM[0], "lon": SOUTH_150_KM[1]})

    assert (far.status_code, far.json()["distance_meters"], far.json()["is_far_enough"]) == (200, 2_190_759, True)
    assert (near.json()["distance_meters"], near.json()["is_far_enough"]) == (150_000, False)
    assert near.json()["minimum_meters"] == 200_000
    assert near.json()["station"]["name"] == "Instituto Nacional"
    assert VoterExcuse.objects.count() == 0


def test_at_150_km_the_refusal_names_the_rule_and_the_distance(client_for, santiago_voter, at):
    sequence = request_sequence_value()

    response = client_for(santiago_voter).post("/api/station/elections/excuses/", filing(SOUTH_150_KM), format="json")

    assert response.status_code == 422
    error = response.json()["error"]
    expected = ERROR_TOO_CLOSE.format(minimum=200, distance="150,0", station="Instituto Nacional", comuna="Santiago")
    assert (error["code"], error["message"]) == ("too_close", expected)
    assert "más de 200 km" in error["message"]
    assert "150,0 km" in error["message"]
    assert (error["distance_meters"], error["fields"]) == (150_000, {"location": [expected]})
    assert VoterExcuse.objects.count() == 0
    assert request_sequence_value() == sequence


def test_the_refusal_reads_in_english_when_asked(client_for, santiago_voter, at):
    response = client_for(santiago_voter).post(
        "/api/station/elections/excuses/", filing(SOUTH_150_KM), format="json", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.json()["error"]["message"] == (
        "An excuse needs you to be more than 200 km from your polling station. "
        "You are 150.0 km from Instituto Nacional (Santiago)."
    )


@pytest.mark.parametrize(
    "moment", [DAY_START, DAY_END], ids=["00:00:00 Chile time (03:00 UTC)", "23:59:59 Chile time (02:59 UTC next day)"]
)
def test_the_window_is_election_day_in_chile_time(client_for, santiago_voter, at, moment):
    at(moment)

    response = client_for(santiago_voter).post("/api/station/elections/excuses/", filing(CONCEPCION), format="json")

    assert response.status_code == 201


@pytest.mark.parametrize(
    ("moment", "message"),
    [
        # Still the 26th in Chile (UTC midnight of the 27th is 21:00 of the 26th there).
        (DAY_START - dt.timedelta(seconds=1), "next"),
        (dt.datetime(2024, 10, 27, 0, 0, tzinfo=UTC), "next"),
        (DAY_END + dt.timedelta(seconds=1), "past"),
    ],
    ids=["23:59:59 the day before", "UTC midnight of election day", "00:00:00 the day after"],
)
def test_outside_election_day_chile_time_is_refused(client_for, santiago_voter, at, moment, message):
    at(moment)

    response = client_for(santiago_voter).post("/api/station/elections/excuses/", filing(CONCEPCION), format="json")

    expected = (
        ERROR_NOT_ELECTION_DAY_NEXT.format(name="Elecciones Municipales 2024", date="27 de octubre de 2024")
        if message == "next"
        else ERROR_NOT_ELECTION_DAY
    )
    assert (response.status_code, response.json()["error"]["code"]) == (409, "not_election_day")
    assert response.json()["error"]["message"] == str(expected)
    assert VoterExcuse.objects.count() == 0


def test_with_no_election_configured_nothing_can_be_filed(client_for, at):
    voter = registered_voter(polling_station())

    response = client_for(voter).post("/api/station/elections/excuses/", filing(CONCEPCION), format="json")

    assert (response.status_code, response.json()["error"]) == (
        409,
        {"code": "no_election", "message": str(ERROR_NO_ELECTION)},
    )
    assert VoterExcuse.objects.count() == 0


def test_a_run_with_no_polling_station_is_refused(client_for, at):
    election()
    voter = verified_citizen()

    response = client_for(voter).post("/api/station/elections/excuses/", filing(CONCEPCION), format="json")

    assert (response.status_code, response.json()["error"]) == (
        422,
        {"code": "no_polling_station", "message": str(ERROR_NO_POLLING_STATION)},
    )
    assert VoterExcuse.objects.count() == 0


def test_a_second_filing_for_the_same_election_is_refused_with_the_first_folio(client_for, santiago_voter, at):
    client = client_for(santiago_voter)
    first = client.post("/api/station/elections/excuses/", filing(CONCEPCION), format="json").json()
    sequence = request_sequence_value()

    again = client.post("/api/station/elections/excuses/", filing(PUNTA_ARENAS), format="json")

    assert again.status_code == 409
    assert again.json()["error"] == {
        "code": "already_filed",
        "message": ERROR_ALREADY_FILED.format(folio=first["folio"]),
        "folio": first["folio"],
    }
    assert VoterExcuse.objects.count() == 1
    assert request_sequence_value() == sequence


def test_an_unverified_account_cannot_file(client_for, at):
    election()
    neighbor = UserFactory()

    response = client_for(neighbor).post("/api/station/elections/excuses/", filing(CONCEPCION), format="json")

    assert (response.status_code, response.json()["error"]["message"]) == (403, str(ERROR_NOT_VERIFIED))
    assert VoterExcuse.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"lat": 95}, "lat"),
        ({"lon": "oeste"}, "lon"),
        ({"position_source": "guess"}, "position_source"),
        ({"contact_email": ""}, "contact_email"),
    ],  # fmt: skip
)
def test_bad_input_names_the_field(client_for, santiago_voter, at, overrides, field):
    response = client_for(santiago_voter).post(
        "/api/station/elections/excuses/", filing(CONCEPCION, **overrides), format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [field]
    assert VoterExcuse.objects.count() == 0


# The desk at any police unit


@pytest.fixture
def pending(client_for, santiago_voter, at):
    body = client_for(santiago_voter).post("/api/station/elections/excuses/", filing(CONCEPCION), format="json").json()
    return VoterExcuse.objects.get(folio=body["folio"])


def test_an_officer_of_any_unit_confirms_identity_and_the_signed_excuse_is_issued_and_emailed(
    client_for, pending, santiago_voter, mailbox, eager_tasks, django_capture_on_commit_callbacks
):
    # given an officer of a precinct in Concepción, far from the voter's own
    officer = station_officer([PrecinctFactory(name="Primera Comisaría de Concepción")])
    client = client_for(officer)

    # when they find the request on the desk and confirm it with the RUN on the identity card
    listed = client.get("/api/station/elections/desk/", {"q": santiago_voter.rut}).json()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/station/elections/desk/{pending.folio}/confirm/", {"card_run": santiago_voter.rut}, format="json"
        )

    # then the excuse is issued as a signed document of the voter
    assert [row["folio"] for row in listed] == [pending.folio]
    assert response.status_code == 200, response.json()
    pending.refresh_from_db()
    document = pending.document
    assert (pending.status, pending.confirmed_by, pending.confirmed_unit) == (
        "issued",
        officer,
        "Primera Comisaría de Concepción",
    )
    assert (document.kind, document.owner, document.holder_run) == ("voter_excuse", santiago_voter, santiago_voter.rut)
    assert document.folio.startswith("EXC-")
    assert response.json()["document_folio"] == document.folio
    facts = {fact["label"]: fact["value"] for fact in document.facts}
    assert facts["Distance to the polling station"] == "431,8 km"
    assert facts["Request folio"] == pending.folio
    assert [fact["label"] for fact in document.public_facts] == [
        "Election",
        "Election day",
        "Distance to the polling station",
        "Identity confirmed in person",
    ]
    # and it verifies on the public page
    assert document_verify(code_text=document.code).status == "valid"
    # and the voter got it by email, with the PDF attached
    [message] = mailbox.messages
    assert message["To"] == "voter@example.cl"
    assert message["Subject"] == f"Tu excusa electoral {document.folio}"
    [attachment] = list(message.iter_attachments())
    assert (attachment.get_filename(), attachment.get_content()[:5]) == (f"{document.folio}.pdf", b"%PDF-")


def test_a_different_run_on_the_card_issues_nothing(client_for, pending):
    officer = station_officer()

    response = client_for(officer).post(
        f"/api/station/elections/desk/{pending.folio}/confirm/", {"card_run": "11.111.111-1"}, format="json"
    )

    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {"card_run": [str(ERROR_RUN_MISMATCH)]}
    pending.refresh_from_db()
    assert (pending.status, pending.document) == ("pending", None)
    assert IssuedDocument.objects.count() == 0


def test_confirming_twice_is_refused(client_for, pending, santiago_voter):
    client = client_for(station_officer())
    url = f"/api/station/elections/desk/{pending.folio}/confirm/"
    client.post(url, {"card_run": santiago_voter.rut}, format="json")

    again = client.post(url, {"card_run": santiago_voter.rut}, format="json")

    assert again.status_code == 409
    assert again.json()["error"]["message"] == ERROR_ALREADY_ISSUED.format(folio=IssuedDocument.objects.get().folio)
    assert IssuedDocument.objects.count() == 1


def test_the_day_after_the_request_lapses_and_cannot_be_confirmed(client_for, pending, santiago_voter, at):
    # given the next day in Chile
    after = at(DAY_END + dt.timedelta(seconds=1))

    # when an officer tries to confirm it
    response = client_for(station_officer()).post(
        f"/api/station/elections/desk/{pending.folio}/confirm/", {"card_run": santiago_voter.rut}, format="json"
    )

    # then it is refused and nothing is issued
    assert (response.status_code, response.json()["error"]["code"]) == (409, "lapsed")
    assert response.json()["error"]["message"] == ERROR_LAPSED.format(date="27 de octubre de 2024")
    assert IssuedDocument.objects.count() == 0
    # and the nightly lapse marks it
    assert voter_excuses_lapse(now=after) == 1
    pending.refresh_from_db()
    assert (pending.status, pending.lapsed_at) == (VoterExcuseStatus.LAPSED, after)


def test_the_lapse_leaves_todays_requests_waiting(pending):
    assert voter_excuses_lapse(now=DAY_END) == 0
    pending.refresh_from_db()
    assert pending.status == "pending"


def test_the_desk_lists_only_todays_pending_requests(client_for, pending, at):
    client = client_for(station_officer())

    today = client.get("/api/station/elections/desk/").json()
    at(DAY_END + dt.timedelta(seconds=1))
    tomorrow = client.get("/api/station/elections/desk/").json()

    assert ([row["folio"] for row in today], tomorrow) == ([pending.folio], [])
    assert today[0]["voter_name"] == "Valentina Araya"


def test_a_voter_reads_their_own_requests_only(client_for, pending, santiago_voter):
    other = verified_citizen()

    mine = client_for(santiago_voter).get(f"/api/station/elections/excuses/{pending.folio}/")
    theirs = client_for(other).get(f"/api/station/elections/excuses/{pending.folio}/")

    assert (mine.status_code, mine.json()["status"]) == (200, "pending")
    assert theirs.status_code == 404
    assert client_for(other).get("/api/station/elections/excuses/").json() == []


def test_neighbors_cannot_use_the_desk(client_for, pending, santiago_voter):
    client = client_for(santiago_voter)

    assert client.get("/api/station/elections/desk/").status_code == 403
    response = client.post(
        f"/api/station/elections/desk/{pending.folio}/confirm/", {"card_run": santiago_voter.rut}, format="json"
    )
    assert response.status_code == 403
    assert IssuedDocument.objects.count() == 0


def test_the_election_day_constant_matches_the_window():
    assert (DAY_START.astimezone(dt.timezone(dt.timedelta(hours=-3))).date(), ELECTION_DAY) == (ELECTION_DAY,) * 2
