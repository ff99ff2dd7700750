"""The project's settings, serving bench/baseline_urls.py as well (benchmarks only)."""

from backend.config.settings.base import *  # noqa: F403

ROOT_URLCONF = "bench.baseline_urls"
