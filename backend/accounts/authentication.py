"""API token authentication: django-rest-knox tokens that also die with the password they were issued under."""

import hashlib
from hmac import compare_digest

from django.utils import timezone
from django.utils.translation import gettext_lazy
from knox import auth as knox_auth
from rest_framework import exceptions

from .language import api_language_activate

ERROR_TOKEN_INVALID = gettext_lazy("Invalid token.")
# Ours are 64 characters; anything much longer is refused before it is hashed.
MAX_TOKEN_LENGTH = 256
ERROR_TOKEN_REVOKED = gettext_lazy("This token was revoked by a password change; log in again.")


def password_fingerprint(user) -> str:
    """A digest of the stored password hash. Django salts every new hash, so any password change alters it.

    Plain SHA-256 rather than an HMAC keyed by SECRET_KEY: rotating the key must not log every app out.
    """
    return hashlib.sha256(user.password.encode()).hexdigest()


class TokenAuthentication(knox_auth.TokenAuthentication):
    """``Authorization: Token <key>`` with knox's hashed, expiring tokens, refused once the password changes.

    This covers every way a password can change (the API, the admin, ``changepassword``, a shell), since the
    check is made on use; the services also delete the tokens outright.
    """

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            # The first moment a token's user is known (DRF authenticates after every middleware): answer in
            # their language from here on, unless the request named one (accounts/language.py).
            api_language_activate(request._request, result[0])
        return result

    def authenticate_credentials(self, token: bytes):
        try:
            token.decode()
        except UnicodeDecodeError as error:  # knox would let this become a 500
            raise exceptions.AuthenticationFailed(ERROR_TOKEN_INVALID) from error
        return super().authenticate_credentials(token)

    def validate_user(self, auth_token):
        user, auth_token = super().validate_user(auth_token)
        if not compare_digest(auth_token.password_fingerprint, password_fingerprint(user)):
            auth_token.delete()
            raise exceptions.AuthenticationFailed(ERROR_TOKEN_REVOKED)
        return user, auth_token

    def _cleanup_token(self, auth_token) -> bool:
        # knox also loads and sweeps all of the user's other tokens here, on every request; expired ones are
        # pruned hourly instead (accounts.tasks.credentials_prune), so a request costs one token query.
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False


def token_user(key: str):
    """The active user whose valid token ``key`` is, or None (for websockets, which have no DRF request)."""
    if not isinstance(key, str) or not key or len(key) > MAX_TOKEN_LENGTH:
        return None
    try:
        user, _ = TokenAuthentication().authenticate_credentials(key.encode())
    except exceptions.AuthenticationFailed:
        return None
    return user
