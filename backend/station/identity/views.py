"""The two ClaveÚnica endpoints of ours: start (full-page redirect to ClaveÚnica) and the callback."""

import logging

from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

logger = logging.getLogger(__name__)


class ClaveUnicaStartView(OIDCAuthenticationRequestView):
    """A fresh state and nonce per attempt, kept in the session, then off to ClaveÚnica."""


class ClaveUnicaCallbackView(OIDCAuthenticationCallbackView):
    def get(self, request):
        try:
            return super().get(request)
        except SuspiciousOperation as error:
            # An unknown or replayed state: a person who gets here sees the login page with a plain message.
            logger.warning("ClaveÚnica callback refused: %s", error)
            return self.login_failure()
