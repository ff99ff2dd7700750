"""Writes for push registrations (FCM tokens, Web Push subscriptions) and per-category preferences."""

import base64
import binascii
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from backend.common.errors import DomainError, NotFound

from ..models import Category, Device, DeviceKind, PushPreference

MAX_TOKEN_LENGTH = 1024
FCM_TOKEN_PATTERN = re.compile(r"[A-Za-z0-9:_\-]+")
# Uncompressed P-256 public key and the 16-byte auth secret (RFC 8291), base64url-encoded.
P256DH_BYTES = 65
AUTH_SECRET_BYTES = 16

ERROR_KIND = format_lazy(gettext_lazy("kind must be one of {choices}."), choices=", ".join(DeviceKind.values))
ERROR_FCM_TOKEN = gettext_lazy("Not an FCM registration token.")
ERROR_ENDPOINT = gettext_lazy("The subscription endpoint must be an https URL of a known push service.")
ERROR_KEYS = gettext_lazy("The subscription needs base64url keys p256dh (65 bytes) and auth (16 bytes).")
ERROR_UNKNOWN_CATEGORY = gettext_lazy("Unknown category {code!r}.")
ERROR_DEVICE_NOT_FOUND = gettext_lazy("No such device.")


def _base64url_length(value) -> int | None:
    if not isinstance(value, str):
        return None
    try:
        return len(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
    except (binascii.Error, ValueError):
        return None


def _endpoint_allowed(endpoint: str) -> bool:
    """Only known push services: the worker POSTs to this URL, so anything else would be an SSRF hole."""
    parts = urlsplit(endpoint)
    host = (parts.hostname or "").lower()
    if parts.scheme not in settings.WEBPUSH_ALLOWED_SCHEMES or not host:
        return False
    return any(host == suffix or host.endswith(f".{suffix}") for suffix in settings.WEBPUSH_ALLOWED_HOSTS)


@transaction.atomic
def device_register(*, user, kind: str, token: str, keys: dict | None = None) -> Device:
    """Register (or move to ``user``) a device; the same token registered twice stays one row."""
    if kind == DeviceKind.FCM:
        if not token or len(token) > MAX_TOKEN_LENGTH or not FCM_TOKEN_PATTERN.fullmatch(token):
            raise DomainError(ERROR_FCM_TOKEN, field="token")
        keys = {}
    elif kind == DeviceKind.WEB_PUSH:
        if not token or len(token) > MAX_TOKEN_LENGTH or not _endpoint_allowed(token):
            raise DomainError(ERROR_ENDPOINT, field="endpoint")
        keys = keys or {}
        if (
            _base64url_length(keys.get("p256dh")) != P256DH_BYTES
            or _base64url_length(keys.get("auth")) != AUTH_SECRET_BYTES
        ):
            raise DomainError(ERROR_KEYS, field="keys")
        keys = {"p256dh": keys["p256dh"], "auth": keys["auth"]}
    else:
        raise DomainError(ERROR_KIND, field="kind")
    device, _ = Device.objects.update_or_create(kind=kind, token=token, defaults={"user": user, "keys": keys})
    return device


@transaction.atomic
def device_unregister(*, user, device_id: int) -> None:
    deleted, _ = Device.objects.filter(user=user, id=device_id).delete()
    if not deleted:
        raise NotFound(ERROR_DEVICE_NOT_FOUND)


@transaction.atomic
def push_preferences_set(*, user, preferences: dict[str, bool]) -> None:
    """Turn pushes per category on or off; categories not named keep their setting."""
    categories = {category.code: category for category in Category.objects.filter(code__in=preferences)}
    for code in preferences:
        if code not in categories:
            raise DomainError(ERROR_UNKNOWN_CATEGORY.format(code=code), field="preferences")
    for code, is_enabled in preferences.items():
        PushPreference.objects.update_or_create(
            user=user, category=categories[code], defaults={"is_enabled": bool(is_enabled)}
        )
