"""Writes for Open311: a posted request becomes an alert like any other, and integrators' keys are issued and revoked.

A request goes through ``alert_create`` as the key's system neighbor: it is routed, logged (dispatch sees it live),
limited by the key's own rates (the per-reporter limiter), and a client ``token`` is its idempotency key.
"""

import secrets
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from backend.accounts.models import Role
from backend.common.ratelimit import Limit
from backend.geo.selectors import OutsideJurisdiction

from ..incidents.services import AlertInput, alert_create
from ..models import Alert, LocationSource, Open311ApiKey, Open311Request
from .errors import Open311Error, field_error
from .selectors import api_key_digest, api_key_get, comuna_for_address, open311_service_get
from .serializers import ERROR_ADDRESS_UNKNOWN, attributes_text, attributes_validate

# Open311 sends no accuracy with lat/long; this is a phone's typical GPS error, not a measurement.
POINT_ACCURACY_METERS = 30.0
KEY_BYTES = 32
KEY_PREFIX_LENGTH = 8

ERROR_KEY_MISSING = _("api_key is required to post a request.")
ERROR_KEY_INVALID = _("Invalid api_key.")
ERROR_KEY_REVOKED = _("This api_key was revoked.")
ERROR_SERVICE_UNKNOWN = _("No service with this code is open to Open311.")
ERROR_SERVICE_NOT_ALLOWED = _("This api_key may not post requests for this service.")
ERROR_OUTSIDE = _("The location is outside every jurisdiction we serve.")


@dataclass(frozen=True, kw_only=True)
class Open311RequestInput:
    service_code: str
    lat: float | None = None
    lon: float | None = None
    address_string: str = ""
    description: str = ""
    media_url: str = ""
    token: str = ""
    answers: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Open311Creation:
    alert: Alert
    is_new: bool
    service_notice: str


def api_key_authenticate(raw_key: str) -> Open311ApiKey:
    """The usable key with this value, or a 403 that says what is wrong with it."""
    if not raw_key:
        raise Open311Error(403, field_error("api_key", ERROR_KEY_MISSING))
    key = api_key_get(raw_key)
    if key is None:
        raise Open311Error(403, field_error("api_key", ERROR_KEY_INVALID))
    if not key.is_usable:
        raise Open311Error(403, field_error("api_key", ERROR_KEY_REVOKED))
    return key


def _located(data: Open311RequestInput) -> tuple[float, float, float, str]:
    """(lat, lon, accuracy in metres, source): the point sent, or the comuna named in address_string."""
    if data.lat is not None and data.lon is not None:
        return data.lat, data.lon, POINT_ACCURACY_METERS, LocationSource.POINT
    comuna = comuna_for_address(data.address_string)
    if comuna is None:
        raise Open311Error(400, field_error("address_string", ERROR_ADDRESS_UNKNOWN))
    return comuna.lat, comuna.lon, comuna.accuracy_meters, LocationSource.COMUNA


def open311_request_create(*, api_key: Open311ApiKey, data: Open311RequestInput) -> Open311Creation:
    """Check the request against the service and the key, then create its alert; nothing is written on refusal."""
    service = open311_service_get(data.service_code)
    if service is None:
        raise Open311Error(404, field_error("service_code", ERROR_SERVICE_UNKNOWN))
    if not api_key.categories.filter(id=service.category_id).exists():
        raise Open311Error(403, field_error("service_code", ERROR_SERVICE_NOT_ALLOWED))
    answers, errors = attributes_validate(service, data.answers)
    if errors:
        raise Open311Error(400, *errors)
    lat, lon, accuracy, source = _located(data)
    extra = attributes_text(service, answers)
    description = "\n\n".join(part for part in (data.description.strip(), extra) if part)
    limits = (Limit(count=api_key.requests_per_minute, per_seconds=60),
              Limit(count=api_key.requests_per_day, per_seconds=86_400))  # fmt: skip
    alert_input = AlertInput(
        category=data.service_code, lat=lat, lon=lon, accuracy_meters=accuracy, description=description
    )
    try:
        with transaction.atomic():
            creation = alert_create(
                reporter=api_key.reporter, data=alert_input, idempotency_key=data.token, limits=limits
            )
            if creation.is_new:
                # After the alert's event: one short insert more while the event log's ordering lock is held.
                Open311Request.objects.create(
                    alert=creation.alert,
                    api_key=api_key,
                    token=data.token,
                    location_source=source,
                    address_string=data.address_string.strip(),
                    media_url=data.media_url,
                    attributes=answers,
                )
                Open311ApiKey.objects.filter(id=api_key.id).update(last_used_at=timezone.now())
    except OutsideJurisdiction as error:
        raise Open311Error(400, field_error("lat", ERROR_OUTSIDE)) from error
    return Open311Creation(alert=creation.alert, is_new=creation.is_new, service_notice=service.service_notice)


@transaction.atomic
def open311_api_key_issue(*, key: Open311ApiKey) -> str:
    """Save a new key with its system neighbor; returns the key's value, which is never stored and shown once."""
    raw_key = secrets.token_urlsafe(KEY_BYTES)
    reporter = get_user_model()(
        username=f"open311-{slugify(key.name)[:40] or 'client'}-{secrets.token_hex(3)}",
        first_name="Open311",
        last_name=key.name[:150],
        role=Role.NEIGHBOR,
        # Nobody signs in as an integrator: it only posts through its api_key.
        is_active=False,
    )
    reporter.set_unusable_password()
    reporter.save()
    key.reporter = reporter
    key.key_prefix = raw_key[:KEY_PREFIX_LENGTH]
    key.key_digest = api_key_digest(raw_key)
    key.save()
    return raw_key


@transaction.atomic
def open311_api_key_revoke(*, key_id: int) -> int:
    """Revoke keys for good (a revoked key cannot be re-enabled; issue a new one); returns how many changed."""
    return Open311ApiKey.objects.filter(id=key_id, revoked_at__isnull=True).update(
        is_active=False, revoked_at=timezone.now()
    )
