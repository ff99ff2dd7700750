"""The station pages through Django's test client: errors, drafts, a second submit, scope, the public check."""

import pytest

from backend.station.documents.codes import code_format
from backend.station.models import Complaint, FormDraft, IssuedDocument
from tests.factories import PrecinctFactory, UserFactory
from tests.factories.station import station_officer, verified_citizen

pytestmark = pytest.mark.django_db
FORM = "/comisaria/denuncias/simple_theft/"


@pytest.fixture
def precinct():
    return PrecinctFactory(column=0, name="El Bosque")


def answers(precinct, **overrides) -> dict:
    return {
        "occurred_at": "2025-05-02T21:30",
        "address": "Avenida Central 123",
        "comuna": precinct.code,
        "narrative": "Me sacaron la billetera.",
        "items-0-description": "Billetera",
        "items-0-value": "20.000",
        "reported_elsewhere": "false",
        "contact_email": "",
        "action": "file",
        **overrides,
    }


def test_the_services_page_lists_the_nine_complaints_and_nine_constancias(client):
    html = client.get("/comisaria/").content.decode()

    assert html.count('href="/comisaria/denuncias/') == 9
    assert html.count('href="/comisaria/constancias/') == 9
    assert "Ingresar con ClaveÚnica" in html
    assert '<html lang="es-cl">' in html


def test_the_services_page_in_english(client):
    client.cookies["django_language"] = "en"
    html = client.get("/comisaria/").content.decode()
    assert "Sign in with ClaveÚnica" in html
    assert "Simple theft (hurto simple)" in html


def test_an_unverified_account_is_asked_to_use_claveunica(client, precinct):
    client.force_login(UserFactory())

    response = client.get(FORM)

    assert response.status_code == 403
    assert "/claveunica/authenticate/?next=/comisaria/denuncias/simple_theft/" in response.content.decode()


def test_a_form_with_errors_shows_a_linked_summary_and_keeps_the_answers_but_files_nothing(client, precinct):
    client.force_login(verified_citizen())

    response = client.post(FORM, answers(precinct, narrative="", occurred_at="2099-01-01T10:00"))

    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="error-summary"' in html
    assert 'href="#id_narrative"' in html
    assert 'href="#id_occurred_at"' in html
    assert "La fecha no puede ser futura." in html
    assert 'value="Avenida Central 123"' in html
    assert Complaint.objects.count() == 0


def test_save_and_continue_later_keeps_a_draft_that_the_form_fills_back(client, precinct):
    citizen = verified_citizen()
    client.force_login(citizen)

    saved = client.post(FORM, {**answers(precinct), "action": "save"})
    page = client.get(FORM).content.decode()

    assert saved.status_code == 302
    assert FormDraft.objects.get(user=citizen).data["narrative"] == "Me sacaron la billetera."
    assert "Me sacaron la billetera." in page
    assert Complaint.objects.count() == 0


def test_sending_the_same_form_twice_files_one_complaint(client, precinct):
    citizen = verified_citizen()
    client.force_login(citizen)
    page = client.get(FORM).content.decode()
    key = page.split('name="submission_key" value="', 1)[1].split('"', 1)[0]

    first = client.post(FORM, {**answers(precinct), "submission_key": key})
    # the back button brings back the same page; the draft still holds the same key
    FormDraft.objects.update_or_create(
        user=citizen, form="complaint:simple_theft", defaults={"submission_key": key, "data": {}}
    )
    second = client.post(FORM, {**answers(precinct), "submission_key": key})

    assert first.status_code == 302
    assert second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Complaint.objects.count() == 1
    confirmation = client.get(first["Location"]).content.decode()
    folio = Complaint.objects.get().folio
    assert "Recibimos tu denuncia" in confirmation
    assert folio in confirmation
    assert "Qué pasa ahora" in confirmation
    assert 'src="data:image/svg+xml' in confirmation


def test_another_person_cannot_open_my_receipt(client, precinct):
    owner = verified_citizen()
    client.force_login(owner)
    client.post(FORM, answers(precinct))
    folio = Complaint.objects.get().folio

    client.force_login(verified_citizen())

    assert client.get(f"/comisaria/documentos/{folio}/").status_code == 404
    assert client.get(f"/comisaria/documentos/{folio}/pdf/").status_code == 404


def test_the_pdf_link_says_it_is_being_prepared_until_the_worker_renders_it(client, precinct):
    client.force_login(verified_citizen())
    client.post(FORM, answers(precinct))
    folio = Complaint.objects.get().folio

    response = client.get(f"/comisaria/documentos/{folio}/pdf/")

    assert response.status_code == 202
    assert "Preparando tu PDF" in response.content.decode()


def test_an_officer_decides_on_the_page_and_another_precinct_cannot_see_it(client, precinct):
    client.force_login(verified_citizen())
    client.post(FORM, answers(precinct))
    folio = Complaint.objects.get().folio
    officer, stranger = station_officer([precinct]), station_officer([PrecinctFactory(column=3)])

    client.force_login(stranger)
    assert folio not in client.get("/comisaria/revision/").content.decode()
    assert client.get(f"/comisaria/revision/{folio}/").status_code == 404

    client.force_login(officer)
    assert folio in client.get("/comisaria/revision/").content.decode()
    refused = client.post(f"/comisaria/revision/{folio}/", {"action": "reject", "note": ""})
    assert refused.status_code == 400
    accepted = client.post(f"/comisaria/revision/{folio}/", {"action": "accept", "note": ""})
    assert accepted.status_code == 302
    assert Complaint.objects.get().status == "accepted"


def test_a_neighbor_cannot_open_the_review_queue(client):
    client.force_login(verified_citizen())
    assert client.get("/comisaria/revision/").status_code == 403


def test_the_public_page_shows_what_is_certified_and_never_the_full_run_or_address(client, precinct):
    citizen = verified_citizen()
    client.force_login(citizen)
    client.post(FORM, answers(precinct))
    document = IssuedDocument.objects.get()
    client.logout()

    html = client.get(f"/verificar/?codigo={code_format(document.code).lower()}").content.decode()
    followed = client.get(f"/verificar/{code_format(document.code).lower()}/").content.decode()

    assert client.get(f"/verificar/?codigo={document.code}").status_code == 302
    assert html == ""
    assert "Este documento es válido." in followed
    assert document.folio in followed
    assert "El Bosque" in followed
    assert citizen.rut not in followed
    assert "Avenida Central" not in followed
    assert "billetera" not in followed.lower()
