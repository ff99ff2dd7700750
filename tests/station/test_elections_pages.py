"""The voter-excuse pages without a browser: what the server renders for each state, in Spanish and English."""

import datetime as dt

import pytest

from backend.station.elections import clock
from backend.station.models import IssuedDocument, VoterExcuse
from tests.factories.station import station_officer, verified_citizen
from tests.factories.station_elections import CONCEPCION, SOUTH_150_KM, election, polling_station, registered_voter

pytestmark = pytest.mark.django_db
NOON = dt.datetime(2024, 10, 27, 15, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def election_noon(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOON)


@pytest.fixture
def voter():
    election()
    return registered_voter(polling_station())


def test_the_form_shows_the_polling_station(client, voter):
    client.force_login(voter)

    page = client.get("/comisaria/excusa-electoral/").content.decode()

    assert "Instituto Nacional · Alameda 1667, Santiago" in page
    assert "Hoy es día de elección (Elecciones Municipales 2024)" in page


def test_without_an_election_today_the_page_says_when_the_next_one_is(client):
    election(dt.date(2025, 11, 16), name="Elección Presidencial 2025")
    client.force_login(verified_citizen())

    page = client.get("/comisaria/excusa-electoral/").content.decode()

    assert "La próxima es Elección Presidencial 2025, el 16 de noviembre de 2025." in page
    assert 'id="excuse-form"' not in page


def test_a_refusal_at_150_km_is_shown_in_the_error_summary_and_nothing_is_filed(client, voter):
    client.force_login(voter)

    response = client.post(
        "/comisaria/excusa-electoral/",
        {"lat": SOUTH_150_KM[0], "lon": SOUTH_150_KM[1], "position_source": "map", "contact_email": "v@example.cl"},
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="error-summary"' in page
    assert "Estás a 150,0 km de Instituto Nacional (Santiago)." in page
    assert '<a href="#id_lat">Dónde estás ahora: Para excusarte debes estar a más de 200 km' in page
    assert VoterExcuse.objects.count() == 0


def test_the_form_in_english(client, voter):
    client.force_login(voter)
    client.cookies["django_language"] = "en"

    response = client.post(
        "/comisaria/excusa-electoral/",
        {"lat": SOUTH_150_KM[0], "lon": SOUTH_150_KM[1], "position_source": "map", "contact_email": "v@example.cl"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert "You are 150.0 km from Instituto Nacional (Santiago)." in response.content.decode()


def test_filing_redirects_to_the_status_page_and_a_second_visit_goes_there_too(client, voter):
    client.force_login(voter)

    response = client.post(
        "/comisaria/excusa-electoral/",
        {"lat": CONCEPCION[0], "lon": CONCEPCION[1], "position_source": "device", "contact_email": "v@example.cl"},
    )

    excuse = VoterExcuse.objects.get()
    assert response.status_code == 302
    assert response.url == f"/comisaria/excusa-electoral/{excuse.folio}/?nuevo=1"
    assert client.get("/comisaria/excusa-electoral/").url == f"/comisaria/excusa-electoral/{excuse.folio}/"
    status = client.get(response.url).content.decode()
    assert "Te esperamos en una unidad policial" in status
    assert "431,8 km" in status


def test_the_desk_is_for_officers_only(client, voter):
    client.force_login(voter)

    assert client.get("/comisaria/excusas/").status_code == 403


def test_an_officer_confirms_on_the_desk_page(client, voter):
    client.force_login(voter)
    client.post(
        "/comisaria/excusa-electoral/",
        {"lat": CONCEPCION[0], "lon": CONCEPCION[1], "position_source": "map", "contact_email": "v@example.cl"},
    )
    excuse = VoterExcuse.objects.get()
    client.force_login(station_officer())

    wrong = client.post(f"/comisaria/excusas/{excuse.folio}/", {"card_run": "11.111.111-1"})
    right = client.post(f"/comisaria/excusas/{excuse.folio}/", {"card_run": voter.rut}, follow=True)

    assert wrong.status_code == 400
    assert "El RUN de la cédula no coincide con el de la solicitud." in wrong.content.decode()
    document = IssuedDocument.objects.get()
    assert f"Excusa {document.folio} emitida. La enviamos a v@example.cl." in right.content.decode()


def test_the_service_catalogue_describes_the_voter_excuse_and_reunification(client):
    catalogue = client.get("/api/station/services/").json()

    assert (catalogue["voter_excuse"]["title"], catalogue["voter_excuse"]["minimum_meters"]) == (
        "Excusa electoral",
        200_000,
    )
    assert [field["name"] for field in catalogue["voter_excuse"]["fields"]] == [
        "lat",
        "lon",
        "position_source",
        "contact_email",
    ]
    relationship = next(field for field in catalogue["reunification"]["fields"] if field["name"] == "relationship")
    assert relationship["choices"][0] == {"value": "parent", "label": "Mi madre o mi padre"}
