"""Signed webhooks: URLs refused by the SSRF rules, who receives what, and delivery by the real relay and Celery
worker to an HTTP server on loopback that verifies each Standard Webhooks signature, with retries and the log."""

import base64
import hashlib
import hmac
import json
import threading
import time
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from backend.accounts.models import Agency, Role
from backend.alerts.incidents.services import AlertInput, alert_create, alert_transition
from backend.alerts.messaging.services import MessageContent, MessageTarget, mass_message_send
from backend.alerts.models import DeliveryStatus, EventType, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from backend.alerts.webhooks import security
from backend.alerts.webhooks import services as webhook_services
from backend.alerts.webhooks.admin import WebhookEndpointForm
from backend.alerts.webhooks.selectors import webhook_body
from backend.alerts.webhooks.services import webhook_delivery_attempt, webhook_endpoint_register
from backend.alerts.webhooks.signing import secret_generate
from backend.common.errors import DomainError
from tests.factories import PrecinctFactory, UserFactory, api_token, staff_user
from tests.factories.geo import cell_center
from tests.plugins.realtime import free_port, ws_open

DELIVERY_TIMEOUT_SECONDS = 30
ALL_TYPES = [EventType.ALERT_CREATED, EventType.ALERT_STEP_ADDED, EventType.MESSAGE_SENT]


class Receiver:
    """An integrator's endpoint on loopback: checks every signature (with the Standard Webhooks library and by
    hand) and the timestamp, drops repeated ids, and answers with the scripted statuses (then 200)."""

    def __init__(self) -> None:
        owner = self
        self.lock = threading.Lock()
        self.secrets: dict[str, str] = {}
        self.plan: dict[str, list[int]] = defaultdict(list)
        self.attempts: list[dict] = []
        self.accepted: dict[str, list[dict]] = defaultdict(list)
        self.gate = threading.Event()
        self.gate.set()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                owner.gate.wait(timeout=DELIVERY_TIMEOUT_SECONDS)
                status = owner.take(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def endpoint_url(self, name: str, secret: str) -> str:
        self.secrets[f"/{name}"] = secret
        return f"{self.url}/{name}"

    def take(self, path: str, headers: dict, body: bytes) -> int:
        secret = self.secrets[path]
        try:
            Webhook(secret).verify(body, headers)
        except WebhookVerificationError:
            return 401
        # The same check by hand: HMAC-SHA256 over "id.timestamp.body" with the decoded secret.
        key = base64.b64decode(secret.removeprefix("whsec_"))
        signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
        expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
        if (
            headers["webhook-signature"] != f"v1,{expected}"
            or abs(time.time() - int(headers["webhook-timestamp"])) > 300
        ):
            return 401
        with self.lock:
            scripted = self.plan[path]
            status = scripted.pop(0) if scripted else 200
            self.attempts.append({"path": path, "id": headers["webhook-id"], "status": status})
            seen = {entry["webhook_id"] for entry in self.accepted[path]}
            if status == 200 and headers["webhook-id"] not in seen:
                self.accepted[path].append({"webhook_id": headers["webhook-id"], "body": json.loads(body)})
        return status

    def received(self, name: str) -> list[dict]:
        with self.lock:
            return [entry["body"] for entry in self.accepted[f"/{name}"]]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.gate.set()
    server.close()


def wait_until(condition, *, timeout: float = DELIVERY_TIMEOUT_SECONDS):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting for webhook deliveries"
        time.sleep(0.1)


@pytest.fixture
def city():
    first, second = PrecinctFactory(column=0), PrecinctFactory(column=1)
    return {
        "first": first,
        "second": second,
        "reporter": UserFactory(role=Role.NEIGHBOR, first_name="Marta", last_name="Secreta", phone="+56999990000"),
        "dispatcher": staff_user(Role.DISPATCHER, [first], first_name="Cabo", last_name="Aguirre"),
    }


def raise_alert(reporter, *, column: int = 0, code: str = "robbery_in_progress", description: str = "Vivo en el 45"):
    lat, lon = cell_center(column)
    data = AlertInput(
        category=code, lat=lat + 0.0012345, lon=lon + 0.0012345, accuracy_meters=5, description=description
    )
    return alert_create(reporter=reporter, data=data).alert


def register(url: str, **kwargs) -> WebhookEndpoint:
    return webhook_endpoint_register(name="Integrador", url=url, event_types=kwargs.pop("event_types", ALL_TYPES),
                                     **kwargs)  # fmt: skip


# Registration: SSRF and settings


UNSAFE_ANYWHERE = ["ftp://93.184.216.34/x", "file:///etc/passwd", "javascript:alert(1)", "gopher://127.0.0.1:6379/_"]
UNSAFE_IN_PRODUCTION = [
    "http://127.0.0.1:6379/",
    "http://localhost/hook",
    "http://10.1.2.3/hook",
    "http://192.168.1.1/",
    "http://172.16.5.4/",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://0.0.0.0/",
    "http://100.64.0.1/",
    "http://224.0.0.1/",
    "http://240.0.0.1/",
]


def names_a_private_address(message: str) -> bool:
    before, after = str(security.ERROR_PRIVATE_ADDRESS).split("{address}")
    return message.startswith(before) and message.endswith(after)


@pytest.mark.django_db
@pytest.mark.parametrize("url", UNSAFE_ANYWHERE)
def test_non_http_urls_are_refused_even_where_loopback_is_allowed(url):
    with pytest.raises(DomainError) as refused:
        register(url)

    assert (refused.value.field, refused.value.message) == ("url", str(security.ERROR_SCHEME))
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("url", UNSAFE_IN_PRODUCTION)
def test_private_and_loopback_urls_are_refused_in_production_settings(url, settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = False

    with pytest.raises(DomainError) as refused:
        register(url)

    assert refused.value.field == "url"
    assert names_a_private_address(refused.value.message)
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://user:secret@93.184.216.34/hook", security.ERROR_CREDENTIALS),
        ("https://no-such-host.invalid/hook", security.ERROR_UNRESOLVED),
        ("https:///hook", security.ERROR_HOST),
    ],
)
def test_other_unusable_urls_are_refused(url, message):
    with pytest.raises(DomainError) as refused:
        register(url)

    assert (refused.value.field, refused.value.message) == ("url", str(message))
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.django_db
def test_a_public_address_is_accepted_with_a_generated_secret(settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = False

    endpoint = register("https://93.184.216.34/hooks/vigia")

    assert endpoint.secret.startswith("whsec_")
    assert len(base64.b64decode(endpoint.secret.removeprefix("whsec_"))) == 32


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"event_types": []}, "event_types", None),
        ({"event_types": ["alert.merged"]}, "event_types", None),
        ({"is_trusted_agency": True}, "is_trusted_agency", webhook_services.ERROR_TRUSTED_SCOPE),
        ({"secret": "abc"}, "secret", webhook_services.ERROR_SECRET),
    ],
)
def test_bad_endpoint_settings_are_refused(receiver, changes, field, message):
    with pytest.raises(DomainError) as refused:
        register(f"{receiver.url}/x", **changes)

    assert refused.value.field == field
    if message is not None:
        assert refused.value.message == str(message)
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.django_db
def test_the_admin_form_refuses_an_unsafe_url(settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = False
    form = WebhookEndpointForm(data={"name": "x", "url": "http://10.0.0.8/hook", "event_types": ["alert.created"],
                                     "is_active": "on"})  # fmt: skip

    assert not form.is_valid()
    assert names_a_private_address(form.errors["url"][0])


@pytest.mark.django_db
def test_the_admin_form_generates_a_secret(receiver):
    form = WebhookEndpointForm(data={"name": "x", "url": f"{receiver.url}/h", "event_types": ["alert.created"],
                                     "is_active": "on"})  # fmt: skip

    assert form.is_valid(), form.errors
    assert form.save().secret.startswith("whsec_")


# What each endpoint receives


@pytest.mark.django_db
def test_outsiders_get_the_community_view_and_trusted_agencies_the_full_one_in_scope(city, receiver):
    outsider = register(f"{receiver.url}/o")
    trusted = register(f"{receiver.url}/t", is_trusted_agency=True, precinct_ids=[city["first"].id])
    fire_only = register(f"{receiver.url}/f", is_trusted_agency=True, agency=Agency.BOMBEROS)
    inside, outside = raise_alert(city["reporter"], column=0), raise_alert(city["reporter"], column=1)
    event_in, event_out = (alert_events(alert)[0] for alert in (inside, outside))

    community = webhook_body(outsider, event_in)
    full = webhook_body(trusted, event_in)

    assert community["type"] == "alert.created"
    assert community["id"] == event_in.id
    assert "reporter" not in community["alert"]
    assert "description" not in community["alert"]
    assert "0012345" not in json.dumps(community)
    assert full["alert"]["reporter"]["phone"] == "+56999990000"
    assert full["alert"]["description"] == "Vivo en el 45"
    # Out of its scope a trusted endpoint gets nothing at all; another agency's endpoint neither
    assert webhook_body(trusted, event_out) is None
    assert webhook_body(fire_only, event_in) is None


@pytest.mark.django_db
def test_mass_messages_go_to_every_subscriber_whole(city, receiver):
    alerts_only = register(f"{receiver.url}/a", event_types=[EventType.ALERT_CREATED])
    everyone = register(f"{receiver.url}/e")
    message = mass_message_send(
        sender=city["dispatcher"],
        precinct_id=city["first"].id,
        content=MessageContent(headline="Corte de luz", body="Evite la zona."),
        target=MessageTarget(kind="precinct"),
    )
    (event,) = message_events(message)

    assert webhook_body(alerts_only, event) is None
    assert webhook_body(everyone, event)["message"]["headline"] == "Corte de luz"


def alert_events(alert):
    from backend.alerts.models import Event

    return list(Event.objects.filter(alert=alert).order_by("id"))


def message_events(message):
    from backend.alerts.models import Event

    return list(Event.objects.filter(message=message).order_by("id"))


# Delivery by the relay and a real worker


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_events_reach_the_endpoint_signed_and_logged(celery_worker, city, receiver):
    # Given an outsider's endpoint subscribed to alert creation and steps
    secret = secret_generate()
    endpoint = register(receiver.endpoint_url("city", secret), secret=secret,
                        event_types=[EventType.ALERT_CREATED, EventType.ALERT_STEP_ADDED])  # fmt: skip

    # When an alert is raised and dispatch takes a step
    alert = raise_alert(city["reporter"])
    alert_transition(alert_id=alert.id, actor=city["dispatcher"], status="acknowledged", note="Nota interna")

    # Then both events arrive, signed, as the community sees them
    wait_until(lambda: len(receiver.received("city")) == 2)
    created, step = receiver.received("city")
    assert (created["type"], step["type"]) == ("alert.created", "alert.step_added")
    assert created["alert"]["id"] == alert.id
    assert step["step"] == {"status": "acknowledged", "created_at": step["step"]["created_at"]}
    for secret_text in ("Marta", "+56999990000", "Vivo en el 45", "Nota interna", "Aguirre", "0012345"):
        assert secret_text not in json.dumps([created, step])
    # And the log shows one successful attempt for each
    wait_until(lambda: WebhookDelivery.objects.filter(status=DeliveryStatus.SUCCEEDED).count() == 2)
    deliveries = WebhookDelivery.objects.filter(endpoint=endpoint).order_by("event_id")
    assert [(d.event_type, d.attempt_count, d.last_status_code) for d in deliveries] == [
        ("alert.created", 1, 200),
        ("alert.step_added", 1, 200),
    ]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_failures_are_retried_with_backoff_and_every_attempt_is_logged(celery_worker, city, receiver, settings):
    # Given an endpoint that fails twice, and one that never recovers
    flaky_secret, dead_secret = secret_generate(), secret_generate()
    flaky = register(receiver.endpoint_url("flaky", flaky_secret), secret=flaky_secret,
                     event_types=[EventType.ALERT_CREATED])  # fmt: skip
    dead = register(receiver.endpoint_url("dead", dead_secret), secret=dead_secret,
                    event_types=[EventType.ALERT_CREATED])  # fmt: skip
    receiver.plan["/flaky"] = [500, 503]
    receiver.plan["/dead"] = [500] * 20

    # When an alert is raised
    raise_alert(city["reporter"])

    # Then the flaky endpoint gets it on the third attempt, and the dead one is given up on after the maximum
    wait_until(lambda: WebhookDelivery.objects.filter(endpoint=dead, status=DeliveryStatus.FAILED).exists())
    wait_until(lambda: WebhookDelivery.objects.filter(endpoint=flaky, status=DeliveryStatus.SUCCEEDED).exists())

    def attempts(endpoint):
        rows = WebhookAttempt.objects.filter(delivery__endpoint=endpoint).order_by("number")
        return list(rows.values_list("number", "status_code"))

    assert attempts(flaky) == [(1, 500), (2, 503), (3, 200)]
    assert attempts(dead) == [(number, 500) for number in range(1, settings.WEBHOOK_MAX_ATTEMPTS + 1)]
    # Every retry carried the same webhook-id (so receivers can drop repeats), with a fresh signature
    assert {entry["id"] for entry in receiver.attempts if entry["path"] == "/flaky"} == {
        WebhookDelivery.objects.get(endpoint=flaky).webhook_id
    }


def test_retry_delays_double_with_jitter_up_to_the_cap(settings, monkeypatch):
    settings.WEBHOOK_RETRY_BASE_SECONDS, settings.WEBHOOK_RETRY_MAX_SECONDS = 30.0, 3_600.0

    monkeypatch.setattr(webhook_services.random, "uniform", lambda low, high: low)
    lowest = [webhook_services.retry_delay(attempt) for attempt in (1, 2, 3, 9)]
    monkeypatch.setattr(webhook_services.random, "uniform", lambda low, high: high)
    highest = [webhook_services.retry_delay(attempt) for attempt in (1, 2, 3, 9)]

    assert lowest == [24.0, 48.0, 96.0, 3_600.0]
    assert highest == [36.0, 72.0, 144.0, 3_600.0]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
async def test_a_stuck_endpoint_does_not_hold_up_the_websockets(celery_worker, city, receiver):
    from asgiref.sync import sync_to_async

    # Given an endpoint that does not answer, and a dispatch console
    secret = secret_generate()
    await sync_to_async(register)(receiver.endpoint_url("stuck", secret), secret=secret,
                                  event_types=[EventType.ALERT_CREATED])  # fmt: skip
    receiver.gate.clear()
    token = await sync_to_async(api_token)(city["dispatcher"])
    console, _ = await ws_open("/ws/dispatch/", token=token)

    # When two alerts are raised while the endpoint hangs
    first = await sync_to_async(raise_alert)(city["reporter"])
    second = await sync_to_async(raise_alert)(city["reporter"], description="otra")

    # Then the console hears of both while the endpoint has still answered nothing
    frames = [await console.receive_json_from(timeout=15) for _ in range(2)]
    assert [frame["alert"]["id"] for frame in frames] == [first.id, second.id]
    assert receiver.received("stuck") == []
    receiver.gate.set()
    await console.disconnect()
    # Let the worker finish both deliveries: a delivery still writing its attempt holds row locks that the
    # teardown's TRUNCATE would deadlock with.
    await sync_to_async(wait_until)(
        lambda: WebhookDelivery.objects.filter(status=DeliveryStatus.SUCCEEDED).count() == 2
    )


@pytest.mark.django_db
def test_an_address_gone_private_is_refused_at_delivery(city, receiver, settings):
    # Given an endpoint registered while its address was allowed, and an event for it
    secret = secret_generate()
    endpoint = register(receiver.endpoint_url("moved", secret), secret=secret, event_types=[EventType.ALERT_CREATED])
    alert = raise_alert(city["reporter"])
    (event,) = alert_events(alert)

    # When its address is no longer acceptable at delivery time (as when DNS changes to a private address)
    settings.WEBHOOK_ALLOW_LOOPBACK = False
    retry_in = webhook_delivery_attempt(endpoint_id=endpoint.id, event_id=event.id)

    # Then nothing is sent, the attempt is logged as refused and not retried
    assert retry_in is None
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempt_count) == (DeliveryStatus.REFUSED, 1)
    assert WebhookAttempt.objects.get().error.startswith("refused: ")
    assert receiver.attempts == []
    # And a second job for the same event (the relay delivers at least once) sends nothing either
    assert webhook_delivery_attempt(endpoint_id=endpoint.id, event_id=event.id) is None
    assert WebhookAttempt.objects.count() == 1


@pytest.mark.django_db
def test_a_delivery_already_made_is_not_sent_again(city, receiver):
    secret = secret_generate()
    endpoint = register(receiver.endpoint_url("once", secret), secret=secret, event_types=[EventType.ALERT_CREATED])
    (event,) = alert_events(raise_alert(city["reporter"]))

    results = [webhook_delivery_attempt(endpoint_id=endpoint.id, event_id=event.id) for _ in range(2)]

    assert results == [None, None]
    assert len(receiver.attempts) == 1
    assert WebhookDelivery.objects.get().status == DeliveryStatus.SUCCEEDED
