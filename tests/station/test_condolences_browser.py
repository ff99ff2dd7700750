"""The condolence book in a real Chromium: a visitor without an account writes a message and is told it awaits
moderation; the precinct's station officer approves it; the visitor then finds it on the book."""

import pytest
from playwright.sync_api import expect

from backend.station.models import CondolenceMessage, CondolenceStatus
from tests.factories import PrecinctFactory
from tests.factories.station import station_officer
from tests.factories.station_condolences import condolence, fallen_officer
from tests.plugins.browser import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_a_visitor_writes_a_moderator_approves_and_the_message_is_on_the_book(browser_context, screenshot):
    # given the book of a sergeant of La Pintana and that precinct's station officer
    precinct = PrecinctFactory(column=0, name="La Pintana")
    book = fallen_officer(precinct)
    moderator = station_officer([precinct], first_name="Carla", last_name="Pizarro")
    # and a message that is spam, awaiting moderation
    spam = condolence(book, text="Préstamos rápidos sin aval en ejemplo.com", author_name="Bot")

    # when a visitor on a phone, not signed in, opens the book from the services
    page = browser_context(viewport=PHONE).new_page()
    page.goto("/comisaria/")
    page.get_by_role("link", name="Recuerda a los funcionarios muertos en acto de servicio y deja un mensaje").click()
    page.get_by_role("link", name="Sargento 2° Ana Rojas Fuentes").click()
    expect(page.locator("#no-condolences")).to_have_text("Este libro aún no tiene mensajes.")

    # and sends an empty message
    page.get_by_role("button", name="Enviar el mensaje").click()

    # then the error summary gets the focus and points at the message, and nothing was written
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Tu mensaje")
    assert list(CondolenceMessage.objects.all()) == [spam]
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Tu mensaje")).to_be_focused()

    # when they write it and sign it
    page.get_by_label("Tu mensaje").fill("Gracias, sargento, por cuidar nuestro barrio.")
    page.get_by_label("Tu nombre").fill("Vecinos de El Castillo")
    page.get_by_role("button", name="Enviar el mensaje").click()

    # then they are told it awaits moderation, and it is not on the book yet
    expect(page.locator("#message-status")).to_contain_text("Tu mensaje espera moderación")
    expect(page.locator("#condolences")).to_have_count(0)
    assert CondolenceMessage.objects.exclude(id=spam.id).get().status == CondolenceStatus.PENDING
    screenshot(page, "condolence-awaiting-moderation", full_page=True)

    # when the moderator opens the queue, rejects the spam and approves the visitor's message
    desk = browser_context(moderator).new_page()
    desk.goto("/comisaria/")
    desk.get_by_role("link", name="Moderar el libro de condolencias").click()
    desk.locator(".card", has_text="Préstamos rápidos").get_by_role("button", name="Rechazar").click()
    expect(desk.get_by_role("status").first).to_have_text("Rechazado: nadie lo leerá.")
    expect(desk.locator(".card", has_text="Préstamos rápidos")).to_have_count(0)
    card = desk.locator(".card", has_text="Gracias, sargento, por cuidar nuestro barrio.")
    expect(card).to_contain_text("Vecinos de El Castillo")
    card.get_by_role("button", name="Aprobar").click()
    expect(desk.get_by_role("status").first).to_have_text("Aprobado: el mensaje está en el libro.")
    expect(desk.locator("#moderation-empty")).to_be_visible()
    screenshot(desk, "condolence-moderation")

    # then the visitor finds it on the book, signed
    page.get_by_role("link", name="Volver al libro de condolencias").click()
    expect(page.locator("[data-slug] .muted")).to_contain_text("1 mensaje")
    page.get_by_role("link", name="Sargento 2° Ana Rojas Fuentes").click()
    entry = page.locator("#condolences li")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text("Gracias, sargento, por cuidar nuestro barrio.")
    expect(entry).to_contain_text("Vecinos de El Castillo")
    expect(page.get_by_text("Préstamos rápidos")).to_have_count(0)
    screenshot(page, "condolence-published", full_page=True)
    spam.refresh_from_db()
    assert spam.status == CondolenceStatus.REJECTED
    for context_page in (page, desk):
        assert context_page.context.problems == []
