"""Settings for pytest: the same real PostGIS and Redis, on separate databases and prefixes."""

from .base import *  # noqa: F403
from .base import BASE_DIR, CACHES, CHANNEL_LAYERS, STORAGES, env

DEBUG = False
WHITENOISE_USE_FINDERS = True
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES["default"]["LOCATION"] = env.str("TEST_CACHE_URL", default="redis://127.0.0.1:6379/11")
CACHES["default"]["KEY_PREFIX"] = "vigia-test"
CHANNEL_LAYERS["default"]["CONFIG"]["hosts"][0]["address"] = env.str(
    "TEST_CHANNEL_LAYER_URL", default="redis://127.0.0.1:6379/12"
)
CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = "vigia-test"
CELERY_BROKER_URL = env.str("TEST_CELERY_BROKER_URL", default="redis://127.0.0.1:6379/13")
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
