"""Anonymous tips in a real Chromium: send one, keep the code, an officer answers, the tipster reads and replies."""

import time

import pytest
from playwright.sync_api import expect

from backend.alerts.models import Alert
from backend.station.models import Tip, TipMessage
from tests.factories import PrecinctFactory
from tests.factories.station import station_officer
from tests.factories.station_tips import tip_sent
from tests.plugins.browser import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]
WORKER_DEADLINE_SECONDS = 30


def wait_for(condition, *, timeout: float = WORKER_DEADLINE_SECONDS):
    """Wait for the Celery worker's result (a bound on waiting, not a speed assertion)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.2)
    raise AssertionError("The worker did not finish in time.")


def test_a_neighbour_sends_a_tip_an_officer_replies_and_the_tipster_reads_it_with_the_code(
    browser_context, celery_worker, screenshot
):
    # given a precinct and its station officer
    precinct = PrecinctFactory(column=0, name="La Pintana")
    officer = station_officer([precinct], first_name="Carla", last_name="Pizarro")

    # when a neighbour on a phone opens the tip form and sends it without writing what they know
    neighbour = browser_context(viewport=PHONE)
    page = neighbour.new_page()
    page.goto("/comisaria/")
    # (the services page sets a CSRF cookie; from here on, the tip pages set none)
    neighbour.clear_cookies()
    page.get_by_role("link", name="Enviar una denuncia anónima").click()
    expect(page.get_by_role("heading", name="Denuncia anónima", exact=True)).to_be_visible()
    page.get_by_label("Drogas").check()
    page.get_by_label("Comuna", exact=True).select_option(precinct.code)
    page.get_by_role("button", name="Enviar la denuncia").click()

    # then the error summary takes the focus and names the missing answer; nothing was stored
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Lo que sabes")
    assert Tip.objects.count() == 0
    summary.get_by_role("link").first.click()
    expect(page.locator("#id_text")).to_be_focused()

    # when they write it and send it (with an impatient double click)
    page.locator("#id_text").fill("Venden droga en la plaza de noche, un auto rojo trae la mercadería.")
    page.get_by_label("Está pasando ahora").check()
    page.get_by_role("button", name="Enviar la denuncia").dblclick()

    # then they see their receipt code, once, and one tip exists, and the browser holds no cookie
    expect(page.get_by_role("heading", name="Recibimos tu denuncia")).to_be_visible()
    code = page.locator("#receipt-code").inner_text()
    assert len(code.replace("-", "")) == 28
    tip = Tip.objects.get()
    assert (tip.precinct_id, tip.urgency, tip.category) == (precinct.id, "immediate", "drugs")
    assert neighbour.cookies() == []
    screenshot(page, "station-tip-receipt", full_page=True)

    # when the officer opens the queue, finds the tip and replies
    desk = browser_context(officer).new_page()
    desk.goto("/comisaria/revision/denuncias-anonimas/")
    desk.get_by_role("link", name=tip.reference).click()
    expect(desk.locator("#tip-text")).to_contain_text("auto rojo")
    desk.get_by_label("Mensaje", exact=True).fill("Gracias. ¿Sabes la patente del auto?")
    desk.get_by_label("Hacer una pregunta").check()
    desk.get_by_role("button", name="Enviar al denunciante").click()
    expect(desk.get_by_role("status").first).to_contain_text("Enviado")
    expect(desk.locator("#tip-status")).to_have_attribute("data-status", "waiting_for_tipster")

    # and the officer triages it (urgency high, being looked into)
    desk.locator("#id_status").select_option("in_review")
    desk.locator("#id_urgency").select_option("high")
    desk.get_by_role("button", name="Guardar la clasificación").click()
    expect(desk.locator("#tip-urgency")).to_have_attribute("data-urgency", "high")
    expect(desk.locator("#tip-status")).to_have_attribute("data-status", "in_review")
    screenshot(desk, "station-tip-review", full_page=True)

    # then the tipster, with the code typed in lower case, reads the question and answers it
    page.get_by_role("link", name="Ir al buzón").click()
    page.get_by_label("Código de seguimiento").fill(code.lower())
    page.get_by_role("button", name="Abrir el buzón").click()
    messages = page.locator("#tip-messages")
    expect(messages).to_contain_text("Pregunta de Carabineros")
    expect(messages).to_contain_text("¿Sabes la patente del auto?")
    expect(messages).not_to_contain_text("Pizarro")
    page.get_by_label("Tu mensaje").fill("Empieza con BC, termina en 12.")
    page.get_by_role("button", name="Enviar el mensaje").click()
    expect(page.locator("#answer-sent")).to_be_visible()
    expect(messages).to_contain_text("Empieza con BC")
    assert TipMessage.objects.filter(author="tipster").count() == 1
    screenshot(page, "station-tip-mailbox", full_page=True)

    # and the officer sees the answer and forwards the tip to dispatch, where the worker makes one alert
    desk.reload()
    expect(desk.locator("#tip-messages")).to_contain_text("Empieza con BC")
    desk.get_by_label("Lo que lee la central").fill("Venta de droga en la plaza; auto rojo patente BC..12.")
    desk.get_by_role("button", name="Derivar como alerta").click()
    expect(desk.locator("#forwarded")).to_be_visible()
    alert = wait_for(lambda: Alert.objects.first())
    assert (Alert.objects.count(), alert.precinct_id, alert.category.code) == (1, precinct.id, "drugs")
    assert "auto rojo patente" in alert.description

    # and a wrong code shows the same page as a code of no tip
    public = browser_context().new_page()
    public.goto("/comisaria/denuncia-anonima/buzon/")
    public.get_by_label("Código de seguimiento").fill(code[:-1] + ("0" if code[-1] != "0" else "1"))
    public.get_by_role("button", name="Abrir el buzón").click()
    expect(public.locator("#error-summary")).to_be_focused()
    expect(public.locator("#error-summary")).to_contain_text("Ninguna denuncia se abre con este código")
    for each in (page, desk, public):
        assert each.context.problems == []


def test_the_tip_pages_work_in_english_without_a_cookie(browser_context):
    PrecinctFactory(column=0, name="San Miguel")
    page = browser_context(locale="en-US").new_page()

    page.goto("/comisaria/denuncia-anonima/")
    expect(page.get_by_role("heading", name="Anonymous tip", exact=True)).to_be_visible()
    page.get_by_label("Language").select_option("es-cl")
    page.get_by_role("button", name="Change").click()
    expect(page.get_by_role("heading", name="Denuncia anónima", exact=True)).to_be_visible()
    page.get_by_label("Crimen organizado").check()
    page.get_by_label("Lo que sabes").fill("Cobran protección a los almacenes del sector.")
    page.get_by_role("button", name="Enviar la denuncia").click()
    expect(page.get_by_role("heading", name="Recibimos tu denuncia")).to_be_visible()
    assert page.context.cookies() == []
    assert Tip.objects.get().precinct_id is None


def test_an_officer_places_a_tip_that_came_with_no_place_on_the_map_and_forwards_it(
    browser_context, celery_worker, screenshot
):
    # given a tip that names no place, and the station officer of La Pintana
    precinct = PrecinctFactory(column=0, name="La Pintana")
    PrecinctFactory(column=1, name="El Bosque")
    officer = station_officer([precinct], first_name="Carla", last_name="Pizarro")
    tip, _code = tip_sent(text="Venden droga en la plaza de noche.")

    # when the officer opens it from the queue's "no place" list, they cannot forward it yet
    desk = browser_context(officer).new_page()
    desk.goto("/comisaria/revision/denuncias-anonimas/?precinct=none")
    desk.get_by_role("link", name=tip.reference).click()
    expect(desk.get_by_role("heading", name="Fijar el lugar")).to_be_visible()
    expect(desk.get_by_role("button", name="Derivar como alerta")).to_have_count(0)

    # and they click a point of their precinct on the map (which opens on their precincts) and save it
    place_map = desk.locator("#place-map")
    expect(place_map).to_have_attribute("data-ready", "true")
    box = place_map.bounding_box()
    place_map.click(position={"x": box["width"] / 2 + 8, "y": box["height"] / 2 + 8})
    expect(desk.locator("#place-status")).to_contain_text("Punto marcado en el mapa")
    expect(desk.get_by_label("Latitud")).not_to_have_value("")
    screenshot(desk, "station-tip-place", full_page=True)
    desk.get_by_role("button", name="Guardar el lugar").click()

    # then the tip is La Pintana's, at that point, and the place section is gone
    expect(desk.get_by_role("status").first).to_contain_text("Lugar guardado")
    expect(desk.get_by_text("La Pintana", exact=True)).to_be_visible()
    expect(desk.get_by_role("heading", name="Fijar el lugar")).to_have_count(0)
    tip.refresh_from_db()
    assert tip.precinct_id == precinct.id
    assert precinct.boundary.contains(tip.location)
    screenshot(desk, "station-tip-placed", full_page=True)

    # when they forward it, dispatch gets one alert of La Pintana at that point
    desk.get_by_label("Lo que lee la central").fill("Venta de droga en la plaza, de noche.")
    desk.get_by_role("button", name="Derivar como alerta").click()
    expect(desk.locator("#forwarded")).to_be_visible()
    expect(desk.locator("#tip-status")).to_have_attribute("data-status", "forwarded")
    alert = wait_for(lambda: Alert.objects.first())
    assert (Alert.objects.count(), alert.precinct_id) == (1, precinct.id)
    assert alert.location.distance(tip.location) < 1e-6
    assert desk.context.problems == []
