"""Settings for pytest: the same real PostGIS and Redis, on separate databases and prefixes."""

import os

from .base import *  # noqa: F403
from .base import BASE_DIR, CACHES, CHANNEL_LAYERS, DATABASES, STORAGES, WEBPUSH_ALLOWED_HOSTS, env

DEBUG = False
WHITENOISE_USE_FINDERS = True
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES["default"]["LOCATION"] = env.str("TEST_CACHE_URL", default="redis://127.0.0.1:6379/11")
# Per run: tests clear only their own keys, so two runs can share one Redis database.
CACHES["default"]["KEY_PREFIX"] = env.str("TEST_CACHE_KEY_PREFIX", default=f"vigia-test-{os.getpid()}")
CHANNEL_LAYERS["default"]["CONFIG"]["hosts"][0]["address"] = env.str(
    "TEST_CHANNEL_LAYER_URL", default="redis://127.0.0.1:6379/12"
)
CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = "vigia-test"
CELERY_BROKER_URL = env.str("TEST_CELERY_BROKER_URL", default="redis://127.0.0.1:6379/13")
MEDIA_ROOT = BASE_DIR / "var" / "test-media"

# Realtime tests start server processes and a Celery worker of their own; per-run names keep
# concurrent test runs from hearing each other's groups and tasks on the shared Redis.
CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = env.str(
    "TEST_CHANNEL_LAYER_PREFIX", default=f"vigia-test-{os.getpid()}"
)
CELERY_TASK_DEFAULT_QUEUE = env.str("TEST_CELERY_QUEUE", default=f"vigia-test-{os.getpid()}")
# Local Web Push receivers in tests listen on plain http on loopback.
WEBPUSH_ALLOWED_SCHEMES = ["https", "http"]
WEBPUSH_ALLOWED_HOSTS = [*WEBPUSH_ALLOWED_HOSTS, "127.0.0.1"]

# Tests wrap each case in a transaction on one connection; a pool would hand out others.
DATABASES["default"]["OPTIONS"].pop("pool", None)

# Transactional tests flush and re-seed the category catalogue (new ids), which production never does; server
# processes of the test run must not keep the old rows.
ALERT_CATEGORY_CACHE_SECONDS = env.float("ALERT_CATEGORY_CACHE_SECONDS", default=0.0)

# The station: signing keys of this run (tests/plugins/station.py creates them), mail to a local SMTP server.
STATION_SIGNING_KEYS_DIR = env.path(
    "STATION_SIGNING_KEYS_DIR", default=str(BASE_DIR / "var" / f"test-station-keys-{os.getpid()}")
)
STATION_PUBLIC_URL = "http://testserver"
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = env.int("EMAIL_PORT", default=2525)

# Webhook receivers in tests listen on loopback; retries come quickly.
WEBHOOK_ALLOW_LOOPBACK = True
WEBHOOK_RETRY_BASE_SECONDS = env.float("WEBHOOK_RETRY_BASE_SECONDS", default=0.2)
WEBHOOK_RETRY_MAX_SECONDS = env.float("WEBHOOK_RETRY_MAX_SECONDS", default=1.0)
WEBHOOK_READ_TIMEOUT_SECONDS = env.float("WEBHOOK_READ_TIMEOUT_SECONDS", default=3.0)
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=4)
