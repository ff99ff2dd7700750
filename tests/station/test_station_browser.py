"""The Comisaría Virtual in a real Chromium: sign in with ClaveÚnica, file, review, follow, download, verify."""

import time

import pytest
from playwright.sync_api import expect

from backend.station.documents.codes import code_format
from backend.station.models import Complaint, IssuedDocument
from tests.factories import PrecinctFactory
from tests.factories.station import station_officer
from tests.plugins.browser import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]
WORKER_DEADLINE_SECONDS = 30


def wait_for(condition, *, timeout: float = WORKER_DEADLINE_SECONDS):
    """Wait for the Celery worker's result (a bound on waiting, not a speed assertion)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("The worker did not finish in time.")


def test_a_citizen_signs_in_with_claveunica_files_a_complaint_an_officer_accepts_it_and_it_verifies(
    browser_context, celery_worker, mailbox, screenshot
):
    # given a precinct and its station officer
    precinct = PrecinctFactory(column=0, name="La Pintana")
    officer = station_officer([precinct], first_name="Carla", last_name="Pizarro")

    # when a citizen on a phone signs in with ClaveÚnica as 44.444.444-4
    citizen = browser_context(viewport=PHONE)
    page = citizen.new_page()
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Ingresar con ClaveÚnica").click()
    expect(page.get_by_role("heading", name="ClaveÚnica de prueba")).to_be_visible()
    page.get_by_role("button", name="María José González Soto · RUN 44.444.444-4").click()
    page.wait_for_url("**/comisaria/")
    expect(page.get_by_role("heading", name="Comisaría Virtual", exact=True)).to_be_visible()
    screenshot(page, "station-services", full_page=True)

    # and opens the simple-theft form and sends it without saying what happened
    page.get_by_role("link", name="Hurto simple").click()
    page.get_by_label("Cuándo ocurrió").fill("2025-05-02T21:30")
    page.get_by_label("Dirección").fill("Santa Rosa 12000")
    page.get_by_label("Comuna", exact=True).select_option(precinct.code)
    page.get_by_label("Cosa 1", exact=True).fill("Teléfono celular")
    page.get_by_label("Valor de la cosa 1 (pesos)").fill("120000")
    page.get_by_label("No, es la primera vez").check()
    page.get_by_label("Correo para avisarte").fill("maria@example.cl")
    page.get_by_role("button", name="Enviar denuncia").click()

    # then the error summary gets the focus and links to the missing field, and nothing was filed
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Qué pasó")
    assert Complaint.objects.count() == 0
    summary.get_by_role("link").first.click()
    expect(page.locator("#id_narrative")).to_be_focused()

    # when they write what happened and send it (twice, as an impatient double click would)
    page.locator("#id_narrative").fill("Me arrebataron el celular en el paradero.")
    page.get_by_role("button", name="Enviar denuncia").dblclick()

    # then the confirmation shows the folio and what happens next, and one complaint exists
    expect(page.get_by_role("heading", name="Recibimos tu denuncia")).to_be_visible()
    complaint = Complaint.objects.get()
    expect(page.locator("#folio")).to_have_text(complaint.folio)
    expect(page.locator("#next-step")).to_contain_text("El personal de tu comisaría")
    expect(page.locator("#complaint-status")).to_have_text("Recibida")
    screenshot(page, "station-confirmation", full_page=True)

    # when the officer opens the queue and accepts it
    desk = browser_context(officer).new_page()
    desk.goto("/comisaria/revision/")
    desk.get_by_role("link", name=complaint.folio).click()
    desk.get_by_role("button", name="Aceptar").click()
    expect(desk.locator("#complaint-status")).to_have_text("Aceptada")
    screenshot(desk, "station-review")

    # then the citizen sees the new status and got an email for the filing and for the acceptance
    page.reload()
    expect(page.locator("#complaint-status")).to_have_text("Aceptada")
    wait_for(lambda: len(mailbox.messages) >= 2)
    subjects = sorted(message["Subject"] for message in mailbox.messages)
    assert subjects == [f"Tu denuncia {complaint.folio}: Aceptada", f"Tu denuncia {complaint.folio}: Recibida"]

    # and they download the PDF once the worker has rendered it
    wait_for(lambda: IssuedDocument.objects.filter(id=complaint.document_id).exclude(pdf="").exists())
    with page.expect_download() as download:
        page.get_by_role("link", name="Descargar el PDF").click()
    assert download.value.suggested_filename == f"{complaint.folio}.pdf"

    # and anyone can check it on the public page, typing the code in lower case
    public = browser_context().new_page()
    public.goto("/verificar/")
    public.get_by_label("Código de verificación").fill(code_format(complaint.document.code).lower())
    public.get_by_role("button", name="Verificar").click()
    result = public.locator("#verification-result")
    expect(result).to_have_attribute("data-status", "valid")
    expect(result).to_contain_text("Este documento es válido.")
    expect(result).to_contain_text(complaint.folio)
    expect(result).not_to_contain_text("Santa Rosa")
    screenshot(public, "station-verified")
    for context_page in (page, desk, public):
        assert context_page.context.problems == []
