"""Precinct lookups per second: our selector against a raw PostGIS ST_Contains query, same run, same points.

Run: .venv/bin/python bench/bench_geo.py [--points 5000] [--rounds 5]
"""

import argparse
import random
import statistics
import time

from _django import machine, setup_django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--points", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    setup_django()
    from django.contrib.gis.geos import Point
    from django.db import connection

    from backend.geo.models import Prefecture
    from backend.geo.selectors import OutsideJurisdiction, precinct_for_point

    outline = Prefecture.objects.get().boundary
    xmin, ymin, xmax, ymax = outline.extent
    generator = random.Random(7)
    extent_points = [(generator.uniform(ymin, ymax), generator.uniform(xmin, xmax)) for _ in range(args.points)]
    # Alerts come from inside the comunas; points anywhere in the extent also exercise gaps and "outside".
    inside_points = [(lat, lon) for lat, lon in extent_points if outline.contains(Point(lon, lat))]
    for label, points in (
        ("points inside the precincts", inside_points),
        ("points anywhere in the extent", extent_points),
    ):
        measure(label, points, args.rounds, precinct_for_point, OutsideJurisdiction, connection)


def measure(label, points, rounds, precinct_for_point, OutsideJurisdiction, connection) -> None:  # noqa: N803
    raw_sql = "SELECT id FROM geo_precinct WHERE ST_Contains(boundary, ST_SetSRID(ST_MakePoint(%s, %s), 4326))"

    def ours() -> None:
        for lat, lon in points:
            try:
                precinct_for_point(lat=lat, lon=lon)
            except OutsideJurisdiction:
                pass

    def raw() -> None:
        with connection.cursor() as cursor:
            for lat, lon in points:
                cursor.execute(raw_sql, [lon, lat])
                cursor.fetchall()

    rates: dict[str, list[float]] = {"selector": [], "raw ST_Contains": []}
    for _ in range(rounds):
        for name, run in (("raw ST_Contains", raw), ("selector", ours)):
            started = time.perf_counter()
            run()
            rates[name].append(len(points) / (time.perf_counter() - started))
    print(f"machine: {machine()}; {len(points)} {label}, {rounds} rounds")
    for name, values in rates.items():
        median = statistics.median(values)
        print(f"{name:>16}: median {median:,.0f} lookups/s ({1e6 / median:.0f} µs each)")
    ratio = statistics.median(rates["selector"]) / statistics.median(rates["raw ST_Contains"])
    print(f"ratio selector / raw: {ratio:.2f}x")


if __name__ == "__main__":
    main()
