"""Push: device registration over the API, and a real Celery worker sending through firebase-admin and
pywebpush to local servers that speak the FCM v1 and Web Push protocols."""

import time

import pytest
from django.contrib.gis.geos import Polygon

from backend.accounts.models import Role
from backend.alerts.incidents.services import AlertInput, alert_create, alert_transition
from backend.alerts.messaging.services import (
    MessageContent,
    MessageTarget,
    mass_message_cancel,
    mass_message_send,
    mass_message_update,
)
from backend.alerts.models import AlertStatus, Device, DeviceKind, PushPreference
from backend.alerts.notifications.push import FCM_BATCH_SIZE
from backend.alerts.notifications.services import ERROR_ENDPOINT, ERROR_KEYS, ERROR_UNKNOWN_CATEGORY
from tests.factories import PrecinctFactory, UserFactory, staff_user
from tests.factories.alerts import ZoneFactory, category
from tests.factories.geo import cell_center

PUSH_TIMEOUT_SECONDS = 30


def zone_box(column: int, half: float = 0.004) -> Polygon:
    lat, lon = cell_center(column)
    return Polygon.from_bbox((lon - half, lat - half, lon + half, lat + half))


def wait_until(condition, *, timeout: float = PUSH_TIMEOUT_SECONDS, quiet: float = 0.0):
    """Poll until ``condition()`` is truthy, then optionally wait ``quiet`` more seconds for stragglers."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting for pushes"
        time.sleep(0.1)
    time.sleep(quiet)


def raise_alert(reporter, *, column: int = 0, category_code: str = "robbery_in_progress"):
    lat, lon = cell_center(column)
    data = AlertInput(category=category_code, lat=lat, lon=lon, accuracy_meters=5)
    return alert_create(reporter=reporter, data=data).alert


def fcm_device(user, token: str) -> Device:
    return Device.objects.create(user=user, kind=DeviceKind.FCM, token=token)


# Registration API (no worker needed)


@pytest.mark.django_db
def test_register_fcm_and_webpush_devices(client_for, fake_webpush):
    user = UserFactory()
    client = client_for(user)
    subscription = fake_webpush.subscription("browser")

    fcm = client.post("/api/devices/", {"kind": "fcm", "token": "fcm-token:abc_123"}, format="json")
    web = client.post(
        "/api/devices/",
        {"kind": "webpush", "subscription": {"endpoint": subscription.endpoint, "keys": subscription.keys}},
        format="json",
    )

    assert (fcm.status_code, web.status_code) == (201, 201)
    assert sorted(Device.objects.filter(user=user).values_list("kind", "token")) == [
        ("fcm", "fcm-token:abc_123"),
        ("webpush", subscription.endpoint),
    ]
    assert Device.objects.get(kind="webpush").keys == subscription.keys


@pytest.mark.django_db
def test_registering_a_token_again_moves_it_without_duplicating(client_for):
    first, second = UserFactory(), UserFactory()
    client_for(first).post("/api/devices/", {"kind": "fcm", "token": "shared-phone"}, format="json")

    response = client_for(second).post("/api/devices/", {"kind": "fcm", "token": "shared-phone"}, format="json")

    assert response.status_code == 201
    assert list(Device.objects.values_list("user_id", "token")) == [(second.id, "shared-phone")]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("endpoint", "keys", "field", "message"),
    [
        ("http://10.0.0.5/internal", None, "endpoint", ERROR_ENDPOINT),
        ("https://evil.example.com/push", None, "endpoint", ERROR_ENDPOINT),
        (None, {"p256dh": "short", "auth": "short"}, "keys", ERROR_KEYS),
    ],
)
def test_bad_webpush_subscriptions_are_refused(client_for, fake_webpush, endpoint, keys, field, message):
    subscription = fake_webpush.subscription("browser")
    body = {"endpoint": endpoint or subscription.endpoint, "keys": keys or subscription.keys}

    response = client_for(UserFactory()).post("/api/devices/", {"kind": "webpush", "subscription": body}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {field: [message]}
    assert not Device.objects.exists()


@pytest.mark.django_db
def test_devices_are_deleted_only_by_their_owner(client_for):
    owner, stranger = UserFactory(), UserFactory()
    device = fcm_device(owner, "mine")

    assert client_for(stranger).delete(f"/api/devices/{device.id}/").status_code == 404
    assert client_for(owner).delete(f"/api/devices/{device.id}/").status_code == 204
    assert not Device.objects.exists()


@pytest.mark.django_db
def test_push_preferences_default_on_and_can_be_switched_off(client_for):
    client = client_for(UserFactory())

    response = client.put("/api/push-preferences/", {"preferences": {"fire": False}}, format="json")

    assert response.status_code == 200
    preferences = response.json()["preferences"]
    assert preferences["fire"] is False
    assert preferences["robbery_in_progress"] is True
    unknown = client.put("/api/push-preferences/", {"preferences": {"ufo": False}}, format="json")
    assert unknown.status_code == 400
    assert unknown.json()["error"]["fields"] == {"preferences": [ERROR_UNKNOWN_CATEGORY.format(code="ufo")]}


# Sending, with a real worker


@pytest.fixture
def neighborhood(fake_fcm, fake_webpush):
    """Members in and out of the zone of precinct 0's centre, with devices; one mutes robberies."""
    precinct = PrecinctFactory(column=0)
    people = {name: UserFactory(role=Role.NEIGHBOR) for name in ("reporter", "member", "muted", "outsider")}
    for name in ("reporter", "member", "muted"):
        ZoneFactory(member=people[name], boundary=zone_box(0))
    ZoneFactory(member=people["outsider"], boundary=zone_box(1))
    PushPreference.objects.create(user=people["muted"], category=category("robbery_in_progress"), is_enabled=False)
    for name, user in people.items():
        fcm_device(user, f"fcm-{name}")
    subscription = fake_webpush.subscription("member-browser")
    Device.objects.create(
        user=people["member"], kind=DeviceKind.WEB_PUSH, token=subscription.endpoint, keys=subscription.keys
    )
    return {
        **people,
        "precinct": precinct,
        "dispatcher": staff_user(Role.DISPATCHER, [precinct]),
        "subscription": subscription,
    }


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_alert_pushes_reach_members_in_zone_honouring_preferences(celery_worker, fake_fcm, fake_webpush, neighborhood):
    # When a robbery is reported in the zone
    alert = raise_alert(neighborhood["reporter"])

    # Then the member gets it by FCM and Web Push; the reporter, the muted member and the outsider get nothing
    wait_until(lambda: fake_fcm.delivered_tokens() and fake_webpush.received("member-browser"), quiet=1.0)
    assert fake_fcm.delivered_tokens() == ["fcm-member"]
    message = fake_fcm.requests[0]["message"]
    assert message["notification"] == {"title": "Alerta: Robo en curso", "body": "Cerca de una de tus zonas."}
    assert message["data"]["alert_id"] == str(alert.id)
    (web,) = fake_webpush.received("member-browser")
    assert web["headers"]["content-encoding"] == "aes128gcm"
    assert web["headers"]["authorization"].startswith("vapid t=")
    decrypted = neighborhood["subscription"].decrypt(web["body"])
    assert decrypted["title"] == "Alerta: Robo en curso"
    assert "Two" not in str(decrypted)
    assert "location" not in str(decrypted)
    assert fake_fcm.token_requests >= 1

    # And when dispatch takes a step, the reporter hears of it too (the muted member still does not)
    fake_fcm.reset()
    alert_transition(alert_id=alert.id, actor=neighborhood["dispatcher"], status=AlertStatus.ACKNOWLEDGED)
    wait_until(lambda: len(fake_fcm.delivered_tokens()) >= 2, quiet=1.0)
    assert sorted(fake_fcm.delivered_tokens()) == ["fcm-member", "fcm-reporter"]
    assert all(Device.objects.get(token=token).last_success_at for token in ("fcm-member", "fcm-reporter"))


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_fcm_sends_more_than_500_devices_in_batches(celery_worker, fake_fcm, neighborhood):
    # Given a member with 1,001 FCM registrations (send_each refuses more than 500 per call)
    Device.objects.bulk_create(
        Device(user=neighborhood["member"], kind=DeviceKind.FCM, token=f"bulk-{index}") for index in range(1_001)
    )
    assert FCM_BATCH_SIZE == 500

    # When an alert is raised in their zone
    raise_alert(neighborhood["reporter"])

    # Then every registration gets exactly one push
    wait_until(lambda: len(fake_fcm.delivered_tokens()) >= 1_002, quiet=1.0)
    delivered = fake_fcm.delivered_tokens()
    assert len(delivered) == len(set(delivered)) == 1_002


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_transient_failures_are_retried_and_dead_registrations_pruned(
    celery_worker, fake_fcm, fake_webpush, neighborhood
):
    member = neighborhood["member"]
    dead_browser, gone_browser = fake_webpush.subscription("dead"), fake_webpush.subscription("gone")
    for subscription in (dead_browser, gone_browser):
        Device.objects.create(
            user=member, kind=DeviceKind.WEB_PUSH, token=subscription.endpoint, keys=subscription.keys
        )
    fcm_device(member, "fcm-uninstalled")
    # Given an FCM backend that fails five times in a row (firebase-admin retries four times itself),
    # a push service that fails twice, one uninstalled app and two expired subscriptions
    fake_fcm.plan["fcm-member"] = [500] * 5
    fake_fcm.plan["fcm-uninstalled"] = ["UNREGISTERED"]
    fake_webpush.plan["member-browser"] = [500, 503]
    fake_webpush.plan["dead"] = [404]
    fake_webpush.plan["gone"] = [410]

    # When an alert is raised in the member's zone
    raise_alert(neighborhood["reporter"])

    # Then the transient failures are retried until delivered, once
    wait_until(lambda: "fcm-member" in fake_fcm.delivered_tokens() and fake_webpush.received("member-browser"))
    assert fake_fcm.attempts("fcm-member") == 6
    assert fake_webpush.attempts("member-browser") == 3
    # And the dead registrations are deleted, the live ones kept
    wait_until(lambda: not Device.objects.filter(token__in=["fcm-uninstalled", dead_browser.endpoint]).exists())
    remaining = set(Device.objects.filter(user=member).values_list("token", flat=True))
    assert remaining == {"fcm-member", neighborhood["subscription"].endpoint}


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_mass_message_pushes_members_whose_zones_meet_the_area(celery_worker, fake_fcm, neighborhood):
    # When dispatch sends a message to a 300 m radius around the zone's centre
    lat, lon = cell_center(0)
    from django.contrib.gis.geos import Point

    mass_message_send(
        sender=neighborhood["dispatcher"],
        precinct_id=neighborhood["precinct"].id,
        content=MessageContent(headline="Corte de luz", body="Evite la calle Gran Avenida."),
        target=MessageTarget(kind="radius", center=Point(lon, lat, srid=4326), radius_meters=300),
    )

    # Then every member in the area gets it (a message has no category to mute), the outsider does not
    wait_until(lambda: len(fake_fcm.delivered_tokens()) >= 3, quiet=1.0)
    assert sorted(fake_fcm.delivered_tokens()) == ["fcm-member", "fcm-muted", "fcm-reporter"]
    assert fake_fcm.requests[0]["message"]["notification"]["title"] == "Corte de luz"


def notices_by_token(fake_fcm) -> dict[str, dict]:
    return {entry["token"]: entry["message"]["notification"] for entry in fake_fcm.requests if entry["status"] == 200}


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_each_recipient_reads_the_push_in_their_own_language(celery_worker, fake_fcm, fake_webpush, neighborhood):
    # Given the member reads English (FCM and a browser), the reporter and the muted member keep Spanish
    from django.contrib.gis.geos import Point

    neighborhood["member"].language = "en"
    neighborhood["member"].save(update_fields=["language"])

    # When a robbery is reported in their zone
    alert = raise_alert(neighborhood["reporter"])

    # Then the member's phone and browser say it in English, with the category's English label
    wait_until(lambda: fake_fcm.delivered_tokens() and fake_webpush.received("member-browser"), quiet=1.0)
    assert notices_by_token(fake_fcm) == {
        "fcm-member": {"title": "Alert: Robbery in progress", "body": "Near one of your zones."}
    }
    decrypted = neighborhood["subscription"].decrypt(fake_webpush.received("member-browser")[0]["body"])
    assert (decrypted["title"], decrypted["body"]) == ("Alert: Robbery in progress", "Near one of your zones.")

    # And a step reaches the Spanish reporter and the English member, each in their language
    fake_fcm.reset()
    alert_transition(alert_id=alert.id, actor=neighborhood["dispatcher"], status=AlertStatus.ACKNOWLEDGED)
    wait_until(lambda: len(fake_fcm.delivered_tokens()) >= 2, quiet=1.0)
    assert notices_by_token(fake_fcm) == {
        "fcm-member": {"title": "Robbery in progress", "body": "Acknowledged"},
        "fcm-reporter": {"title": "Robo en curso", "body": "Confirmada"},
    }

    # And a mass message's update and withdrawal carry a prefix in each language (the sender's words stay as written)
    lat, lon = cell_center(0)
    message = mass_message_send(
        sender=neighborhood["dispatcher"],
        precinct_id=neighborhood["precinct"].id,
        content=MessageContent(headline="Corte de luz", body="Evite la calle Gran Avenida."),
        target=MessageTarget(kind="radius", center=Point(lon, lat, srid=4326), radius_meters=300),
    )
    wait_until(lambda: len(fake_fcm.delivered_tokens()) >= 5, quiet=1.0)
    fake_fcm.reset()
    updated = mass_message_update(
        actor=neighborhood["dispatcher"],
        message_id=message.id,
        content=MessageContent(headline="Corte de luz hasta las 20:00", body="Evite la calle Gran Avenida."),
    )
    wait_until(lambda: len(fake_fcm.delivered_tokens()) >= 3, quiet=1.0)
    titles = {token: notice["title"] for token, notice in notices_by_token(fake_fcm).items()}
    assert titles == {
        "fcm-member": "Update: Corte de luz hasta las 20:00",
        "fcm-reporter": "Actualización: Corte de luz hasta las 20:00",
        "fcm-muted": "Actualización: Corte de luz hasta las 20:00",
    }
    fake_fcm.reset()
    mass_message_cancel(actor=neighborhood["dispatcher"], message_id=updated.id)
    wait_until(lambda: len(fake_fcm.delivered_tokens()) >= 3, quiet=1.0)
    titles = {token: notice["title"] for token, notice in notices_by_token(fake_fcm).items()}
    assert titles == {
        "fcm-member": "Cancelled: Corte de luz hasta las 20:00",
        "fcm-reporter": "Cancelado: Corte de luz hasta las 20:00",
        "fcm-muted": "Cancelado: Corte de luz hasta las 20:00",
    }
