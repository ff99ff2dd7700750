"""The pages in a real Chromium against a real ASGI server: what a neighbor and a dispatcher click and see."""

import datetime as dt
import re
import time

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from backend.accounts.models import Role
from backend.alerts.incidents.services import AlertInput, alert_create
from backend.alerts.models import Alert, AlertStatus, MassMessage
from tests.factories import PrecinctFactory, UserFactory, staff_user
from tests.factories.alerts import AlertFactory, ZoneFactory
from tests.factories.geo import cell_center
from tests.plugins.browser import PHONE, outside_event_loop

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

MARKER_DEADLINE_SECONDS = 2.0
SCRIPT_DESCRIPTION = "<script>alert(1)</script>"


@pytest.fixture
def precinct():
    return PrecinctFactory(column=0, name="Precinto Sur")


def neighbor_context(browser_context, user, *, accuracy: float = 8.0, **options):
    lat, lon = cell_center(0)
    return browser_context(
        user,
        viewport=PHONE,
        geolocation={"latitude": lat, "longitude": lon, "accuracy": accuracy},
        permissions=["geolocation"],
        service_workers="block",
        **options,
    )


def open_alert_button(context):
    page = context.new_page()
    page.goto("/alerta/")
    expect(page.locator("#location-status")).to_have_attribute("data-state", "good")
    return page


def open_console(context):
    page = context.new_page()
    page.goto("/despacho/")
    expect(page.locator("#connection")).to_have_attribute("data-state", "connected")
    return page


def test_an_alert_reaches_the_console_within_two_seconds_and_the_neighbor_sees_the_acknowledgement(
    browser_context, precinct, screenshot
):
    # given a dispatcher watching the console and a neighbor on the alert button, located in the precinct
    dispatcher = staff_user(Role.DISPATCHER, precincts=[precinct], first_name="Daniela", last_name="Soto")
    neighbor = UserFactory(role=Role.NEIGHBOR, first_name="Vicente", last_name="Rojas", phone="+56 9 1234 5678")
    console = open_console(browser_context(dispatcher))
    console.evaluate("window.beeps = 0; window.addEventListener('vigia:beep', () => { window.beeps += 1; })")
    neighbor_page = open_alert_button(neighbor_context(browser_context, neighbor))
    expect(neighbor_page.locator("#location-status")).to_contain_text("±8 m")
    screenshot(neighbor_page, "alert-button-ready", full_page=True)

    # when the neighbor picks a category and presses the button
    neighbor_page.locator("label[for=category-robbery_in_progress]").click()
    neighbor_page.fill("#description", "Dos hombres forzando un auto")
    pressed_at = time.monotonic()
    neighbor_page.click("#alert-button")

    # then the console shows the marker and the list entry within two seconds, with a sound
    marker = console.locator("path.alert-marker")
    marker.wait_for(state="visible", timeout=MARKER_DEADLINE_SECONDS * 1000)
    assert time.monotonic() - pressed_at < MARKER_DEADLINE_SECONDS
    alert = Alert.objects.get()
    item = console.locator(f".alert-item[data-alert-id='{alert.id}']")
    expect(item).to_have_class(re.compile(r"\bis-new\b"))
    expect(item).to_contain_text("Dos hombres forzando un auto")
    assert console.evaluate("window.beeps") == 1
    expect(console.locator("#announcer")).to_contain_text("Robo en curso")
    screenshot(console, "dispatch-new-alert")

    # and the neighbor's page shows the alert as sent, with its timeline
    expect(neighbor_page.locator(".outbox-item[data-state=sent]")).to_have_count(1)
    expect(neighbor_page.locator("#timeline .step[data-status=received]")).to_be_visible()

    # when the dispatcher opens it and acknowledges
    item.locator("button").click()
    detail = console.locator("#detail")
    expect(detail.locator(".description")).to_have_text("Dos hombres forzando un auto")
    expect(detail).to_contain_text("+56 9 1234 5678")
    expect(detail).not_to_contain_text("null")
    buttons = detail.locator(".step-button")
    expect(buttons).to_have_count(2)
    assert buttons.evaluate_all("nodes => nodes.map(node => node.dataset.status)") == ["acknowledged", "false_alarm"]
    detail.locator(f"#step-note-{alert.id}").fill("Recibido, enviamos un radiopatrulla")
    detail.locator(".step-button[data-status=acknowledged]").click()
    expect(detail.locator(".timeline .step[data-status=acknowledged]")).to_be_visible()
    screenshot(console, "dispatch-acknowledged")

    # then the neighbor's timeline shows that step, live
    step = neighbor_page.locator("#timeline .step[data-status=acknowledged]")
    expect(step).to_be_visible(timeout=5000)
    expect(step).to_contain_text("Recibido, enviamos un radiopatrulla")
    expect(neighbor_page.locator("#timeline-connection")).to_have_attribute("data-state", "connected")
    screenshot(neighbor_page, "alert-button-acknowledged", full_page=True)
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACKNOWLEDGED
    assert [step.status for step in alert.steps.order_by("id")] == ["received", "acknowledged"]
    assert console.context.problems == []
    assert neighbor_page.context.problems == []


def test_an_alert_pressed_offline_waits_in_the_outbox_and_is_sent_once_when_back_online(
    browser_context, precinct, screenshot
):
    # given a neighbor whose page loaded and then lost the connection
    neighbor = UserFactory(role=Role.NEIGHBOR)
    context = neighbor_context(browser_context, neighbor)
    page = open_alert_button(context)
    context.set_offline(True)
    expect(page.locator("#network-status")).to_have_attribute("data-state", "offline")

    # when they press the button
    page.locator("label[for=category-suspicious_person]").click()
    page.click("#alert-button")

    # then the alert waits as pending, and nothing reached the server
    pending = page.locator(".outbox-item[data-state=pending]")
    expect(pending).to_have_count(1)
    screenshot(page, "alert-button-offline-pending", full_page=True)
    assert Alert.objects.count() == 0

    # when the connection comes back
    context.set_offline(False)

    # then it is sent, exactly once
    expect(page.locator(".outbox-item[data-state=sent]")).to_have_count(1, timeout=10000)
    expect(page.locator(".outbox-item")).to_have_count(1)
    expect(page.locator("#timeline .step[data-status=received]")).to_be_visible()
    screenshot(page, "alert-button-offline-sent", full_page=True)
    alert = Alert.objects.get()
    assert (alert.reporter_id, alert.category.code, alert.status) == (neighbor.id, "suspicious_person", "received")
    assert alert.idempotency_key != ""

    # and a reload (which flushes the outbox again) creates nothing more
    page.reload()
    expect(page.locator(".outbox-item[data-state=sent]")).to_have_count(1)
    assert Alert.objects.count() == 1
    assert context.problems == []


def test_user_text_with_markup_renders_as_text_in_the_console(browser_context, precinct, screenshot):
    # given an alert whose description and reporter name hold markup
    reporter = UserFactory(role=Role.NEIGHBOR, first_name="<img src=x onerror=alert(2)>", last_name="<b>x</b>")
    alert = AlertFactory(precinct=precinct, reporter=reporter, description=SCRIPT_DESCRIPTION)
    dispatcher = staff_user(Role.DISPATCHER, precincts=[precinct])
    context = browser_context(dispatcher)
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    # when the dispatcher opens the console and the alert
    page.goto("/despacho/")
    item = page.locator(f".alert-item[data-alert-id='{alert.id}']")
    expect(item.locator(".alert-item-description")).to_have_text(SCRIPT_DESCRIPTION)
    item.locator("button").click()

    # then the markup shows as text, creates no element and runs nothing
    detail = page.locator("#detail")
    expect(detail.locator(".description")).to_have_text(SCRIPT_DESCRIPTION)
    expect(detail).to_contain_text("<img src=x onerror=alert(2)> <b>x</b>")
    screenshot(page, "dispatch-markup-as-text")
    assert page.evaluate("document.querySelectorAll('main script, main img[src=x], main b').length") == 0
    page.wait_for_timeout(300)
    assert dialogs == []
    assert context.problems == []


def test_pages_need_a_login_and_refuse_the_wrong_role(browser_context, precinct, screenshot):
    dispatcher = staff_user(Role.DISPATCHER, precincts=[precinct], username="daniela")
    neighbor = UserFactory(role=Role.NEIGHBOR)

    # given an anonymous visitor: the console sends them to the login page
    anonymous = browser_context().new_page()
    anonymous.goto("/despacho/")
    expect(anonymous).to_have_url(re.compile(r"/accounts/login/\?next=/despacho/$"))
    screenshot(anonymous, "login-required")

    # and logging in there as a dispatcher opens the console
    anonymous.fill("#id_username", "daniela")
    anonymous.fill("#id_password", "correct horse battery")
    anonymous.locator("main button[type=submit]").click()
    expect(anonymous).to_have_url(re.compile(r"/despacho/$"))
    expect(anonymous.locator("#connection")).to_have_attribute("data-state", "connected")
    assert dispatcher.is_active

    # given a neighbor: the console is refused with a 403 page
    page = browser_context(neighbor).new_page()
    response = page.goto("/despacho/")
    assert response.status == 403
    expect(page.locator("h1")).to_have_text("Esta página no es para tu rol")
    screenshot(page, "wrong-role-refused")


def test_a_member_sees_a_new_alert_in_their_zone_live_and_adds_information(browser_context, precinct, screenshot):
    # given a member following a zone around the precinct's centre, on the community page
    member = UserFactory(role=Role.NEIGHBOR)
    ZoneFactory(member=member)
    reporter = UserFactory(role=Role.NEIGHBOR, first_name="Reportera", last_name="Secreta")
    page = browser_context(member).new_page()
    page.goto("/comunidad/")
    expect(page.locator("#connection")).to_have_attribute("data-state", "connected")
    expect(page.locator("#zone-list li")).to_have_count(1)

    # when a neighbor's alert in that zone is created
    lat, lon = cell_center(0)
    alert = outside_event_loop(
        alert_create,
        reporter=reporter,
        data=AlertInput(category="suspicious_person", lat=lat, lon=lon, accuracy_meters=5, description="Secreto"),
    ).alert

    # then it appears in the feed, redacted, without a reload
    item = page.locator(f".feed-item[data-alert-id='{alert.id}']")
    expect(item).to_contain_text("Persona sospechosa")
    expect(page.locator("#feed")).not_to_contain_text("Secreto")
    expect(page.locator("#feed")).not_to_contain_text("Reportera")

    # and the member can add what they know
    item.locator("details.add-information summary").click()
    item.locator("textarea").fill("Se fue caminando hacia la plaza")
    item.locator(".information-form button[type=submit]").click()
    expect(item.locator(".information-form [role=status]")).to_contain_text("Gracias")
    screenshot(page, "community-live-alert")
    assert list(alert.information.values_list("author_id", "text")) == [(member.id, "Se fue caminando hacia la plaza")]
    assert page.context.problems == []


def test_the_commander_dashboard_shows_the_pack_tables_map_and_downloads(
    browser_context, precinct, celery_worker, screenshot
):
    commander = staff_user(Role.COMMANDER, precincts=[precinct])
    # The pack opens on the last complete month, so the alert is from then.
    AlertFactory(precinct=precinct, created_at=timezone.now().replace(day=1) - dt.timedelta(days=2))
    page = browser_context(commander).new_page()

    page.goto("/mando/")

    expect(page.locator("#command-heading")).to_contain_text("Precinto Sur")
    expect(page.locator("#stop-tables table")).to_have_count(2)
    expect(page.locator("#stop-tables")).to_contain_text("Robo en curso")
    expect(page.locator("#adoption-table table tbody tr")).to_have_count(2)
    links = page.locator("#downloads a")
    expect(links).to_have_count(6)
    month = page.locator("#command-month").input_value()
    assert (
        links.first.get_attribute("href")
        == f"/api/analytics/stop-pack/?precinct=P000&month={month}&format=csv&table=counts"
    )
    assert page.request.get(links.first.get_attribute("href")).headers["content-type"].startswith("text/csv")
    frame = page.frame_locator("#map-frame")
    expect(frame.locator(".leaflet-container")).to_be_visible()
    screenshot(page, "command-dashboard", full_page=True)
    assert page.context.problems == []


def test_the_dispatcher_draws_a_circle_and_sends_a_mass_message(browser_context, precinct, screenshot):
    # given a dispatcher with the composer open
    dispatcher = staff_user(Role.DISPATCHER, precincts=[precinct])
    page = open_console(browser_context(dispatcher))
    page.click("#composer-toggle")
    expect(page.locator("#composer")).to_be_visible()

    # when they draw a circle on the map and write the message
    page.click(".leaflet-draw-draw-circle")
    box = page.locator("#map").bounding_box()
    centre_x, centre_y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(centre_x, centre_y)
    page.mouse.down()
    page.mouse.move(centre_x + 60, centre_y, steps=5)
    page.mouse.up()
    expect(page.locator("#composer-area")).to_contain_text("Círculo de")
    page.fill("#composer-headline", "Corte de luz en el sector")
    page.fill("#composer-body", "Eviten la avenida principal.")
    page.click("#composer-form button[type=submit]")

    # then the message goes to that circle
    expect(page.locator("#composer-result")).to_contain_text("Corte de luz en el sector")
    screenshot(page, "dispatch-mass-message")
    message = MassMessage.objects.get()
    assert (message.headline, message.precinct_id, message.sender_id) == (
        "Corte de luz en el sector",
        precinct.id,
        dispatcher.id,
    )
    assert message.circle_radius_meters > 0
    assert message.area.intersects(precinct.boundary)
    assert page.context.problems == []


def draw_polygon(page, x: float, y: float, corners) -> None:
    """Click each corner as a person would, then the first again. A person sees each corner appear before clicking
    the next; so does the test (a loaded machine can be slower than a fixed pause, and leaflet-draw ignores a click
    that comes too soon after the last one)."""
    vertices = page.locator(".leaflet-editing-icon")
    for number, (dx, dy) in enumerate(corners, start=1):
        page.mouse.move(x + dx, y + dy)
        page.wait_for_timeout(80)
        page.mouse.click(x + dx, y + dy)
        expect(vertices).to_have_count(number)
        page.wait_for_timeout(80)
    page.mouse.move(x + corners[0][0], y + corners[0][1])
    page.wait_for_timeout(80)
    page.mouse.click(x + corners[0][0], y + corners[0][1])


def test_a_member_draws_a_polygon_zone_and_a_radius_zone_and_sees_them_saved(browser_context, screenshot):
    # given a member with no zones on the community page, whose map opens over a precinct
    from django.contrib.gis.geos import MultiPolygon, Polygon

    from backend.alerts.models import Zone, ZoneKind

    PrecinctFactory(boundary=MultiPolygon(Polygon.from_bbox((-70.70, -33.58, -70.58, -33.48)), srid=4326))
    member = UserFactory(role=Role.NEIGHBOR)
    page = browser_context(member).new_page()
    page.goto("/comunidad/")
    expect(page.locator("#zone-empty")).to_be_visible()
    # The map settles (its layers load, the view fits them) before a person starts drawing on it.
    page.wait_for_load_state("networkidle")

    # when they choose "polygon", draw four corners on the map, name it and save
    page.locator("#zone-form input[name=kind][value=polygon]").check()
    page.click("#zone-draw")
    box = page.locator("#map").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    draw_polygon(page, x, y, ((-30, -30), (30, -30), (30, 30), (-30, 30)))
    expect(page.locator("#zone-hint")).to_contain_text("Polígono dibujado")
    page.fill("#zone-name", "Mi pasaje")
    page.click("#zone-form button[type=submit]")

    # then the zone is listed and stored for them
    expect(page.locator("#zone-list li")).to_have_count(1)
    expect(page.locator("#zone-list")).to_contain_text("Mi pasaje")

    # and a radius zone: click the map, keep the radius, save
    page.locator("#zone-form input[name=kind][value=radius]").check()
    page.mouse.click(x + 50, y + 10)
    page.fill("#zone-name", "Casa")
    page.click("#zone-form button[type=submit]")
    expect(page.locator("#zone-list li")).to_have_count(2)
    screenshot(page, "community-zones-drawn")
    zones = {zone.name: zone for zone in Zone.objects.filter(member=member)}
    assert (zones["Mi pasaje"].kind, zones["Casa"].kind, zones["Casa"].radius_meters) == (
        ZoneKind.POLYGON,
        ZoneKind.RADIUS,
        500,
    )
    assert page.context.problems == []


def test_the_composer_shows_the_area_clipped_to_the_dispatchers_precincts_before_sending(
    browser_context, precinct, screenshot
):
    # given a dispatcher of one precinct with a neighbouring precinct to the east
    PrecinctFactory(column=1, name="Vecina")
    dispatcher = staff_user(Role.DISPATCHER, precincts=[precinct])
    page = open_console(browser_context(dispatcher))
    page.click("#composer-toggle")
    expect(page.locator(".precinct-label").first).to_be_visible()  # the map has fitted its precinct
    for _ in range(2):
        page.click(".leaflet-control-zoom-out")
        page.wait_for_timeout(300)

    # when they draw a polygon reaching well into the neighbouring precinct
    page.click(".leaflet-draw-draw-polygon")
    box = page.locator("#map").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    draw_polygon(page, x, y, ((-30, -30), (160, -30), (160, 30), (-30, 30)))

    # then the composer says only the part inside their precinct will receive it, before anything is sent
    expect(page.locator("#composer-area")).to_contain_text("Solo la parte dentro de tus comisarías")
    screenshot(page, "dispatch-composer-clipped")
    assert not MassMessage.objects.exists()

    # and what is sent is that part
    page.fill("#composer-headline", "Corte de agua")
    page.fill("#composer-body", "Sin agua hasta las 18:00.")
    page.click("#composer-form button[type=submit]")
    expect(page.locator("#composer-result")).to_contain_text("Corte de agua")
    message = MassMessage.objects.get()
    assert message.area.within(precinct.boundary.buffer(1e-9))
    assert page.context.problems == []


def test_the_community_feed_opens_on_the_last_week_and_shows_older_alerts_on_request(
    browser_context, precinct, screenshot
):
    # given a member whose zone had 25 alerts in the last week and 30 more one to two weeks ago
    member = UserFactory(role=Role.NEIGHBOR)
    ZoneFactory(member=member)
    now = timezone.now()
    recent = [AlertFactory(precinct=precinct, created_at=now - dt.timedelta(hours=6 * n + 1)) for n in range(25)]
    older = [AlertFactory(precinct=precinct, created_at=now - dt.timedelta(days=8, hours=4 * n)) for n in range(30)]
    page = browser_context(member).new_page()

    # when they open the community page
    page.goto("/comunidad/")

    # then the feed holds the 20 newest of the last week only, and the map clusters the alerts it loaded
    items = page.locator("#feed .feed-item")
    expect(items).to_have_count(20)
    assert items.first.get_attribute("data-alert-id") == str(recent[0].id)
    expect(page.locator("#feed .feed-divider")).to_have_count(0)
    expect(page.locator("#map .marker-cluster").first).to_be_visible()
    more = page.locator("#feed-more")
    expect(more).to_have_text("Ver más")
    page_height = page.evaluate("document.documentElement.scrollHeight")
    screenshot(page, "community-feed")

    # when they ask for more, twice
    more.click()
    expect(items).to_have_count(40)
    expect(page.locator("#feed .feed-divider")).to_have_text("Hace más de 7 días")
    more.click()
    expect(items).to_have_count(55)

    # then every alert is listed once, newest first, and nothing more is offered
    shown = items.evaluate_all("nodes => nodes.map(node => Number(node.dataset.alertId))")
    assert shown == [alert.id for alert in [*recent, *older]]
    expect(more).to_be_hidden()
    assert page_height < 9000
    assert page.context.problems == []


def test_the_community_page_reads_on_a_phone(browser_context, precinct, screenshot):
    member = UserFactory(role=Role.NEIGHBOR)
    ZoneFactory(member=member)
    for hours in range(5):
        AlertFactory(precinct=precinct, created_at=timezone.now() - dt.timedelta(hours=hours + 1))
    page = browser_context(member, viewport=PHONE).new_page()
    page.goto("/comunidad/")
    expect(page.locator("#feed .feed-item")).to_have_count(5)
    screenshot(page, "community-phone", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
