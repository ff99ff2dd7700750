"""The dispatch console in a real Chromium: rewording and withdrawing a mass message, approving a photo,
posting an on-scene photo and merging a duplicate, each as the dispatcher clicks it."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from backend.accounts.models import Role
from backend.alerts.incidents.services import AlertInput, alert_create, alert_transition
from backend.alerts.messaging.services import MessageContent, MessageTarget, mass_message_send
from backend.alerts.models import Alert, AlertPhoto, AlertStatus, MassMessage, MessageStatus
from backend.common.photos import inspect_photo
from tests.factories import PrecinctFactory, UserFactory, staff_user
from tests.factories.geo import cell_center
from tests.plugins.browser import outside_event_loop

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PHOTO = Path(__file__).resolve().parents[1] / "fixtures" / "photo_with_gps.jpg"


@pytest.fixture
def precinct():
    return PrecinctFactory(column=0, name="Precinto Sur")


def open_console(context):
    page = context.new_page()
    page.goto("/despacho/")
    expect(page.locator("#connection")).to_have_attribute("data-state", "connected")
    return page


def _message(sender, precinct, headline="Corte de agua"):
    return outside_event_loop(
        mass_message_send,
        sender=sender,
        precinct_id=precinct.id,
        content=MessageContent(
            headline=headline,
            body="Sin agua hasta las 18:00.",
            instruction="",
            severity="Moderate",
            urgency="Expected",
            certainty="Likely",
            expires_at=None,
        ),
        target=MessageTarget(kind="precinct", area=None, center=None, radius_meters=None, description=""),
    )


def _alert(reporter, *, category="robbery_in_progress", east=0.0, photos=()):
    lat, lon = cell_center(0)
    data = AlertInput(
        category=category, lat=lat, lon=lon + east, accuracy_meters=5, description="Auto gris", photos=[*photos]
    )
    return outside_event_loop(alert_create, reporter=reporter, data=data).alert


def test_the_dispatcher_rewords_a_message_in_force_and_then_withdraws_it(browser_context, precinct, screenshot):
    # given a message in force in the dispatcher's precinct
    dispatcher = staff_user(Role.DISPATCHER, precincts=[precinct])
    original = _message(dispatcher, precinct)
    page = open_console(browser_context(dispatcher))

    # when they open the composer, choose Edit on it and change its wording
    page.click("#composer-toggle")
    item = page.locator(f".message-active[data-message-id='{original.id}']")
    expect(item).to_contain_text("Corte de agua")
    item.locator(".message-edit").click()
    expect(page.locator("#composer-editing")).to_contain_text("Corte de agua")
    expect(page.locator("#composer-target")).to_be_hidden()
    assert page.locator("#composer-body").input_value() == "Sin agua hasta las 18:00."
    page.fill("#composer-headline", "Corte de agua: se extiende")
    page.fill("#composer-body", "Sin agua hasta las 21:00.")
    page.click("#composer-submit")

    # then the update replaces it (CAP Update, same area) and the list shows the new wording
    expect(page.locator("#composer-result")).to_contain_text("Corte de agua: se extiende")
    update = MassMessage.objects.get(replaces=original)
    assert (update.headline, update.body, update.status) == (
        "Corte de agua: se extiende",
        "Sin agua hasta las 21:00.",
        MessageStatus.ACTIVE,
    )
    assert update.area.equals(original.area)
    updated_item = page.locator(f".message-active[data-message-id='{update.id}']")
    expect(updated_item).to_contain_text("se extiende")
    screenshot(page, "dispatch-message-updated")

    # when they withdraw it with a note
    updated_item.locator(".message-cancel").click()
    updated_item.locator("input[name=note]").fill("Se restableció el servicio")
    updated_item.locator(".cancel-form button[type=submit]").click()

    # then it is cancelled and gone from the messages in force
    expect(page.locator("#composer-result")).to_contain_text("retirado")
    expect(page.locator("#messages-active li")).to_have_count(0)
    expect(page.locator("#active-empty")).to_be_visible()
    update.refresh_from_db()
    assert update.status == MessageStatus.CANCELLED
    assert MassMessage.objects.filter(replaces=update).count() == 1
    screenshot(page, "dispatch-message-withdrawn")
    assert page.context.problems == []


def test_a_message_edited_to_an_empty_headline_is_refused_and_nothing_is_written(browser_context, precinct):
    dispatcher = staff_user(Role.DISPATCHER, precincts=[precinct])
    original = _message(dispatcher, precinct)
    page = open_console(browser_context(dispatcher))
    page.click("#composer-toggle")
    page.locator(f".message-active[data-message-id='{original.id}'] .message-edit").click()

    page.fill("#composer-headline", "")
    page.click("#composer-submit")

    expect(page.locator("#composer-error")).to_be_visible()
    assert MassMessage.objects.count() == 1
    assert MassMessage.objects.get().headline == "Corte de agua"


def test_the_dispatcher_approves_a_reporters_photo_for_the_community(browser_context, precinct, screenshot):
    # given an alert that came with a photo, not yet visible to the community
    dispatcher = staff_user(Role.DISPATCHER, precincts=[precinct])
    alert = _alert(UserFactory(role=Role.NEIGHBOR), photos=[inspect_photo(PHOTO.read_bytes())])
    photo = AlertPhoto.objects.get(alert=alert)
    assert photo.is_approved is False
    page = open_console(browser_context(dispatcher))

    # when they open it and approve the photo
    page.locator(f".alert-item[data-alert-id='{alert.id}'] button").click()
    figure = page.locator("#detail figure.photo")
    expect(figure).to_contain_text("Aún no visible para la comunidad")
    expect(figure.locator("img")).to_have_js_property("complete", True)
    figure.locator("button").click()

    # then it is approved and the caption says so
    expect(page.locator("#detail figure.photo figcaption")).to_contain_text("Visible para la comunidad")
    photo.refresh_from_db()
    assert photo.is_approved is True
    screenshot(page, "dispatch-photo-approved")
    assert page.context.problems == []


def test_the_dispatcher_posts_an_on_scene_photo_with_the_step(browser_context, precinct, screenshot):
    # given an alert with a unit on the way
    dispatcher = staff_user(Role.DISPATCHER, precincts=[precinct])
    alert = _alert(UserFactory(role=Role.NEIGHBOR))
    for status in (AlertStatus.ACKNOWLEDGED, AlertStatus.UNIT_DISPATCHED):
        outside_event_loop(alert_transition, alert_id=alert.id, actor=dispatcher, status=status)
    page = open_console(browser_context(dispatcher))
    page.locator(f".alert-item[data-alert-id='{alert.id}'] button").click()

    # when they attach a photo and mark the unit on scene
    page.set_input_files(f"#step-photo-{alert.id}", str(PHOTO))
    page.fill(f"#step-note-{alert.id}", "Carabineros en el lugar")
    page.locator("#detail .step-button[data-status=on_scene]").click()

    # then the step carries the photo, re-encoded without its GPS metadata
    expect(page.locator("#detail .timeline .step[data-status=on_scene]")).to_be_visible()
    expect(page.locator("#detail figure.photo")).to_have_count(1)
    step = alert.steps.get(status=AlertStatus.ON_SCENE)
    (photo,) = step.photos.all()
    assert (step.note, photo.uploaded_by_id) == ("Carabineros en el lugar", dispatcher.id)
    assert b"GPS" not in photo.image.read()
    screenshot(page, "dispatch-on-scene-photo")
    assert page.context.problems == []


def test_the_dispatcher_merges_a_duplicate_into_the_alert_they_are_handling(browser_context, precinct, screenshot):
    # given two open alerts of the same agency 30 m apart
    dispatcher = staff_user(Role.DISPATCHER, precincts=[precinct])
    first = _alert(UserFactory(role=Role.NEIGHBOR))
    duplicate = _alert(UserFactory(role=Role.NEIGHBOR), category="suspicious_vehicle", east=0.0003)
    page = open_console(browser_context(dispatcher))
    expect(page.locator(".alert-item")).to_have_count(2)

    # when they open the first and merge the other into it
    page.locator(f".alert-item[data-alert-id='{first.id}'] button").click()
    entry = page.locator(f"#detail .duplicates li[data-alert-id='{duplicate.id}']")
    expect(entry).to_contain_text("m")
    entry.locator(".merge-button").click()

    # then the duplicate is closed into the first and leaves the open list
    expect(page.locator(".alert-item")).to_have_count(1)
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into_id) == (AlertStatus.DUPLICATE, first.id)
    assert Alert.objects.get(id=first.id).status == AlertStatus.RECEIVED
    screenshot(page, "dispatch-merged")
    assert page.context.problems == []
