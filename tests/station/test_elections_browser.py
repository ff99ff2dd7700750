"""The voter excuse in a real Chromium: refused at 150 km (device location), filed from a point chosen on the map
with the distance shown, confirmed by an officer of another unit, issued and emailed.

The server processes read the real clock, so the election is configured for today in Chile.
"""

import time

import pytest
from django.utils import formats, translation
from playwright.sync_api import expect

from backend.station.elections import clock
from backend.station.elections.selectors import chile_date, geodesic_distance_meters
from backend.station.models import VoterExcuse
from tests.factories import PrecinctFactory
from tests.factories.station import station_officer
from tests.factories.station_elections import SOUTH_150_KM, election, polling_station, registered_voter

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


def spanish_km(meters: float) -> str:
    with translation.override("es-cl"):
        return formats.number_format(meters / 1000, decimal_pos=1, use_l10n=True)


def test_a_voter_is_refused_at_150_km_then_files_from_the_map_and_an_officer_issues_the_excuse(
    browser_context, celery_worker, mailbox, screenshot
):
    # given today's election, a voter of a Santiago polling station, and an officer of a unit in Temuco
    election(chile_date(clock.now()), name="Elección de prueba")
    station = polling_station()
    voter = registered_voter(station, first_name="Ignacio", last_name="Rojas")
    officer = station_officer([PrecinctFactory(name="Segunda Comisaría de Temuco")])

    # when the voter, 150 km south of their station, opens the service and uses their device's location
    context = browser_context(
        voter, geolocation={"latitude": SOUTH_150_KM[0], "longitude": SOUTH_150_KM[1]}, permissions=["geolocation"]
    )
    page = context.new_page()
    page.goto("/comisaria/")
    page.get_by_role("link", name="Pedir una excusa electoral").click()
    expect(page.locator("#polling-station")).to_contain_text("Instituto Nacional")
    page.get_by_role("button", name="Usar mi ubicación").click()

    # then the distance check says it is not enough, before anything is sent
    check = page.locator("#distance-check")
    expect(check).to_have_attribute("data-eligible", "false")
    expect(check).to_have_text("Estás a 150,0 km de tu local de votación. La excusa exige más de 200 km.")
    expect(page.locator("#id_position_source")).to_have_value("device")

    # and sending it anyway is refused by the server with the rule and the distance, and nothing is filed
    page.get_by_label("Correo para enviarte la excusa").fill("ignacio@example.cl")
    page.get_by_role("button", name="Pedir la excusa").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Para excusarte debes estar a más de 200 km de tu local de votación.")
    expect(summary).to_contain_text("Estás a 150,0 km de Instituto Nacional (Santiago).")
    assert VoterExcuse.objects.count() == 0
    screenshot(page, "voter-excuse-refused")

    # when they choose a point on the map far south of the station instead
    box = page.locator("#excuse-map").bounding_box()
    page.locator("#excuse-map").click(position={"x": box["width"] / 2, "y": box["height"] / 2 + 110})

    # then the check shows the geodesic distance to that point, and that it is enough
    expect(check).to_have_attribute("data-eligible", "true")
    lat, lon = float(page.locator("#id_lat").input_value()), float(page.locator("#id_lon").input_value())
    meters = geodesic_distance_meters(station=station, lat=lat, lon=lon)
    assert meters > 200_000
    expect(check).to_have_text(f"Estás a {spanish_km(meters)} km de tu local de votación. Puedes pedir la excusa.")
    expect(page.locator("#id_position_source")).to_have_value("map")

    # when they send it
    page.get_by_role("button", name="Pedir la excusa").click()

    # then they get a folio and are told to go to a police unit today
    expect(page.get_by_role("heading", name="Recibimos tu solicitud")).to_be_visible()
    excuse = VoterExcuse.objects.get()
    expect(page.locator("#folio")).to_have_text(excuse.folio)
    expect(page.locator("#excuse-status")).to_have_text("Te esperamos en una unidad policial")
    expect(page.locator("#next-step")).to_contain_text("cualquier unidad policial con tu cédula de identidad")
    assert (excuse.position_source, excuse.distance_meters) == ("map", int(meters))
    screenshot(page, "voter-excuse-filed")

    # when an officer of another region finds it by the voter's RUN
    desk = browser_context(officer).new_page()
    desk.goto("/comisaria/")
    desk.get_by_role("link", name="Excusas electorales: confirmar identidad").click()
    expect(desk.get_by_role("link", name=excuse.folio)).to_be_visible()
    desk.get_by_label("Folio o RUN").fill(voter.rut)
    desk.get_by_role("button", name="Buscar").click()
    expect(desk.locator("#voter-name")).to_have_text("Ignacio Rojas")

    # and types a RUN that is not the one on the request
    desk.get_by_label("RUN de la cédula de identidad").fill("11.111.111-1")
    desk.get_by_role("button", name="Confirmar identidad y emitir la excusa").click()

    # then nothing is issued
    expect(desk.locator("#error-summary")).to_contain_text("El RUN de la cédula no coincide con el de la solicitud.")
    excuse.refresh_from_db()
    assert (excuse.status, excuse.document_id) == ("pending", None)

    # when they type the RUN of the identity card the voter shows
    desk.get_by_label("RUN de la cédula de identidad").fill(voter.rut)
    desk.get_by_role("button", name="Confirmar identidad y emitir la excusa").click()

    # then the excuse is issued at their unit
    expect(desk.locator("#excuse-status")).to_have_text("Excusa emitida")
    excuse.refresh_from_db()
    document = excuse.document
    expect(desk.locator("#issued-document")).to_contain_text(document.folio)
    expect(desk.locator("#issued-document")).to_contain_text("Segunda Comisaría de Temuco")
    screenshot(desk, "voter-excuse-desk")

    # and the voter sees it issued, opens it, and got it by email with the PDF
    page.reload()
    expect(page.locator("#excuse-status")).to_have_text("Excusa emitida")
    page.get_by_role("link", name=f"Ver la excusa {document.folio}").click()
    expect(page.get_by_role("heading", name=f"Excusa electoral {document.folio}")).to_be_visible()
    expect(page.locator(".facts")).to_contain_text(f"{spanish_km(meters)} km")
    wait_for(lambda: len(mailbox.messages) >= 1)
    [message] = mailbox.messages
    assert message["Subject"] == f"Tu excusa electoral {document.folio}"
    assert [part.get_filename() for part in message.iter_attachments()] == [f"{document.folio}.pdf"]
    for context_page in (page, desk):
        assert context_page.context.problems == []
