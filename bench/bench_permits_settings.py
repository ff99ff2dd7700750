"""Settings for bench_permits.py (its server and its own process): the project plus two baseline views
(bench_permits_urls), and a Celery key prefix of the benchmark's own in its Redis database."""

from backend.config.settings.base import *  # noqa: F403
from backend.config.settings.base import CELERY_BROKER_TRANSPORT_OPTIONS

ROOT_URLCONF = "bench_permits_urls"
CELERY_BROKER_TRANSPORT_OPTIONS = {**CELERY_BROKER_TRANSPORT_OPTIONS, "global_keyprefix": "permitbench:"}
