"""Leaving: a ClaveÚnica session must also end at ClaveÚnica, through its logout URL."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.urls import reverse

BACKEND_PATH = "backend.station.identity.backend.ClaveUnicaBackend"


def signed_in_with_claveunica(request) -> bool:
    return request.session.get(BACKEND_SESSION_KEY) == BACKEND_PATH


def provider_logout_url(request) -> str:
    """ClaveÚnica's logout, bringing the person back to our login page."""
    back = request.build_absolute_uri(reverse("dashboards:login"))
    return f"{settings.CLAVEUNICA_LOGOUT_URL}?{urlencode({'redirect': back})}"
