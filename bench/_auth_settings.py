"""bench_auth only: the project's settings plus DRF's authtoken app, the baseline it measures against."""

from backend.config.settings.base import *  # noqa: F403
from backend.config.settings.base import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "rest_framework.authtoken"]
