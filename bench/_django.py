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


def bulk_api_tokens(users) -> list[str]:
    """API tokens (knox, hashed) for many users in one insert; ``token_issue`` row by row is too slow for 10,000."""
    from django.utils import timezone
    from knox.models import get_digest_token
    from knox.settings import CONSTANTS, knox_settings

    from backend.accounts.authentication import password_fingerprint
    from backend.accounts.models import AuthToken

    expiry = timezone.now() + knox_settings.TOKEN_TTL
    rows, tokens = [], []
    for user in users:
        digest, token = get_digest_token()
        rows.append(
            AuthToken(
                digest=digest,
                token_key=token[: CONSTANTS.TOKEN_KEY_LENGTH],
                user=user,
                expiry=expiry,
                password_fingerprint=password_fingerprint(user),
            )
        )
        tokens.append(token)
    AuthToken.objects.bulk_create(rows, batch_size=2_000)
    return tokens
