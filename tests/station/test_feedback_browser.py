"""Feedback about officers in a real Chromium: a citizen writes a complaint, finds it among theirs, the
precinct's commander reviews and answers it, and the citizen reads the answer."""

import pytest
from playwright.sync_api import expect

from backend.station.models import OfficerFeedback
from tests.factories import PrecinctFactory
from tests.factories.station import verified_citizen
from tests.factories.station_feedback import commander_of
from tests.plugins.browser import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_a_citizen_complains_about_an_officer_and_the_commander_answers(browser_context, screenshot):
    # given two precincts, the commander of La Pintana, and a verified citizen on a phone
    PrecinctFactory(column=0, code="13109", name="La Cisterna")
    precinct = PrecinctFactory(column=1, code="13112", name="La Pintana")
    commander = commander_of([precinct], first_name="Rodrigo", last_name="Soto")
    citizen = verified_citizen(email="valentina@example.cl")
    page = browser_context(citizen, viewport=PHONE).new_page()

    # when they open the form from the services and send it without saying what happened
    page.goto("/comisaria/")
    page.get_by_role("link", name="Escribir un reclamo o una felicitación").click()
    page.get_by_label("Reclamo sobre un funcionario").check()
    page.get_by_label("Comisaría involucrada").select_option(precinct.code)
    page.get_by_label("Cuándo ocurrió").fill("2025-05-02T21:30")
    page.get_by_label("Nombre del funcionario, si lo sabes").fill("Juan Pérez")
    page.get_by_role("button", name="Enviar", exact=True).click()

    # then the error summary gets the focus and links to the missing answer, and nothing was filed
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Qué pasó")
    assert OfficerFeedback.objects.count() == 0
    summary.get_by_role("link").first.click()
    expect(page.locator("#id_narrative")).to_be_focused()

    # when they write what happened and send it
    page.locator("#id_narrative").fill("Se negó a tomarme la denuncia y me gritó.")
    page.get_by_role("button", name="Enviar", exact=True).click()

    # then they see the folio and what happens next
    expect(page.get_by_role("heading", name="Recibimos tu reclamo")).to_be_visible()
    feedback = OfficerFeedback.objects.get()
    expect(page.locator("#folio")).to_have_text(feedback.folio)
    expect(page.locator("#feedback-status")).to_have_text("Recibido")
    expect(page.locator("#next-step")).to_contain_text("El comisario de la comisaría involucrada")
    screenshot(page, "feedback-confirmation", full_page=True)

    # and find it among theirs
    page.get_by_role("link", name="Ver lo que he enviado").click()
    expect(page.locator(f'[data-folio="{feedback.folio}"]')).to_contain_text("La Pintana")
    expect(page.locator(f'[data-folio="{feedback.folio}"] .status')).to_have_text("Recibido")

    # when the commander opens the queue, starts the review, tries to answer empty, then answers
    desk = browser_context(commander).new_page()
    desk.goto("/comisaria/mando/reclamos/")
    desk.get_by_role("link", name=feedback.folio).click()
    expect(desk.get_by_text("Juan Pérez")).to_be_visible()
    desk.get_by_role("button", name="Comenzar la revisión").click()
    expect(desk.locator("#feedback-status")).to_have_text("En revisión")
    desk.get_by_role("button", name="Enviar la respuesta").click()
    expect(desk.locator("#error-summary")).to_be_focused()
    expect(desk.locator("#error-summary")).to_contain_text("Escribe la respuesta")
    answer = "Lamentamos lo ocurrido. El funcionario fue citado y se abrió un sumario."
    desk.get_by_label("Respuesta o nota para quien escribió").fill(answer)
    desk.get_by_role("button", name="Enviar la respuesta").click()
    expect(desk.locator("#feedback-status")).to_have_text("Respondido")
    screenshot(desk, "feedback-review", full_page=True)

    # and closes it, after which it leaves the queue
    desk.get_by_role("button", name="Cerrar el caso").click()
    expect(desk.locator("#feedback-status")).to_have_text("Cerrado")
    desk.get_by_role("link", name="Volver a la lista").click()
    expect(desk.get_by_role("status")).to_have_text("No hay reclamos ni felicitaciones abiertos.")

    # then the citizen reads the answer and every step
    page.get_by_role("link", name=feedback.folio).click()
    expect(page.locator("#feedback-status")).to_have_text("Cerrado")
    expect(page.locator("#feedback-answer")).to_have_text(answer)
    expect(page.locator(".history li")).to_have_count(4)
    screenshot(page, "feedback-answered", full_page=True)
    for context_page in (page, desk):
        assert context_page.context.problems == []


def test_the_place_can_be_marked_on_the_map_instead_of_chosen(browser_context):
    # given one precinct, and a citizen on the form who first chose it from the list
    precinct = PrecinctFactory(column=0, code="13109", name="La Cisterna")
    page = browser_context(verified_citizen()).new_page()
    page.goto("/comisaria/reclamos-y-felicitaciones/?tipo=commendation")
    page.get_by_label("Comisaría involucrada").select_option(precinct.code)
    expect(page.locator(".precinct-label")).to_have_text("La Cisterna")

    # when they click the middle of the map (the precinct, fitted to the map)
    page.locator("#place-map").click()

    # then the point is set, the list is cleared (the point decides), and the status says so
    expect(page.locator("#place-status")).to_have_text("Lugar marcado en el mapa. Al enviar buscamos su comisaría.")
    expect(page.get_by_label("Comisaría involucrada")).to_have_value("")
    assert page.locator("#id_lat").input_value() != ""

    # and the commendation sent with it is routed to that precinct
    page.get_by_label("Cuándo ocurrió").fill("2025-05-02T21:30")
    page.locator("#id_narrative").fill("El cabo me ayudó a cruzar con mi silla de ruedas.")
    page.get_by_role("button", name="Enviar", exact=True).click()
    expect(page.get_by_role("heading", name="Recibimos tu felicitación")).to_be_visible()
    feedback = OfficerFeedback.objects.get()
    assert (feedback.kind, feedback.precinct, feedback.location is not None) == ("commendation", precinct, True)
    assert page.context.problems == []
