"""Writes for webhooks: registering an endpoint (its URL checked against SSRF) and delivering one event to one
endpoint, one attempt at a time, with the delivery log."""

import json
import random
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from requests_hardened import Config, Manager
from requests_hardened.ip_filter import InvalidIPAddress

from backend.common.errors import DomainError

from ..models import DeliveryStatus, Event, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from .security import url_refusal
from .selectors import WEBHOOK_EVENT_TYPE_NAMES, webhook_body
from .signing import secret_generate, secret_valid, signed_headers

USER_AGENT = "Vigia-Webhooks/1.0"
EXCERPT_LENGTH = 300
ERROR_EVENT_TYPES = _("Choose at least one of the event types: {choices}.")
ERROR_TRUSTED_SCOPE = _("A trusted agency endpoint must be limited to precincts or an agency.")
ERROR_SECRET = _("The secret must be whsec_ followed by 24 to 64 bytes in base64 (leave it empty to get one).")
ERROR_REFUSED_AT_DELIVERY = "refused: {reason}"


def webhook_endpoint_problems(
    *, url: str, event_types: Iterable[str], is_trusted_agency: bool, has_scope: bool, secret: str
) -> dict[str, str]:
    """What is wrong with an endpoint's settings, by field (empty: nothing). The admin form shows the same."""
    problems: dict[str, str] = {}
    refusal = url_refusal(url, allow_loopback=settings.WEBHOOK_ALLOW_LOOPBACK)
    if refusal:
        problems["url"] = refusal
    types = list(event_types)
    if not types or any(event_type not in WEBHOOK_EVENT_TYPE_NAMES for event_type in types):
        problems["event_types"] = str(ERROR_EVENT_TYPES).format(choices=", ".join(sorted(WEBHOOK_EVENT_TYPE_NAMES)))
    if is_trusted_agency and not has_scope:
        problems["is_trusted_agency"] = str(ERROR_TRUSTED_SCOPE)
    if secret and not secret_valid(secret):
        problems["secret"] = str(ERROR_SECRET)
    return problems


@transaction.atomic
def webhook_endpoint_register(
    *,
    name: str,
    url: str,
    event_types: list[str],
    is_trusted_agency: bool = False,
    precinct_ids: Iterable[int] = (),
    agency: str = "",
    secret: str = "",
) -> WebhookEndpoint:
    """Register an endpoint; without a secret one is generated. Refused (400, naming the field) if unsafe."""
    precinct_ids = list(precinct_ids)
    problems = webhook_endpoint_problems(
        url=url,
        event_types=event_types,
        is_trusted_agency=is_trusted_agency,
        has_scope=bool(precinct_ids or agency),
        secret=secret,
    )
    if problems:
        field, message = next(iter(problems.items()))
        raise DomainError(message, field=field, extra={"fields": {key: [value] for key, value in problems.items()}})
    endpoint = WebhookEndpoint.objects.create(
        name=name,
        url=url,
        secret=secret or secret_generate(),
        event_types=list(dict.fromkeys(event_types)),
        is_trusted_agency=is_trusted_agency,
        agency=agency,
    )
    endpoint.precincts.set(precinct_ids)
    return endpoint


def retry_delay(attempt: int) -> float:
    """Exponential backoff with ±20 % jitter after attempt ``attempt`` (1-based), capped."""
    delay = settings.WEBHOOK_RETRY_BASE_SECONDS * (2 ** (attempt - 1)) * random.uniform(0.8, 1.2)
    return min(delay, settings.WEBHOOK_RETRY_MAX_SECONDS)


def _http() -> Manager:
    return Manager(
        Config(
            default_timeout=(settings.WEBHOOK_CONNECT_TIMEOUT_SECONDS, settings.WEBHOOK_READ_TIMEOUT_SECONDS),
            # A redirect could lead anywhere; endpoints must answer where they are registered.
            never_redirect=True,
            ip_filter_enable=True,
            ip_filter_allow_loopback_ips=settings.WEBHOOK_ALLOW_LOOPBACK,
            user_agent_override=USER_AGENT,
        )
    )


@dataclass(frozen=True)
class _Outcome:
    status_code: int | None = None
    error: str = ""
    excerpt: str = ""
    is_refused: bool = False

    @property
    def is_success(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def _post(endpoint: WebhookEndpoint, delivery: WebhookDelivery, body: str) -> _Outcome:
    refusal = url_refusal(endpoint.url, allow_loopback=settings.WEBHOOK_ALLOW_LOOPBACK)
    if refusal:
        return _Outcome(error=ERROR_REFUSED_AT_DELIVERY.format(reason=refusal)[:EXCERPT_LENGTH], is_refused=True)
    headers = {
        **signed_headers(secret=endpoint.secret, message_id=delivery.webhook_id, body=body, at=timezone.now()),
        "Content-Type": "application/json",
    }
    try:
        response = _http().send_request("POST", endpoint.url, data=body.encode(), headers=headers)
    except InvalidIPAddress as error:
        return _Outcome(error=ERROR_REFUSED_AT_DELIVERY.format(reason=f"address {error}"), is_refused=True)
    except requests.RequestException as error:
        return _Outcome(error=f"{type(error).__name__}: {error}"[:EXCERPT_LENGTH])
    return _Outcome(status_code=response.status_code, excerpt=response.text[:EXCERPT_LENGTH])


def _delivery_for(endpoint: WebhookEndpoint, event_id: int) -> tuple[WebhookDelivery | None, Event | None]:
    event = Event.objects.filter(id=event_id).first()
    delivery = WebhookDelivery.objects.filter(endpoint=endpoint, event_id=event_id).first()
    if delivery is None and event is not None:
        delivery, _ = WebhookDelivery.objects.get_or_create(
            endpoint=endpoint, event_id=event_id, defaults={"event_type": event.type}
        )
    return delivery, event


def webhook_delivery_attempt(*, endpoint_id: int, event_id: int) -> float | None:
    """Make the next attempt to deliver ``event_id`` to an endpoint and log it; returns the seconds to wait before
    the next attempt, or None when the delivery is over (delivered, given up, refused, or nothing to send).

    Delivery is at least once (the relay may queue an event twice after a crash): a delivery already over is
    not sent again, and receivers drop repeats by the ``webhook-id`` header.
    """
    endpoint = WebhookEndpoint.objects.filter(id=endpoint_id, is_active=True).prefetch_related("precincts").first()
    if endpoint is None:
        return None
    delivery, event = _delivery_for(endpoint, event_id)
    if delivery is None or delivery.status in (DeliveryStatus.SUCCEEDED, DeliveryStatus.FAILED, DeliveryStatus.REFUSED):
        return None
    body = webhook_body(endpoint, event) if event is not None else None
    if body is None:
        # The event was pruned, or the endpoint's scope changed since it was queued: nothing may be sent.
        return None
    started = timezone.now()
    clock = time.monotonic()
    outcome = _post(endpoint, delivery, json.dumps(body, ensure_ascii=False, separators=(",", ":")))
    duration_ms = round((time.monotonic() - clock) * 1000)
    return _attempt_record(delivery=delivery, outcome=outcome, started=started, duration_ms=duration_ms)


@transaction.atomic
def _attempt_record(*, delivery: WebhookDelivery, outcome: _Outcome, started, duration_ms: int) -> float | None:
    WebhookDelivery.objects.filter(id=delivery.id).update(attempt_count=F("attempt_count") + 1)
    delivery.refresh_from_db(fields=["attempt_count"])
    number = delivery.attempt_count
    WebhookAttempt.objects.create(
        delivery=delivery,
        number=number,
        started_at=started,
        duration_ms=duration_ms,
        status_code=outcome.status_code,
        error=outcome.error,
        response_excerpt=outcome.excerpt,
    )
    delivery.last_status_code = outcome.status_code
    retry_in = None
    if outcome.is_success:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at = (
            DeliveryStatus.SUCCEEDED,
            timezone.now(),
            None,
        )
    elif outcome.is_refused:
        delivery.status, delivery.next_attempt_at = DeliveryStatus.REFUSED, None
    elif number >= settings.WEBHOOK_MAX_ATTEMPTS:
        delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
    else:
        retry_in = retry_delay(number)
        delivery.status = DeliveryStatus.RETRYING
        delivery.next_attempt_at = timezone.now() + timedelta(seconds=retry_in)
    delivery.save(update_fields=["status", "last_status_code", "delivered_at", "next_attempt_at"])
    return retry_in
