import os

import pytest
from channels.layers import channel_layers
from django.core.cache import cache
from rest_framework.test import APIClient

pytest_plugins = ["tests.plugins.realtime", "tests.plugins.browser", "tests.plugins.station"]


def _delete_own_cache_keys() -> None:
    """Delete this run's keys only: ``cache.clear()`` would flush a Redis database other runs share."""
    from django.conf import settings

    client = cache._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"{settings.CACHES['default']['KEY_PREFIX']}:*", count=1000))
    if keys:
        client.delete(*keys)


@pytest.fixture(autouse=True)
def _clear_cache():
    # Throttle counters live in the (real, Redis) cache; each test starts with none of this run's.
    _delete_own_cache_keys()


@pytest.fixture(autouse=True)
def rate_limit_now(monkeypatch):
    """Pin the rate limiter's clock one second into the current day (UTC): windows of a minute, an hour or a
    day then never end during a test, which would reset counts and make limit tests flaky."""
    import datetime as dt

    from backend.common import ratelimit

    today = dt.datetime.now(dt.UTC).replace(hour=0, minute=0, second=1, microsecond=0)
    monkeypatch.setattr(ratelimit, "clock", lambda: today)
    return today


@pytest.fixture(autouse=True)
def _default_language():
    # A request through the test client leaves its language active in this thread (Django never deactivates it),
    # so a test that asked for English must not make the next one compare against English constants.
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_channel_layer():
    # Each test runs its own event loop, and channels-redis keeps per-loop locks that a finished loop can leave
    # held (a receive's backup cleaner still pending). A server process has one loop; a test gets one layer.
    channel_layers.backends.clear()


@pytest.fixture(autouse=True)
def _seeded_catalogues(request):
    """Transactional tests flush every table, seed migrations included; put the catalogues back."""
    if request.node.get_closest_marker("django_db") is None and not {"db", "transactional_db"} & set(
        request.fixturenames
    ):
        return
    request.getfixturevalue("_django_db_helper")
    from backend.alerts.catalogue import categories_seed
    from backend.alerts.models import Category

    if not Category.objects.exists():
        categories_seed(Category)


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def client_for():
    """An API client authenticated as the given user with a token, as apps do."""

    def make(user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user=user)
        return client

    return make


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI nothing may be skipped: a skip there means an install step is missing (chromium, redis-server)."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"Skipped in CI, which must install everything: {report.longrepr}"
