"""CPU instructions per request, counted by valgrind's callgrind: a figure the shared machine's noise cannot move.

Wall-clock throughput on these two shared cores swings by 2× with the neighbours' load; instructions executed by
the Python process do not. Each view runs in a child process under callgrind twice, with FEW and MANY requests;
the difference over (MANY - FEW) requests is the cost of one request, start-up and warm-up cancelled out.

  * ``minimal``: bench/baseline_urls.py's ``bench/minimal-write/`` (token, one indexed precinct lookup, one insert
    in a transaction), the baseline of issue #13;
  * ``alert``: ``POST /api/alerts/`` without photos, every request a new reporter (no idempotent replays).

The requests go through Django's handler in-process (django.test.Client), the same for both, so the ratio is fair;
PostgreSQL's own work is not counted (it is another process), only what the web process spends.
Run: .venv/bin/python bench/bench_instructions.py [--few 30] [--many 130]
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("BENCH_DATABASE", "vigia_bench_instructions")
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.baseline_settings"
from _django import BENCH_DATABASE, ROOT, bulk_api_tokens, machine, setup_django  # noqa: E402

PATHS = {"minimal": "/bench/minimal-write/", "alert": "/api/alerts/"}
PRECINCT_CODE = "13105"


def prepare(count: int) -> None:
    """Reporters with tokens (two per request slot, so the second run never reuses one) and the baseline table."""
    from django.contrib.gis.geos import Point
    from django.db import connection

    from backend.accounts.models import User
    from backend.geo.models import Precinct

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_minimal_write")
        cursor.execute(
            "CREATE TABLE bench_minimal_write (id bigserial PRIMARY KEY, user_id bigint NOT NULL, "
            "precinct_id bigint NOT NULL, location geometry(Point, 4326), created_at timestamptz DEFAULT now())"
        )
    users = User.objects.bulk_create(
        [User(username=f"instr-{index}", role="neighbor", password="!") for index in range(count)]
    )
    tokens = bulk_api_tokens(users)
    center: Point = Precinct.objects.get(code=PRECINCT_CODE).boundary.point_on_surface
    points = [(center.x + 0.0001 * (index % 50), center.y + 0.0001 * (index // 50 % 50)) for index in range(count)]
    Path(tempfile.gettempdir(), "bench_instructions.json").write_text(json.dumps({"tokens": tokens, "points": points}))


def child(view: str, requests: int, offset: int) -> None:
    """Send ``requests`` requests to ``view`` with the reporters from ``offset`` on (run under callgrind)."""
    setup_django(migrate=False, precincts=False)
    from django.test import Client

    data = json.loads(Path(tempfile.gettempdir(), "bench_instructions.json").read_text())
    client = Client()
    for index in range(offset, offset + requests):
        lon, lat = data["points"][index]
        response = client.post(
            PATHS[view],
            {"category": "theft", "lat": lat, "lon": lon, "accuracy_meters": 10, "description": f"i{index}"},
            content_type="application/json",
            headers={"Authorization": f"Token {data['tokens'][index]}"},
        )
        if response.status_code != 201:
            raise SystemExit(f"{view}: {response.status_code} {response.content[:300]!r}")


def instructions(view: str, requests: int, offset: int) -> int:
    with tempfile.TemporaryDirectory() as directory:
        out = Path(directory, "callgrind.out")
        subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable, __file__,
             "--child", view, str(requests), str(offset)],
            check=True, capture_output=True, cwd=ROOT, env={**os.environ, "PYTHONHASHSEED": "0"},
        )  # fmt: skip
        return int(re.search(r"^(?:summary|totals): (\d+)", out.read_text(), re.MULTILINE).group(1))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--few", type=int, default=30)
    parser.add_argument("--many", type=int, default=130)
    parser.add_argument("--child", nargs=3, metavar=("VIEW", "REQUESTS", "OFFSET"), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        view, requests, offset = arguments.child
        child(view, int(requests), int(offset))
        return

    setup_django(precincts=False)
    from django.core.management import call_command

    from backend.alerts.catalogue import categories_seed
    from backend.alerts.models import Category

    # The benchmark's own database starts empty each run: no reporter has a previous alert or limiter row.
    call_command("flush", interactive=False, verbosity=0)
    categories_seed(Category)
    call_command("load_precincts", str(ROOT / "fixtures/precincts/south_precinct.geojson"), verbosity=0)
    slots = arguments.few + arguments.many
    prepare(2 * slots)
    print(f"machine: {machine()}; database {BENCH_DATABASE}; {arguments.many - arguments.few} requests counted")
    results = {}
    for number, view in enumerate(PATHS):
        base = number * slots
        few = instructions(view, arguments.few, base)
        many = instructions(view, arguments.many, base + arguments.few)
        results[view] = (many - few) / (arguments.many - arguments.few)
        print(f"  {view:8} {PATHS[view]:22} {results[view] / 1e6:6.2f} M instructions per request")
    print(f"  ratio alert / minimal: {results['alert'] / results['minimal']:.2f}×")


if __name__ == "__main__":
    main()
