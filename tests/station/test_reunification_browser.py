"""Family reunification in a real Chromium: the request form (an error, then filed), my requests, and the officer's
queue and request page with every action (a step, found, consent; not found; refusal), and what the requester then
reads: only the consented details, or only "closed"."""

import pytest
from playwright.sync_api import expect

from backend.station.models import ReunificationRequest
from tests.factories import PrecinctFactory
from tests.factories.station import station_officer, verified_citizen
from tests.factories.station_reunification import reunification_request

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]
FOUND_PLACE = "Vive en Lonquimay, sector Malalcahuello"


def test_a_requester_files_an_officer_searches_the_person_consents_and_the_requester_reads_what_they_shared(
    browser_context, screenshot
):
    # given the precinct of Temuco and its officer
    temuco = PrecinctFactory(column=0, code="09101", name="Temuco")
    officer = station_officer([temuco], first_name="Sargento", last_name="Huenchul")
    requester = verified_citizen(first_name="Jorge", last_name="Muñoz")

    # when the requester opens the service and sends the form without confirming the person is not missing
    page = browser_context(requester).new_page()
    page.goto("/comisaria/")
    page.get_by_role("link", name="Pedir que busquemos a alguien").click()
    page.get_by_label("Nombre completo de la persona que buscas").fill("Rosa Elena Muñoz Pérez")
    page.get_by_label("Qué es de ti").select_option("sibling")
    page.get_by_label("Comuna del último lugar donde sabes que vivió").select_option("09101")
    page.get_by_label("Año de tu último contacto").fill("2009")
    page.get_by_label("Cómo perdieron el contacto").fill("Nos distanciamos tras la muerte de nuestra madre.")
    page.get_by_role("button", name="Enviar la solicitud").click()

    # then the error summary takes the focus and names it, and nothing is filed
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Este trámite es para contacto perdido por motivos personales.")
    assert ReunificationRequest.objects.count() == 0

    # when they tick it and send
    page.get_by_label("Esta persona no está desaparecida: perdimos el contacto por motivos personales.").check()
    page.get_by_role("button", name="Enviar la solicitud").click()

    # then they get a folio and see it in their requests
    expect(page.get_by_role("heading", name="Recibimos tu solicitud")).to_be_visible()
    request = ReunificationRequest.objects.get()
    expect(page.locator("#folio")).to_have_text(request.folio)
    expect(page.locator("#reunification-status")).to_have_text("Recibida")
    page.get_by_role("link", name="Ver mis solicitudes de reencuentro").click()
    expect(page.locator(f"[data-folio='{request.folio}'] .status")).to_have_text("Recibida")
    screenshot(page, "reunification-mine")

    # when the officer opens the queue, records a step, then that the person was found
    desk = browser_context(officer).new_page()
    desk.goto("/comisaria/")
    desk.get_by_role("link", name="Solicitudes de reencuentro", exact=True).click()
    desk.get_by_role("link", name=request.folio).click()
    desk.get_by_role("button", name="Registrar un paso de búsqueda").click()
    expect(desk.locator("#error-summary")).to_contain_text("Escribe qué se hizo")
    desk.get_by_label("Qué se hizo").fill("Consulta en el Registro Civil: domicilio en Lonquimay")
    desk.get_by_role("button", name="Registrar un paso de búsqueda").click()
    expect(desk.locator("#reunification-status")).to_have_text("En búsqueda")
    desk.get_by_label("Qué se hizo").fill(FOUND_PLACE)
    desk.get_by_role("button", name="La persona fue ubicada").click()
    expect(desk.locator("#reunification-status")).to_have_text("Ubicada: esperando su decisión")

    # then the requester still reads only "in progress", nothing of the search
    page.goto(f"/comisaria/reencuentro/{request.folio}/")
    expect(page.locator("#reunification-status")).to_have_text("En curso")
    expect(page.locator("body")).not_to_contain_text("Lonquimay")

    # when the person found consents to share an email and a message
    desk.get_by_label("Correo").fill("rosa.munoz@example.cl")
    desk.get_by_label("Su mensaje para el solicitante").fill("Me alegra que me busques. Escríbeme.")
    desk.get_by_role("button", name="Consiente: entregar estos datos").click()
    expect(desk.locator("#reunification-status")).to_have_text("Cerrada: aceptó compartir contacto")
    expect(desk.locator("#steps li")).to_have_count(3)
    screenshot(desk, "reunification-officer", full_page=True)

    # then the requester reads exactly those details, and nothing else about the person
    page.reload()
    expect(page.locator("#reunification-status")).to_have_text("Cerrada: la persona aceptó compartir contacto")
    expect(page.locator("#shared-details dt")).to_have_text(["Correo electrónico", "Su mensaje para ti"])
    message = "Me alegra que me busques. Escríbeme."
    expect(page.locator("#shared-details dd")).to_have_text(["rosa.munoz@example.cl", message])
    expect(page.locator("body")).not_to_contain_text("Lonquimay")
    expect(page.locator("body")).not_to_contain_text("Huenchul")
    screenshot(page, "reunification-shared")
    for context_page in (page, desk):
        assert context_page.context.problems == []


def test_a_refusal_and_a_search_that_found_no_one_read_the_same_to_the_requester(browser_context):
    # given two requests of one requester in Temuco
    temuco = PrecinctFactory(column=0, code="09101", name="Temuco")
    officer = station_officer([temuco])
    requester = verified_citizen()
    refused = reunification_request(temuco, requester)
    not_found = reunification_request(temuco, requester, sought_name="Pedro Muñoz Pérez")
    desk = browser_context(officer).new_page()

    # when the officer finds the first person, who refuses contact
    desk.goto(f"/comisaria/reencuentros/{refused.folio}/")
    desk.get_by_label("Qué se hizo").fill(FOUND_PLACE)
    desk.get_by_role("button", name="La persona fue ubicada").click()
    desk.get_by_label("Por teléfono").check()
    desk.get_by_label("Nota interna").fill("No quiere contacto con el solicitante")
    desk.get_by_role("button", name="Rechaza: no entregar nada").click()
    expect(desk.locator("#decision-summary")).to_contain_text("Rechazo: no se comparte nada · Por teléfono")

    # and ends the second search without finding anyone
    desk.goto(f"/comisaria/reencuentros/{not_found.folio}/")
    desk.get_by_label("Qué se hizo").fill("Sin registros en la comuna")
    desk.get_by_role("button", name="Terminar la búsqueda: no ubicada").click()
    expect(desk.locator("#reunification-status")).to_have_text("Cerrada: no ubicada")
    # and the next request for the same requester shows the refusal on record
    desk.goto(f"/comisaria/reencuentros/{not_found.folio}/")
    expect(desk.locator("#related-requests")).to_contain_text(
        f"{refused.folio} · Rosa Elena Muñoz Pérez · Cerrada: rechazó"
    )

    # then the requester reads "closed" for both, with the same words, and nothing about the person
    page = browser_context(requester).new_page()
    texts = []
    for request in (refused, not_found):
        page.goto(f"/comisaria/reencuentro/{request.folio}/")
        expect(page.locator("#reunification-status")).to_have_text("Cerrada")
        expect(page.locator("#shared-details")).to_have_count(0)
        texts.append(page.locator("#status-heading + p").inner_text())
        for secret in ("Lonquimay", "rechaz", "ubicada", "No quiere"):
            expect(page.locator("body")).not_to_contain_text(secret)
    assert texts[0] == texts[1]
    assert desk.context.problems == []
    assert page.context.problems == []
