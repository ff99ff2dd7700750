"""ClaveÚnica on top of mozilla-django-oidc: what differs from plain OpenID Connect is handled here.

* the token request carries ``state`` too, as ClaveÚnica's manual asks;
* userinfo is called with POST (the library uses GET);
* the ID token's issuer and audience are checked (the library checks signature, expiry and nonce);
* the person is the RUN from ``RolUnico``, never ``sub`` or an email, and one RUT is one account.
"""

import logging

import requests
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from .claims import InvalidClaims, person_from_claims
from .services import claveunica_user_sign_in

logger = logging.getLogger(__name__)

ERROR_ISSUER = "The ID token comes from another issuer."
ERROR_AUDIENCE = "The ID token was issued for another client."
ERROR_SUBJECT = "Userinfo describes another subject than the ID token."


class ClaveUnicaBackend(OIDCAuthenticationBackend):
    def get_token(self, payload):
        return super().get_token({**payload, "state": self.request.GET.get("state", "")})

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        if payload.get("iss") != settings.CLAVEUNICA_ISSUER:
            raise SuspiciousOperation(ERROR_ISSUER)
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation(ERROR_AUDIENCE)
        return payload

    def get_userinfo(self, access_token, id_token, payload):
        response = requests.post(
            self.OIDC_OP_USER_ENDPOINT,
            headers={"Authorization": f"Bearer {access_token}"},
            timeout=self.get_settings("OIDC_TIMEOUT", None),
            verify=self.get_settings("OIDC_VERIFY_SSL", True),
        )
        response.raise_for_status()
        return response.json()

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        if str(claims.get("sub", "")) != str(payload.get("sub", "")):
            raise SuspiciousOperation(ERROR_SUBJECT)
        try:
            person = person_from_claims(claims)
        except InvalidClaims as error:
            raise SuspiciousOperation(str(error)) from error
        return claveunica_user_sign_in(person=person)

    def authenticate(self, request, **kwargs):
        try:
            return super().authenticate(request, **kwargs)
        except (requests.RequestException, SuspiciousOperation) as error:
            # The callback view then sends the person back to the login page with a plain message.
            logger.warning("ClaveÚnica sign-in failed: %s", error)
            return None
