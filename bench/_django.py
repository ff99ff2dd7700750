"""Shared set-up for benchmarks: Django against a dedicated benchmark database, never the demo one."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH_DATABASE = os.environ.get("BENCH_DATABASE", "vigia_bench")


def setup_django(*, migrate: bool = True, precincts: bool = True) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.config.settings.base")
    os.environ["DATABASE_URL"] = f"postgis://postgres@127.0.0.1:5432/{BENCH_DATABASE}"
    os.environ.setdefault("DJANGO_DEBUG", "false")
    exists = subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-tAc",
            f"SELECT 1 FROM pg_database WHERE datname='{BENCH_DATABASE}'",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not exists:
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"CREATE DATABASE {BENCH_DATABASE}"], check=True
        )
    import django

    django.setup()
    from django.core.management import call_command

    if migrate:
        call_command("migrate", verbosity=0)
    if precincts:
        call_command("load_precincts", str(ROOT / "fixtures/precincts/south_precinct.geojson"), verbosity=0)


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        "unknown CPU",
    )
    return f"{os.cpu_count()} cores, {cpu}"
