"""Fixtures for page tests in a real Chromium (Playwright) against a real ASGI server, websockets included.

* ``live_url``: the base URL of one of the realtime plugin's uvicorn processes on the test database.
* ``browser``: Debian's chromium, launched per test.
* ``browser_context(user=None, **options)``: a fresh browser profile, signed in as ``user`` through a real
  session row; every page it opens records failed requests and script errors in ``context.problems``.
* ``screenshot(page, name)``: saves ``artifacts/screenshots/<name>.png``.
* ``outside_event_loop(function, ...)``: call a service that broadcasts after commit; Playwright's event loop
  in the test thread would make ``async_to_sync`` refuse, so the call runs in a thread of its own.
"""

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1440, "height": 900}


@pytest.fixture
def live_url(asgi_servers) -> str:
    return f"http://{asgi_servers[0]}"


@pytest.fixture
def browser(monkeypatch):
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls stay synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _session_cookie(user) -> tuple[str, str]:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value


@pytest.fixture
def browser_context(browser, live_url):
    contexts = []

    def make(user=None, *, viewport=DESK, locale="es-CL", **options):
        context = browser.new_context(base_url=live_url, viewport=viewport, locale=locale, **options)
        context.problems = []

        def watch(page):
            page.on("pageerror", lambda error: context.problems.append(f"script error: {error}"))
            page.on(
                "response",
                lambda response: (
                    response.status >= 500 and context.problems.append(f"{response.status} {response.url}")
                ),
            )

        context.on("page", watch)
        if user is not None:
            name, value = _session_cookie(user)
            context.add_cookies([{"name": name, "value": value, "url": live_url}])
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


def outside_event_loop(function, /, *args, **kwargs):
    from django.db import connections

    def call():
        try:
            return function(*args, **kwargs)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as executor:
        return executor.submit(call).result()


@pytest.fixture
def screenshot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def save(page, name: str, *, full_page: bool = False) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return save
