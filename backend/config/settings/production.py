"""Production settings: refuse to start when misconfigured."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import INSECURE_DEFAULT_SECRET_KEY, OIDC_RP_CLIENT_SECRET, env

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=INSECURE_DEFAULT_SECRET_KEY)

if DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG must be off in production.")
if SECRET_KEY == INSECURE_DEFAULT_SECRET_KEY or len(SECRET_KEY) < 40:
    raise ImproperlyConfigured("Set DJANGO_SECRET_KEY to a random value of at least 40 characters in production.")

if OIDC_RP_CLIENT_SECRET in ("", "vigia-demo-secret"):
    raise ImproperlyConfigured("Set CLAVEUNICA_CLIENT_ID and CLAVEUNICA_CLIENT_SECRET in production.")

if env.bool("WEBHOOK_ALLOW_LOOPBACK", default=False):
    raise ImproperlyConfigured("WEBHOOK_ALLOW_LOOPBACK is for tests only: production refuses loopback webhooks (SSRF).")
WEBHOOK_ALLOW_LOOPBACK = False

# No SECURE_PROXY_SSL_HEADER: it would believe X-Forwarded-Proto from anyone. asgi.py takes the scheme from
# TRUSTED_PROXIES only, so behind a TLS-terminating proxy set TRUSTED_PROXIES to its address.
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31_536_000)
SECURE_CONTENT_TYPE_NOSNIFF = True
