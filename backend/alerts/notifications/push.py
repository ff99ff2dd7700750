"""Push notifications: who gets one for an event, and sending through FCM (firebase-admin) and Web Push.

Recipients of an alert event are the members whose zones meet its (snapped) point, minus those who
turned the category off and minus the actor; the reporter also hears of each step on their own alert.
Mass messages reach every member whose zones meet the area, except the sender.

A push carries a short title and body and the event id only, never the reporter, the description or
the exact location: push services are third parties, so the app fetches details over the API. Each
recipient reads it in their own language (``User.language``): devices are planned in batches per language,
and each batch renders its notice under ``translation.override``.

The sending functions report per device what happened (sent, dead, worth retrying); ``tasks.py``
retries the last group with exponential backoff.
"""

import json
import logging
import os
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import firebase_admin
import requests
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy
from firebase_admin import credentials, exceptions, messaging
from pywebpush import WebPushException, webpush

from backend.accounts.language import supported_language

from ..community.selectors import zone_member_ids
from ..models import AlertStatus, Device, DeviceKind, Event, EventType, MassMessage, PushPreference

logger = logging.getLogger(__name__)

# firebase-admin's send_each refuses more than 500 messages per call.
FCM_BATCH_SIZE = 500
WEBPUSH_BATCH_SIZE = 100
WEBPUSH_CONCURRENCY = 16
WEBPUSH_TTL_SECONDS = 3_600
TITLE_MAX_LENGTH = 80
BODY_MAX_LENGTH = 180
FCM_APP_NAME = "vigia-push"
ALERT_EVENT_TYPES = frozenset({EventType.ALERT_CREATED, EventType.ALERT_STEP_ADDED})
MESSAGE_EVENT_TYPES = frozenset({EventType.MESSAGE_SENT, EventType.MESSAGE_UPDATED, EventType.MESSAGE_CANCELLED})
MESSAGE_TITLE = {
    EventType.MESSAGE_UPDATED: pgettext_lazy("push title of a changed mass message", "Update: {headline}"),
    EventType.MESSAGE_CANCELLED: pgettext_lazy("push title of a withdrawn mass message", "Cancelled: {headline}"),
}
ALERT_TITLE = gettext_lazy("Alert: {category}")
ALERT_BODY = gettext_lazy("Near one of your zones.")
# Tokens that will never work again; other errors are either transient (retried) or logged.
FCM_DEAD_ERRORS = (messaging.UnregisteredError, messaging.SenderIdMismatchError)
FCM_TRANSIENT_ERRORS = (
    exceptions.UnavailableError,
    exceptions.InternalError,
    exceptions.DeadlineExceededError,
    exceptions.ResourceExhaustedError,
    exceptions.UnknownError,
)
WEBPUSH_DEAD_STATUSES = frozenset({404, 410})
WEBPUSH_TRANSIENT_STATUSES = frozenset({408, 429})

_fcm_lock = threading.Lock()


@dataclass(frozen=True, kw_only=True)
class PushNotice:
    title: str
    body: str
    data: dict[str, str]


@dataclass(kw_only=True)
class SendOutcome:
    """What happened to each device of one batch."""

    sent: list[int] = field(default_factory=list)
    dead: list[int] = field(default_factory=list)
    retry: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def category_label(category: dict) -> str:
    """A category's label in the active language (categories carry their own Spanish and English labels)."""
    return category["label_es"] if translation.get_language().startswith("es") else category["label_en"]


def event_notice(event: Event, *, language: str = settings.LANGUAGE_CODE) -> PushNotice:
    """The push for ``event``, written in ``language`` (Spanish if we no longer offer it)."""
    with translation.override(supported_language(language) or settings.LANGUAGE_CODE):
        return _event_notice(event)


def _event_notice(event: Event) -> PushNotice:
    data = {"event_id": str(event.id), "type": event.type}
    if event.type in MESSAGE_EVENT_TYPES:
        message = event.payload["message"]
        data["message_id"] = str(message["id"])
        # The headline and body are the sender's words, in the language they wrote them.
        title = MESSAGE_TITLE[event.type].format(headline=message["headline"]) if event.type in MESSAGE_TITLE else ""
        return PushNotice(
            title=_short(title or message["headline"], TITLE_MAX_LENGTH),
            body=_short(message["body"], BODY_MAX_LENGTH),
            data=data,
        )
    alert = event.payload["alert"]
    data["alert_id"] = str(alert["id"])
    label = category_label(alert["category"])
    if event.type == EventType.ALERT_STEP_ADDED:
        status = event.payload["step"]["status"]
        return PushNotice(title=_short(label, TITLE_MAX_LENGTH), body=str(AlertStatus(status).label), data=data)
    return PushNotice(
        title=_short(ALERT_TITLE.format(category=label), TITLE_MAX_LENGTH), body=gettext(ALERT_BODY), data=data
    )


def event_recipient_ids(event: Event) -> set[int]:
    """Users who should get a push for ``event`` (see the module docstring)."""
    if event.type in MESSAGE_EVENT_TYPES:
        sender_id = MassMessage.objects.filter(id=event.message_id).values_list("sender_id", flat=True).first()
        return set(zone_member_ids(event.area)) - {sender_id}
    if event.type not in ALERT_EVENT_TYPES:
        return set()
    alert = event.payload["alert"]
    reporter_id = alert["reporter"]["id"]
    members = set(zone_member_ids(event.area)) if event.community_payload is not None and event.area else set()
    muted = PushPreference.objects.filter(
        user_id__in=members, category__code=alert["category"]["code"], is_enabled=False
    ).values_list("user_id", flat=True)
    members -= set(muted)
    if event.type == EventType.ALERT_CREATED:
        return members - {reporter_id}
    actor = event.payload.get("step", {}).get("actor") or {}
    return (members | {reporter_id}) - {actor.get("id")}


@dataclass(frozen=True)
class PushBatch:
    """Devices of one kind whose users read one language: one send, one rendering of the notice."""

    kind: str
    language: str
    device_ids: list[int]


def event_push_batches(event: Event) -> Iterator[PushBatch]:
    """The devices to notify of ``event``, per language: FCM ones in batches of 500, Web Push ones of 100."""
    recipients = event_recipient_ids(event)
    devices = Device.objects.filter(user_id__in=recipients).order_by("id").values_list("id", "kind", "user__language")
    by_group: dict[tuple[str, str], list[int]] = {}
    for device_id, kind, language in devices:
        by_group.setdefault((kind, language), []).append(device_id)
    for (kind, language), device_ids in sorted(by_group.items()):
        size = FCM_BATCH_SIZE if kind == DeviceKind.FCM else WEBPUSH_BATCH_SIZE
        for chunk in _chunks(device_ids, size):
            yield PushBatch(kind=kind, language=language, device_ids=chunk)


def _chunks(items: list[int], size: int) -> list[list[int]]:
    return [items[start : start + size] for start in range(0, len(items), size)]


def _record(outcome: SendOutcome) -> SendOutcome:
    if outcome.sent:
        Device.objects.filter(id__in=outcome.sent).update(last_success_at=timezone.now())
    if outcome.dead:
        Device.objects.filter(id__in=outcome.dead).delete()
        logger.info("Pruned %d dead push registrations.", len(outcome.dead))
    return outcome


# FCM


def fcm_is_configured() -> bool:
    return bool(settings.FCM_CREDENTIALS_FILE or os.environ.get("GOOGLE_APPLICATION_CREDENTIALS"))


def fcm_app() -> firebase_admin.App:
    """The firebase-admin app used for pushes, created once per process."""
    with _fcm_lock:
        try:
            return firebase_admin.get_app(FCM_APP_NAME)
        except ValueError:
            pass
        credential = (
            credentials.Certificate(settings.FCM_CREDENTIALS_FILE)
            if settings.FCM_CREDENTIALS_FILE
            else credentials.ApplicationDefault()
        )
        options: dict = {"httpTimeout": settings.FCM_HTTP_TIMEOUT_SECONDS}
        if settings.FCM_PROJECT_ID:
            options["projectId"] = settings.FCM_PROJECT_ID
        app = firebase_admin.initialize_app(credential, options, name=FCM_APP_NAME)
        if settings.FCM_ENDPOINT_OVERRIDE:
            # The messaging client keeps its endpoint on the instance; contract tests point it at a local fake.
            service = messaging._get_messaging_service(app)
            service._fcm_url = (
                f"{settings.FCM_ENDPOINT_OVERRIDE.rstrip('/')}/v1/projects/{app.project_id}/messages:send"
            )
        return app


def _fcm_message(token: str, notice: PushNotice) -> messaging.Message:
    return messaging.Message(
        token=token,
        notification=messaging.Notification(title=notice.title, body=notice.body),
        data=notice.data,
        android=messaging.AndroidConfig(priority="high", ttl=WEBPUSH_TTL_SECONDS),
    )


def fcm_send(*, device_ids: Iterable[int], notice: PushNotice) -> SendOutcome:
    """Send one notice to up to 500 FCM devices with a single ``send_each`` call."""
    devices = list(Device.objects.filter(id__in=list(device_ids), kind=DeviceKind.FCM).values_list("id", "token"))
    outcome = SendOutcome()
    if not devices:
        return outcome
    if len(devices) > FCM_BATCH_SIZE:
        raise ValueError(f"At most {FCM_BATCH_SIZE} FCM devices per call.")
    if not fcm_is_configured():
        logger.warning("FCM is not configured; %d devices skipped.", len(devices))
        outcome.failed = [device_id for device_id, _ in devices]
        return outcome
    try:
        batch = messaging.send_each([_fcm_message(token, notice) for _, token in devices], app=fcm_app())
    except exceptions.FirebaseError:
        logger.warning("FCM send_each failed as a whole; retrying the batch.", exc_info=True)
        outcome.retry = [device_id for device_id, _ in devices]
        return outcome
    for (device_id, _), response in zip(devices, batch.responses, strict=True):
        if response.success:
            outcome.sent.append(device_id)
        elif isinstance(response.exception, FCM_DEAD_ERRORS):
            outcome.dead.append(device_id)
        elif isinstance(response.exception, FCM_TRANSIENT_ERRORS):
            outcome.retry.append(device_id)
        else:
            logger.warning("FCM refused device %s: %s", device_id, response.exception)
            outcome.failed.append(device_id)
    return _record(outcome)


# Web Push


def webpush_is_configured() -> bool:
    return bool(settings.WEBPUSH_VAPID_PRIVATE_KEY)


def _webpush_one(endpoint: str, keys: dict, payload: str) -> str:
    """Send one encrypted Web Push message; returns "sent", "dead", "retry" or "failed"."""
    try:
        webpush(
            subscription_info={"endpoint": endpoint, "keys": keys},
            data=payload,
            vapid_private_key=settings.WEBPUSH_VAPID_PRIVATE_KEY,
            # pywebpush adds aud and exp to the claims it is given, so each call gets its own dict.
            vapid_claims={"sub": settings.WEBPUSH_VAPID_SUBJECT},
            ttl=WEBPUSH_TTL_SECONDS,
            timeout=settings.WEBPUSH_TIMEOUT_SECONDS,
        )
    except WebPushException as error:
        status = error.response.status_code if error.response is not None else None
        if status in WEBPUSH_DEAD_STATUSES:
            return "dead"
        if status is None or status >= 500 or status in WEBPUSH_TRANSIENT_STATUSES:
            return "retry"
        logger.warning("Web Push refused %s with %s.", endpoint, status)
        return "failed"
    except requests.RequestException:
        return "retry"
    return "sent"


def webpush_send(*, device_ids: Iterable[int], notice: PushNotice) -> SendOutcome:
    """Send one notice to Web Push subscriptions, a few at a time."""
    devices = list(
        Device.objects.filter(id__in=list(device_ids), kind=DeviceKind.WEB_PUSH).values_list("id", "token", "keys")
    )
    outcome = SendOutcome()
    if not devices:
        return outcome
    if not webpush_is_configured():
        logger.warning("Web Push has no VAPID key; %d devices skipped.", len(devices))
        outcome.failed = [device_id for device_id, _, _ in devices]
        return outcome
    payload = json.dumps({"title": notice.title, "body": notice.body, "data": notice.data})
    with ThreadPoolExecutor(max_workers=min(WEBPUSH_CONCURRENCY, len(devices))) as pool:
        results = list(pool.map(lambda device: _webpush_one(device[1], device[2], payload), devices))
    for (device_id, _, _), result in zip(devices, results, strict=True):
        getattr(outcome, result).append(device_id)
    return _record(outcome)
