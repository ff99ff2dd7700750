"""Benchmark: time to a finished PDF pack through the real path (HTTP request → Celery worker → file), for one
precinct-month and for the whole prefecture, and the dashboard's first render while a pack is being built.

Run with ``.venv/bin/python bench/bench_packs.py [--scale 1.0]``. It uses the ``vigia_bench`` database of
``bench_analytics.py`` (1M formal reports and 1M alerts; built here too if missing), starts one uvicorn
process and one Celery worker (two processes) on it, and signs in a commander. Each PDF timing starts
from no cached result: the request is answered 202, the status URL is polled every 0.1 s, and the clock
stops when the PDF can be downloaded. First render is Chromium's first-contentful-paint of ``/mando/``,
idle and while the prefecture's PDF is being built.
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import bench_analytics  # noqa: E402  (sets DATABASE_URL and the settings module)

PORT = int(os.environ.get("BENCH_PORT", "8119"))
REPETITIONS = 3
RENDERS = 5
POLL_SECONDS = 0.1
VENV = Path(sys.executable).parent
NICENESS = int(os.environ.get("BENCH_WORKER_NICENESS", "10"))


def _start(environment: dict[str, str]) -> list[subprocess.Popen]:
    log = open(ROOT / "var" / "bench-packs.log", "ab")  # noqa: SIM115 - lives as long as the processes
    server = subprocess.Popen(
        [str(VENV / "uvicorn"), "backend.config.asgi:application", "--port", str(PORT), "--no-access-log"],
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    # Under nice, as `make demo` runs it: the web process keeps the CPU it needs while a pack is built.
    worker = subprocess.Popen(
        ["nice", "-n", str(NICENESS), str(VENV / "celery"), "-A", "backend.config", "worker", "--concurrency=2",
         "--loglevel=WARNING", "--without-gossip", "--without-mingle"],
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    return [server, worker]


def _session(user) -> dict[str, str]:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}


def _pdf_seconds(http, params: dict[str, str]) -> float:
    from backend.analytics.models import AnalyticsJob, JobKind

    # From nothing cached: neither the PDF nor the pack it reads.
    AnalyticsJob.objects.filter(kind__in=[JobKind.STOP_PACK, JobKind.STOP_PACK_PDF]).delete()
    start = time.perf_counter()
    response = http.get("/api/analytics/stop-pack/pdf/", params=params)
    assert response.status_code == 202, response.text
    status_url = response.json()["status_url"]
    while True:
        job = http.get(status_url).json()
        if job["status"] in ("done", "failed"):
            break
        time.sleep(POLL_SECONDS)
    assert job["status"] == "done", job
    pdf = http.get("/api/analytics/stop-pack/pdf/", params=params)
    elapsed = time.perf_counter() - start
    assert pdf.headers["content-type"] == "application/pdf"
    return elapsed


def _first_paints(cookies: dict[str, str], count: int) -> list[float]:
    from playwright.sync_api import sync_playwright

    paints = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        context = browser.new_context(base_url=f"http://127.0.0.1:{PORT}")
        context.add_cookies([{"name": k, "value": v, "url": f"http://127.0.0.1:{PORT}"} for k, v in cookies.items()])
        for _ in range(count):
            page = context.new_page()
            page.goto("/mando/", wait_until="commit")
            page.wait_for_function("performance.getEntriesByName('first-contentful-paint').length > 0")
            paint = page.evaluate("performance.getEntriesByName('first-contentful-paint')[0].startTime")
            paints.append(paint / 1000)
            page.close()
        browser.close()
    return paints


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--database", default=bench_analytics.DATABASE, help="built by bench_analytics.py if missing")
    options = parser.parse_args()
    size = int(bench_analytics.FULL_SIZE * options.scale)
    bench_analytics.DATABASE = options.database
    os.environ["DATABASE_URL"] = f"postgis://postgres@127.0.0.1:5432/{options.database}"
    bench_analytics._ensure_database()
    import datetime as dt

    import django

    django.setup()
    import httpx
    from django.core.management import call_command

    logging.getLogger("httpx").setLevel(logging.WARNING)

    from backend.accounts.models import Role, User
    from backend.analytics.models import FormalReport
    from backend.analytics.selectors.areas import Month, local_midnight, local_today
    from backend.geo.models import Precinct, Prefecture

    call_command("migrate", verbosity=0)
    call_command("load_precincts", str(ROOT / "fixtures/precincts/south_precinct.geojson"), verbosity=0)
    this_month = Month.containing(local_today())
    if FormalReport.objects.filter(source="police_records").count() != size:
        print(f"Generating {size:,} formal reports and {size:,} alerts ...")
        year_start = local_midnight(this_month.first_day - dt.timedelta(days=365)).astimezone(dt.UTC)
        bench_analytics._generate(size, year_start)
        bench_analytics._vacuum()
    month = Month.containing(this_month.first_day - dt.timedelta(days=1))
    prefecture = Prefecture.objects.order_by("code").first()
    commander, _ = User.objects.update_or_create(
        username="bench-mando", defaults={"role": Role.COMMANDER, "prefecture": prefecture}
    )
    commander.precincts.set(Precinct.objects.all())
    cookies = _session(commander)

    environment = {**os.environ, "LOG_LEVEL": "WARNING"}
    (ROOT / "var").mkdir(exist_ok=True)
    processes = _start(environment)
    try:
        http = httpx.Client(base_url=f"http://127.0.0.1:{PORT}", cookies=cookies, timeout=120)
        for _ in range(100):
            try:
                http.get("/")
                break
            except httpx.TransportError:
                time.sleep(0.2)
        time.sleep(3)  # the worker's start-up
        print(f"{platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} CPUs")
        print(f"Data: {size:,} formal reports, {size:,} alerts; month {month.label}")
        one = [
            _pdf_seconds(http, {"precinct": bench_analytics.PACK_PRECINCT, "month": month.label})
            for _ in range(REPETITIONS)
        ]
        print(f"PDF pack, one precinct-month: median {statistics.median(one):.2f} s (runs {one})")
        whole = [_pdf_seconds(http, {"prefecture": prefecture.code, "month": month.label}) for _ in range(REPETITIONS)]
        print(f"PDF pack, whole prefecture: median {statistics.median(whole):.2f} s (runs {whole})")

        idle = _first_paints(cookies, RENDERS)
        print(f"/mando/ first contentful paint, idle: median {statistics.median(idle) * 1000:.0f} ms")
        from backend.analytics.models import AnalyticsJob, JobKind

        AnalyticsJob.objects.filter(kind__in=[JobKind.STOP_PACK, JobKind.STOP_PACK_PDF]).delete()
        started = http.get(
            "/api/analytics/stop-pack/pdf/", params={"prefecture": prefecture.code, "month": month.label}
        )
        status_url = started.json()["status_url"]
        busy = _first_paints(cookies, RENDERS)
        still_building = http.get(status_url).json()["status"] in ("pending", "running")
        print(
            f"/mando/ first contentful paint while the prefecture PDF is built: median "
            f"{statistics.median(busy) * 1000:.0f} ms (job still running at the end: {still_building}); "
            f"ratio to idle {statistics.median(busy) / statistics.median(idle):.2f}"
        )
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)


if __name__ == "__main__":
    main()
