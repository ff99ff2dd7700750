"""Settings for bench_station.py's server: the project plus one baseline view (bench_station_urls)."""

from backend.config.settings.base import *  # noqa: F403

ROOT_URLCONF = "bench_station_urls"
