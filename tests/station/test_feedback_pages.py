"""The feedback pages through Django's test client: errors, a second submit, who may open what, English."""

import pytest

from backend.station.models import FeedbackStatus, OfficerFeedback
from tests.factories import PrecinctFactory, UserFactory
from tests.factories.station import station_officer, verified_citizen
from tests.factories.station_feedback import commander_of

pytestmark = pytest.mark.django_db
FORM = "/comisaria/reclamos-y-felicitaciones/"
KEY = "00000000-0000-4000-8000-00000000f00d"


@pytest.fixture
def precinct():
    return PrecinctFactory(column=0, code="13109", name="La Cisterna")


def answers(place, **overrides) -> dict:
    return {
        "submission_key": KEY,
        "kind": "commendation",
        "precinct": place.code,
        "lat": "",
        "lon": "",
        "occurred_at": "2025-05-02T21:30",
        "officer_name": "Carla Pizarro",
        "narrative": "La sargento me ayudó a encontrar a mi hijo perdido en la feria.",
        "contact_email": "",
        **overrides,
    }


def test_a_form_with_errors_shows_a_linked_summary_keeps_the_answers_and_files_nothing(client, precinct):
    client.force_login(verified_citizen())

    response = client.post(FORM, answers(precinct, narrative="", precinct="", kind=""))

    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="error-summary"' in html
    assert 'href="#id_narrative"' in html
    assert 'href="#id_precinct"' in html
    assert 'href="#id_kind_complaint"' in html
    assert 'value="Carla Pizarro"' in html
    assert f'value="{KEY}"' in html
    assert OfficerFeedback.objects.count() == 0


def test_sending_the_form_twice_files_once_and_shows_the_folio(client, precinct):
    client.force_login(verified_citizen())

    first = client.post(FORM, answers(precinct))
    second = client.post(FORM, answers(precinct))

    feedback = OfficerFeedback.objects.get()
    assert feedback.folio.startswith("FEL-")
    assert first["Location"] == second["Location"] == f"{FORM}{feedback.folio}/?nuevo=1"
    html = client.get(first["Location"]).content.decode()
    assert "Recibimos tu felicitación" in html
    assert feedback.folio in html
    assert "Recibido" in html


def test_anonymous_people_log_in_and_unverified_accounts_are_asked_for_claveunica(client, precinct):
    assert client.get(FORM)["Location"].startswith("/accounts/login/?next=")
    client.force_login(UserFactory())
    response = client.get(FORM)
    assert response.status_code == 403
    assert "/claveunica/authenticate/" in response.content.decode()


def test_another_persons_filing_is_not_found(client, precinct):
    client.force_login(verified_citizen())
    client.post(FORM, answers(precinct))
    folio = OfficerFeedback.objects.get().folio

    client.force_login(verified_citizen())
    assert client.get(f"{FORM}{folio}/").status_code == 404
    assert folio not in client.get(f"{FORM}mios/").content.decode()


def test_the_queue_is_for_commanders_of_the_precinct(client, precinct):
    client.force_login(verified_citizen())
    client.post(FORM, answers(precinct))
    folio = OfficerFeedback.objects.get().folio
    elsewhere = commander_of([PrecinctFactory(column=1)])

    client.force_login(station_officer([precinct]))
    assert client.get("/comisaria/mando/reclamos/").status_code == 403
    client.force_login(elsewhere)
    assert folio not in client.get("/comisaria/mando/reclamos/").content.decode()
    assert client.get(f"/comisaria/mando/reclamos/{folio}/").status_code == 404
    assert client.post(f"/comisaria/mando/reclamos/{folio}/", {"action": "start_review"}).status_code == 404
    assert OfficerFeedback.objects.get().status == FeedbackStatus.RECEIVED
    client.force_login(commander_of([precinct]))
    assert folio in client.get("/comisaria/mando/reclamos/").content.decode()


def test_an_answer_without_text_is_refused_on_the_page(client, precinct):
    client.force_login(verified_citizen())
    client.post(FORM, answers(precinct))
    folio = OfficerFeedback.objects.get().folio
    client.force_login(commander_of([precinct]))

    response = client.post(f"/comisaria/mando/reclamos/{folio}/", {"action": "answer", "note": " "})

    assert response.status_code == 400
    assert "Escribe la respuesta; la leerá quien nos escribió." in response.content.decode()
    assert OfficerFeedback.objects.get().status == FeedbackStatus.RECEIVED


def test_the_form_in_english(client, precinct):
    client.force_login(verified_citizen())
    client.cookies["django_language"] = "en"

    html = client.get(FORM).content.decode()

    assert "Complaints and commendations about officers" in html
    assert "Commendation of an officer" in html
    assert '<html lang="en">' in html


def test_the_services_page_links_to_the_form(client):
    assert f'href="{FORM}"' in client.get("/comisaria/").content.decode()


def test_the_admin_lists_feedback_and_shows_its_history_read_only(client, precinct):
    client.force_login(verified_citizen())
    client.post(FORM, answers(precinct))
    feedback = OfficerFeedback.objects.get()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    listing = client.get("/admin/station/officerfeedback/")
    page = client.get(f"/admin/station/officerfeedback/{feedback.id}/change/")

    assert listing.status_code == page.status_code == 200
    assert feedback.folio in listing.content.decode()
    assert "Carla Pizarro" in page.content.decode()
    assert client.get("/admin/station/officerfeedback/add/").status_code == 403
