"""Benchmark: the monthly STOP pack, one month's linkage and the formal-report import at full scale.

Run with ``.venv/bin/python bench/bench_analytics.py [--scale 1.0]``. It creates (once) a separate
database ``vigia_bench`` so the demo data stay clean, migrates it, loads the seven South Precinct
comunas and COPYs ``scale`` × 1M formal reports and 1M alerts (with three timeline steps each)
spread over the comunas by population and over the twelve months before the current one. Then it
prints medians of several timings. 40% of the alerts are noisy copies of a formal report (30 m,
minutes later), so linkage has real work to do.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATABASE = "vigia_bench"
os.environ["DATABASE_URL"] = f"postgis://postgres@127.0.0.1:5432/{DATABASE}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.config.settings.base")

FULL_SIZE = 1_000_000
SEED = 20240501
ALERT_COPY_SHARE = 0.4
REPETITIONS = 5
IMPORT_ROWS_AT_FULL_SCALE = 200_000
PACK_PRECINCT = "13105"  # El Bosque, the busiest comuna


def _ensure_database() -> None:
    import psycopg

    with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone()
        if not exists:
            connection.execute(f"CREATE DATABASE {DATABASE} TEMPLATE template1")


def _median_seconds(function: Callable[[], object], repetitions: int = REPETITIONS) -> tuple[float, object]:
    timings, result = [], None
    for _ in range(repetitions):
        start = time.perf_counter()
        result = function()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings), result


def _points_in(shape, count: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    import shapely

    shapely.prepare(shape)
    minx, miny, maxx, maxy = shape.bounds
    xs, ys = [], []
    while sum(len(x) for x in xs) < count:
        x = rng.uniform(minx, maxx, count * 2)
        y = rng.uniform(miny, maxy, count * 2)
        inside = shapely.contains_xy(shape, x, y)
        xs.append(x[inside])
        ys.append(y[inside])
    return np.concatenate(xs)[:count], np.concatenate(ys)[:count]


def _generate(size: int, year_start: dt.datetime) -> None:
    import shapely
    from django.db import connection

    from backend.accounts.models import Role, User
    from backend.alerts.models import Category
    from backend.analytics.models import OffenseType
    from backend.analytics.services.demo import ALERT_CATEGORY_FOR_OFFENSE, OFFENSE_WEIGHTS
    from backend.geo.models import Precinct

    rng = np.random.default_rng(SEED)
    precincts = list(Precinct.objects.order_by("code"))
    population = np.array([p.population for p in precincts], dtype=np.float64)
    per_precinct = rng.multinomial(size, population / population.sum())
    offense_ids = dict(OffenseType.objects.values_list("code", "id"))
    offense_codes = list(OFFENSE_WEIGHTS)
    offense_p = np.array([OFFENSE_WEIGHTS[code] for code in offense_codes])
    offense_p /= offense_p.sum()
    categories = {c.code: c for c in Category.objects.all()}
    crime_codes = sorted(set(ALERT_CATEGORY_FOR_OFFENSE.values()))
    reporter, _ = User.objects.get_or_create(username="bench-reporter", defaults={"role": Role.NEIGHBOR})
    year_seconds = 365 * 86_400
    metres_to_degrees = 1 / 111_320

    def ewkt(x: float, y: float) -> str:
        return f"SRID=4326;POINT({x:.7f} {y:.7f})"

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE analytics_incidentlink, analytics_linkagerun, analytics_formalreport")
        cursor.execute("TRUNCATE alerts_alertstep, alerts_alert CASCADE")
        formal_columns = (
            "created_at, updated_at, offense_type_id, occurred_at, filed_at, location, precinct_id, "
            "is_overlap, is_gap, source, external_id"
        )
        alert_columns = (
            "reporter_id, category_id, agency, location, accuracy_meters, description, precinct_id, is_overlap, "
            "is_gap, status, idempotency_key, request_fingerprint, created_at, updated_at"
        )
        now = dt.datetime.now(dt.UTC)
        serial = 0
        copies: list[tuple] = []
        started = time.perf_counter()
        with cursor.copy(f"COPY analytics_formalreport ({formal_columns}) FROM STDIN") as copy:
            for precinct, count in zip(precincts, per_precinct.tolist(), strict=True):
                shape = shapely.from_wkb(bytes(precinct.boundary.wkb))
                xs, ys = _points_in(shape, count, rng)
                seconds = rng.uniform(0, year_seconds, count)
                delays = rng.lognormal(np.log(6 * 3600), 1.2, count)
                offenses = rng.choice(len(offense_codes), count, p=offense_p)
                copy_mask = rng.random(count) < ALERT_COPY_SHARE
                for i in range(count):
                    serial += 1
                    occurred = year_start + dt.timedelta(seconds=float(seconds[i]))
                    code = offense_codes[offenses[i]]
                    copy.write_row(
                        (now, now, offense_ids[code], occurred, occurred + dt.timedelta(seconds=float(delays[i])),
                         ewkt(xs[i], ys[i]), precinct.id, False, False, "police_records", f"B-{serial:08d}")
                    )  # fmt: skip
                    if copy_mask[i]:
                        copies.append((precinct.id, xs[i], ys[i], occurred, ALERT_CATEGORY_FOR_OFFENSE[code]))
        print(f"  formal reports copied in {time.perf_counter() - started:.1f} s")

        started = time.perf_counter()
        alert_rows: list[tuple] = []
        for precinct_id, x, y, occurred, code in copies[:size]:
            dx, dy = rng.normal(0, 30, 2) * metres_to_degrees
            created = occurred + dt.timedelta(seconds=float(rng.exponential(300)))
            alert_rows.append((precinct_id, x + dx / 0.834, y + dy, created, code))
        remaining = size - len(alert_rows)
        per_precinct = rng.multinomial(remaining, population / population.sum())
        for precinct, count in zip(precincts, per_precinct.tolist(), strict=True):
            xs, ys = _points_in(shapely.from_wkb(bytes(precinct.boundary.wkb)), count, rng)
            seconds = rng.uniform(0, year_seconds, count)
            codes = rng.choice(crime_codes, count)
            alert_rows.extend(
                (precinct.id, xs[i], ys[i], year_start + dt.timedelta(seconds=float(seconds[i])), codes[i])
                for i in range(count)
            )
        with cursor.copy(f"COPY alerts_alert ({alert_columns}) FROM STDIN") as copy:
            for precinct_id, x, y, created, code in alert_rows:
                category = categories[code]
                copy.write_row(
                    (reporter.id, category.id, category.agency, ewkt(x, y), 10.0, "", precinct_id, False, False,
                     "resolved", "", "", created, now)
                )  # fmt: skip
        print(f"  alerts copied in {time.perf_counter() - started:.1f} s")

        started = time.perf_counter()
        cursor.execute("SELECT id, created_at FROM alerts_alert ORDER BY id")
        alerts = cursor.fetchall()
        acknowledged = rng.lognormal(np.log(45), 0.6, len(alerts))
        on_scene = acknowledged + rng.lognormal(np.log(900), 0.6, len(alerts))
        resolved = on_scene + rng.lognormal(np.log(1800), 0.6, len(alerts))
        with cursor.copy("COPY alerts_alertstep (alert_id, status, note, created_at) FROM STDIN") as copy:
            for index, (alert_id, created) in enumerate(alerts):
                for status, offset in (
                    ("acknowledged", acknowledged[index]),
                    ("on_scene", on_scene[index]),
                    ("resolved", resolved[index]),
                ):
                    copy.write_row((alert_id, status, "", created + dt.timedelta(seconds=float(offset))))
        print(f"  {3 * len(alerts):,} timeline steps copied in {time.perf_counter() - started:.1f} s")
        cursor.execute("ANALYZE")


def _vacuum() -> None:
    # Earlier runs leave the replaced proposals as dead rows; production relies on autovacuum for that.
    from django.db import connection

    with connection.cursor() as cursor:
        for table in ("analytics_incidentlink", "analytics_formalreport"):
            cursor.execute(f"VACUUM ANALYZE {table}")


def _import_rate(rows: int, year_start: dt.datetime) -> float:
    from backend.analytics.models import FormalReport
    from backend.analytics.services.formal_reports import formal_report_rows_read, formal_reports_import
    from backend.geo.models import Precinct

    rng = np.random.default_rng(SEED + 1)
    extent = Precinct.objects.order_by("code")
    minx, miny, maxx, maxy = extent[0].boundary.extent
    for precinct in extent[1:]:
        x0, y0, x1, y1 = precinct.boundary.extent
        minx, miny, maxx, maxy = min(minx, x0), min(miny, y0), max(maxx, x1), max(maxy, y1)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "import.csv"
        with path.open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["external_id", "offense_type", "occurred_at", "filed_at", "lat", "lon"])
            for n in range(rows):
                occurred = year_start + dt.timedelta(seconds=int(rng.integers(0, 300 * 86_400)))
                writer.writerow(
                    [f"I-{n:08d}", "simple_theft", occurred.isoformat(), (occurred + dt.timedelta(hours=3)).isoformat(),
                     f"{rng.uniform(miny, maxy):.6f}", f"{rng.uniform(minx, maxx):.6f}"]
                )  # fmt: skip
        FormalReport.objects.filter(source="online_complaint").delete()
        started = time.perf_counter()
        result = formal_reports_import(raw_rows=formal_report_rows_read(path)[1], source="online_complaint")
        seconds = time.perf_counter() - started
        FormalReport.objects.filter(source="online_complaint").delete()
    print(f"  import: {result.inserted:,} inserted, {result.rejected:,} rejected (outside the comunas' bounding box)")
    return rows / seconds


def _linkage_timings(precinct_ids: list[int], month, repetitions: int) -> None:
    from backend.analytics.models import IncidentLink, LinkStatus
    from backend.analytics.services.linkage import incident_links_compute

    def run():
        return incident_links_compute(precinct_ids=precinct_ids, month=month, preset="default")

    run()  # the stored proposals now match the data, as after any earlier run
    print(f"load average before: {Path('/proc/loadavg').read_text().split()[:3]}")
    rerun, summary = _median_seconds(run, repetitions)
    counts = f"{summary.formal_count:,} formal × {summary.alert_count:,} alerts → {summary.proposed:,} links"
    print(f"linkage rerun, one month, 7 precincts, default preset: median {rerun:.2f} s ({counts})")
    timings = []
    for _ in range(repetitions):
        # From scratch: no proposals for the month, so every link is inserted (and FK-checked at commit).
        IncidentLink.objects.filter(
            preset="default",
            status=LinkStatus.PROPOSED,
            formal_report__occurred_at__gte=month.start,
            formal_report__occurred_at__lt=month.end,
        ).delete()
        _vacuum()
        seconds, _ = _median_seconds(run, 1)
        timings.append(seconds)
    print(
        f"linkage from scratch, one month, 7 precincts, default preset: median {statistics.median(timings):.2f} s "
        f"(runs {', '.join(f'{t:.2f}' for t in timings)})"
    )
    print(f"load average after: {Path('/proc/loadavg').read_text().split()[:3]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 1M formal reports and 1M alerts")
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument(
        "--linkage-only",
        action="store_true",
        help="time only the 7-precinct default-preset linkage: a rerun and a run from scratch",
    )
    parser.add_argument("--repetitions", type=int, default=3, help="runs per linkage timing")
    options = parser.parse_args()
    size = int(FULL_SIZE * options.scale)

    _ensure_database()
    import django

    django.setup()
    from django.core.management import call_command

    from backend.analytics.models import FormalReport
    from backend.analytics.selectors.areas import Area, Month, local_midnight, local_today
    from backend.analytics.selectors.hotspots import precinct_month_map_html
    from backend.analytics.selectors.stop_pack import stop_pack
    from backend.analytics.services.linkage import incident_links_compute
    from backend.geo.models import Precinct

    call_command("migrate", verbosity=0)
    call_command("load_precincts", str(ROOT / "fixtures/precincts/south_precinct.geojson"), verbosity=0)
    this_month = Month.containing(local_today())
    # UTC: adding timedeltas to a local-zone datetime is wall-clock arithmetic, wrong across DST.
    year_start = local_midnight(this_month.first_day - dt.timedelta(days=365)).astimezone(dt.UTC)
    if options.regenerate or FormalReport.objects.filter(source="police_records").count() != size:
        print(f"Generating {size:,} formal reports and {size:,} alerts in {DATABASE} ...")
        _generate(size, year_start)

    _vacuum()
    month = Month.containing(this_month.first_day - dt.timedelta(days=1))
    precincts = list(Precinct.objects.select_related("prefecture").order_by("code"))
    precinct = next(p for p in precincts if p.code == PACK_PRECINCT)
    area = Area(kind="precinct", code=precinct.code, name=precinct.name, precincts=(precinct,))
    all_ids = [p.id for p in precincts]
    print(f"{platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} CPUs")
    print(f"Data: {size:,} formal reports, {size:,} alerts; month {month.label}; pack precinct {precinct.name}")
    if options.linkage_only:
        _linkage_timings(all_ids, month, options.repetitions)
        return

    link_default, summary = _median_seconds(
        lambda: incident_links_compute(precinct_ids=all_ids, month=month, preset="default"), 3
    )
    counts = f"{summary.formal_count:,} formal × {summary.alert_count:,} alerts → {summary.proposed:,} links"
    print(f"linkage, one month, 7 precincts, default preset: median {link_default:.2f} s ({counts})")
    one_precinct, summary = _median_seconds(
        lambda: incident_links_compute(precinct_ids=[precinct.id], month=month, preset="default"), 3
    )
    print(
        f"linkage, one month, {precinct.name} only, default preset: "
        f"median {one_precinct:.2f} s ({summary.proposed:,} links)"
    )
    for preset in ("strict", "loose"):
        seconds, summary = _median_seconds(
            lambda preset=preset: incident_links_compute(precinct_ids=all_ids, month=month, preset=preset), 3
        )
        print(f"linkage, one month, 7 precincts, {preset} preset: median {seconds:.2f} s ({summary.proposed:,} links)")

    pack_seconds, _ = _median_seconds(lambda: stop_pack(area=area, end_date=month.last_day))
    print(f"monthly STOP pack (JSON data), one precinct: median {pack_seconds:.3f} s")
    map_seconds, html = _median_seconds(
        lambda: precinct_month_map_html(area=area, month=month, static_url="/static/"), 3
    )
    print(f"precinct-month folium map: median {map_seconds:.2f} s ({len(html) / 1e6:.1f} MB)")
    prefecture = Area(kind="prefecture", code="PREF", name="Prefectura", precincts=tuple(precincts))
    prefecture_seconds, _ = _median_seconds(lambda: stop_pack(area=prefecture, end_date=month.last_day), 3)
    print(f"monthly STOP pack (JSON data), prefecture of 7: median {prefecture_seconds:.3f} s")

    import_rows = max(int(IMPORT_ROWS_AT_FULL_SCALE * options.scale), 1_000)
    rate = _import_rate(import_rows, year_start)
    print(f"import: {import_rows:,} CSV rows at {rate:,.0f} rows/s (a million rows in {FULL_SIZE / rate / 60:.1f} min)")


if __name__ == "__main__":
    main()
