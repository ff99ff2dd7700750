"""In a real browser: the scripts' strings come from Django's JavaScript catalogue, in the page's language, and the
language switcher changes them and stores the person's choice (which the API and pushes then follow)."""

import pytest
from playwright.sync_api import expect

from backend.accounts.models import Role, User
from tests.factories import PrecinctFactory, UserFactory
from tests.factories.geo import cell_center
from tests.plugins.browser import PHONE, outside_event_loop


@pytest.mark.django_db(transaction=True)
def test_a_spanish_page_shows_the_scripts_strings_in_spanish_and_the_switcher_turns_them_english(browser_context):
    # Given a neighbor whose browser speaks Chilean Spanish, in a precinct
    PrecinctFactory(column=0)
    neighbor = UserFactory(role=Role.NEIGHBOR)
    lat, lon = cell_center(0)
    context = browser_context(
        neighbor,
        viewport=PHONE,
        geolocation={"latitude": lat, "longitude": lon, "accuracy": 8},
        permissions=["geolocation"],
        service_workers="block",
    )

    # When they open the alert button
    page = context.new_page()
    page.goto("/alerta/")

    # Then the texts the scripts write are Spanish, from the catalogue the page loaded
    expect(page.locator("#location-status")).to_have_text("Ubicación lista (precisión ±8 m)")
    expect(page.locator("#network-status")).to_have_text("En línea")
    assert page.evaluate("django.gettext('Sent')") == "Enviada"

    # When they choose English in the switcher
    page.select_option("#language-select", "en")
    page.get_by_role("button", name="Cambiar").click()

    # Then the page and its scripts speak English, and the choice is stored for the API and pushes
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#location-status")).to_have_text("Location ready (accuracy ±8 m)")
    expect(page.locator("#network-status")).to_have_text("Online")
    assert outside_event_loop(lambda: User.objects.get(id=neighbor.id).language) == "en"
    assert context.problems == []
