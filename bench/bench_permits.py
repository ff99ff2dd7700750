"""Permits and checkpoints (issue #12): the registries at national size, issuance and checkpoint verification
over HTTP, offline token checks, and the nightly re-scan of a million active permits.

In one run, on a database of its own (``vigia_permitbench``, dropped and built again every run):

  (1) the registries at national size, by COPY into ``station_registryrecord`` in the import service's shape
      (one current batch per registry): the civil registry's RUNs (19 million), MINSAL's quarantines and
      Gendarmería's restrictions (2 million together); then ANALYZE. EXPLAIN shows the registry check's plan.
  (2) over HTTP, 2 uvicorn workers, closed loop (32 clients), in alternating rounds, each beside its baseline
      served by the same server in the same round:
        * ``POST bench/minimal-write/`` (token, one indexed read, one insert) and
          ``POST /api/station/permits/`` (a shopping permit with all registry checks; one requester per request,
          the per-person throttle raised, so quotas and throttles refuse nobody);
        * ``GET bench/lookup/<code>/`` (one indexed lookup) and ``POST /api/station/permits/checkpoint/`` (an
          officer scans a valid permit's token: signature, status, the registries now, audited).
  (3) offline token verification on one core: with a parsed keyring, and from the JWKS as a phone receives it.
  (4) the night: a million active permits written in bulk (INSERT … SELECT into the permit and document tables),
      tonight's MINSAL and Gendarmería files (CSV) through the real import service, and ``permits_rescan`` against
      each fresh batch and against the civil registry's national batch.

Run: .venv/bin/python bench/bench_permits.py [--seconds 15] [--rounds 2] [--concurrency 32] [--workers 2]
     (``--scale 0.05`` for a quick try at 5% of the national sizes)
"""

import argparse
import asyncio
import csv
import datetime as dt
import hashlib
import itertools
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

os.environ.setdefault("BENCH_DATABASE", "vigia_permitbench")
os.environ["DJANGO_SETTINGS_MODULE"] = "bench_permits_settings"
KEYS = Path(__file__).resolve().parents[1] / "var" / "bench-permits-keys"
os.environ["STATION_SIGNING_KEYS_DIR"] = str(KEYS)
# Redis database 4 with the benchmark's own key prefix: throttle counters (cache) and the PDF tasks (broker).
REDIS_DB = os.environ.get("BENCH_PERMITS_REDIS", "redis://127.0.0.1:6379/4")
REDIS_PREFIX = "permitbench"
os.environ["CACHE_URL"] = REDIS_DB
os.environ["CACHE_KEY_PREFIX"] = REDIS_PREFIX
os.environ["CELERY_BROKER_URL"] = REDIS_DB

from _django import BENCH_DATABASE, ROOT, bulk_api_tokens, machine, setup_django  # noqa: E402
from _server import asgi_server, free_port  # noqa: E402

# The RUN space: numbers 1,000,000–24,999,999, of which a hash keeps 19/24 (the civil registry's 19 million);
# the rest are RUNs nobody holds. Sets below are disjoint by construction, so every group is known in advance.
RUN_LOW, RUN_HIGH = 1_000_000, 25_000_000
CHUNK = 500_000
NULL = "\\N"  # COPY's text format
HEALTH_KINDS = ("positive_test", "close_contact", "quarantine")
CUSTODY_KINDS = ("house_arrest", "night_confinement", "commuted_sentence")
COPY_RECORDS = (
    "COPY station_registryrecord (batch_id, run, kind, valid_from, valid_until, reference, related_run) FROM STDIN"
)
BULK_OWNERS = 1_000
CHECKPOINT_PERMITS = 500
OFFICERS = 64
NEW_QUARANTINES = 10_000  # tonight's MINSAL file: this many permit holders newly in quarantine
NEW_CUSTODY = 1_000  # tonight's Gendarmería file: this many permit holders newly restricted
TARGET_RATE = 200.0
TARGET_RATIO = 0.5
TARGET_OFFLINE = 5_000.0
TARGET_RESCAN_S = 60.0


# The synthetic population (numpy, vectorised: 24 million numbers in a few seconds)


def population(low: int, high: int):
    """(known, deceased, health, custody) masks for the numbers [low, high)."""
    import numpy as np

    n = np.arange(low, high, dtype=np.int64)
    known = ((n * 2654435761) >> 16) % 24 < 19
    deceased = known & (((n * 2246822519) >> 13) % 1000 == 0)
    living = known & ~deceased
    health = living & (n % 13 == 0)
    custody = living & (n % 37 == 1)
    return n, known, deceased, health, custody


def clear_run(n: int) -> bool:
    """Known, living and in neither restriction list (the same rules as ``population``)."""
    known = ((n * 2654435761) >> 16) % 24 < 19
    deceased = ((n * 2246822519) >> 13) % 1000 == 0
    return known and not deceased and n % 13 != 0 and n % 37 != 1


def clear_runs(count: int, *, residue: int) -> list[int]:
    """``count`` RUNs the registries clear, all ≡ ``residue`` mod 16 (16 | n is kept for the bulk permits)."""
    runs, n = [], RUN_LOW + residue
    while len(runs) < count:
        if clear_run(n):
            runs.append(n)
        n += 16
    return runs


def health_row(n: int, today: dt.date) -> tuple[str, dt.date, dt.date, str]:
    start = today - dt.timedelta(days=int(n) % 14)
    return HEALTH_KINDS[int(n) % 3], start, start + dt.timedelta(days=14), f"EPI-{int(n) % 100_000}"


def custody_row(n: int) -> tuple[str, dt.date, dt.date | None, str]:
    start = dt.date(2020, 1, 1) + dt.timedelta(days=int(n) % 300)
    until = None if n % 2 else dt.date(2027, 1, 1) + dt.timedelta(days=int(n) % 300)
    return CUSTODY_KINDS[int(n) % 3], start, until, f"GEN-{int(n) % 100_000}"


# (1) The registries at national size


def batch_create(registry: str, source: str):
    from django.utils import timezone

    from backend.station.models import RegistryBatch

    return RegistryBatch.objects.create(registry=registry, source=source, checksum=f"pending-{uuid.uuid4().hex}",
                                        row_count=0, effective_date=timezone.localdate())  # fmt: skip


def batch_finish(batch, *, digest, count: int) -> None:
    """What the import service does last: checksum and count, then the batch becomes the registry's current one."""
    from backend.station.models import RegistryBatch

    batch.checksum, batch.row_count = digest.hexdigest(), count
    batch.save(update_fields=["checksum", "row_count"])
    RegistryBatch.objects.filter(registry=batch.registry, is_current=True).update(is_current=False)
    RegistryBatch.objects.filter(id=batch.id).update(is_current=True)


def national_load(scale: float) -> dict:
    """COPY the three person registries; returns their batches, row counts and seconds."""
    import numpy as np
    from django.db import connection, transaction
    from django.utils import timezone

    today = timezone.localdate()
    high = RUN_LOW + int((RUN_HIGH - RUN_LOW) * scale)
    result = {}
    with transaction.atomic(), connection.cursor() as cursor:
        started = time.perf_counter()
        civil = batch_create("civil", "bench:registro-civil-nacional.tsv")
        health_runs, custody_runs, count, digest = [], [], 0, hashlib.sha256()
        with cursor.cursor.copy(COPY_RECORDS) as copy:
            for low in range(RUN_LOW, high, CHUNK):
                n, known, deceased, health, custody = population(low, min(low + CHUNK, high))
                living = n[known & ~deceased]
                prefix = f"{civil.id}\t"
                suffix = f"\tliving\t{NULL}\t{NULL}\t\t{NULL}\n"
                text = (prefix + (suffix + prefix).join(map(str, living.tolist())) + suffix) if living.size else ""
                for number in n[deceased].tolist():
                    died = dt.date(2020, 3, 1) + dt.timedelta(days=number % 600)
                    text += f"{civil.id}\t{number}\tdeceased\t{died}\t{NULL}\t\t{NULL}\n"
                data = text.encode()
                digest.update(data)
                copy.write(data)
                count += int(known.sum())
                health_runs.append(n[health])
                custody_runs.append(n[custody])
        batch_finish(civil, digest=digest, count=count)
        result["civil"] = (civil, count, time.perf_counter() - started)
        for registry, runs, row in (("health", health_runs, lambda n: health_row(n, today)),
                                    ("custody", custody_runs, custody_row)):  # fmt: skip
            started = time.perf_counter()
            batch = batch_create(registry, f"bench:{registry}-nacional.tsv")
            runs = np.concatenate(runs).tolist()
            result[f"{registry}_runs"] = runs
            digest = hashlib.sha256()
            with cursor.cursor.copy(COPY_RECORDS) as copy:
                for start in range(0, len(runs), CHUNK):
                    lines = []
                    for number in runs[start : start + CHUNK]:
                        kind, valid_from, valid_until, reference = row(number)
                        until = valid_until or NULL
                        lines.append(f"{batch.id}\t{number}\t{kind}\t{valid_from}\t{until}\t{reference}\t{NULL}\n")
                    data = "".join(lines).encode()
                    digest.update(data)
                    copy.write(data)
            batch_finish(batch, digest=digest, count=len(runs))
            result[registry] = (batch, len(runs), time.perf_counter() - started)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE station_registryrecord")
    result["analyze"] = time.perf_counter() - started
    return result


def explain_check(run: int) -> list[str]:
    """The registry check's own SQL (sources._CURRENT_LOOKUP) under EXPLAIN ANALYZE."""
    from django.db import connection
    from django.utils import timezone

    from backend.station.registries.adapters import PERSON_REGISTRIES
    from backend.station.registries.sources import _CURRENT_LOOKUP

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + _CURRENT_LOOKUP,
                       [[str(registry) for registry in PERSON_REGISTRIES], timezone.now(), run])  # fmt: skip
        return [line for (line,) in cursor.fetchall()]


# The people, the configuration, the permits the checkpoint scans


def people(count: int, runs: list[int], *, role: str, prefix: str):
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from backend.accounts.models import IdentityVerification, User
    from backend.station.registries.runs import run_format

    password = make_password(None)
    now = timezone.now()
    users = [
        User(username=f"{prefix}{index}", password=password, role=role, first_name="Valentina", last_name="Araya",
             rut=run_format(run) if run else None,
             identity_verified_by=IdentityVerification.CLAVEUNICA if run else "",
             identity_verified_at=now if run else None)
        for index, run in enumerate(itertools.islice(itertools.chain(runs, itertools.repeat(None)), count))
    ]  # fmt: skip
    return User.objects.bulk_create(users, batch_size=2_000)


def configure(precincts) -> None:
    """Every comuna in phase 1, and a bench-only type valid from now to Sunday night, so scans answer 'valid'."""
    from django.utils import timezone

    from backend.station.models import ComunaPhase, PermitRule, PermitType
    from backend.station.permits.catalogue import permit_catalogue_ensure

    permit_catalogue_ensure()
    ComunaPhase.objects.bulk_create(
        [ComunaPhase(precinct=precinct, phase=1, since=timezone.localdate()) for precinct in precincts]
    )
    checkpoint_type = PermitType.objects.create(
        code="bench_checkpoint", name_es="Permiso de prueba (benchmark)", name_en="Test permit (benchmark)",
        window="weekend", duration_minutes=None, weekdays=[1, 2, 3, 4, 5, 6, 7], effect_delay_minutes=0,
        needs_destination=False, ordering=999,
    )  # fmt: skip
    PermitRule.objects.create(permit_type=checkpoint_type, phase=1, quota=None)


def checkpoint_permits(holders, comuna: str) -> list:
    """Valid permits issued by the real service (signed, registries checked), for the checkpoint to scan."""
    from django.utils import timezone

    from backend.station.permits.services import PermitInput, permit_issue

    permits = []
    for holder in holders:
        data = PermitInput(permit_type="bench_checkpoint", comuna=comuna, starts_at=timezone.now(),
                           submission_key=uuid.uuid4())  # fmt: skip
        permits.append(permit_issue(requester=holder, data=data).permit)
    return permits


def minimal_write_table() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_minimal_write")
        cursor.execute(
            "CREATE TABLE bench_minimal_write (id bigserial PRIMARY KEY, user_id bigint NOT NULL, "
            "precinct_id bigint NOT NULL, location geometry(Point, 4326), created_at timestamptz DEFAULT now())"
        )


def inside_point(precinct) -> tuple[float, float]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(boundary) p FROM geo_precinct "
                       "WHERE id = %s) s", [precinct.id])  # fmt: skip
        return cursor.fetchone()


# (2) Closed loops over HTTP


class CpuMeter:
    """CPU seconds spent, per loop, by the server's worker processes, the database's backends and this client."""

    TICK = os.sysconf("SC_CLK_TCK")

    def __init__(self, port: int) -> None:
        self.port = port

    @classmethod
    def seconds(cls, pid: int) -> float:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / cls.TICK  # utime + stime

    def workers(self) -> list[int]:
        found = subprocess.run(["pgrep", "-f", f"uvicorn.*--port {self.port} "], capture_output=True, text=True)
        pids = []
        for master in found.stdout.split():
            children = subprocess.run(["pgrep", "-P", master], capture_output=True, text=True).stdout.split()
            pids += [int(pid) for pid in children if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()]
        return pids

    @staticmethod
    def backends() -> list[int]:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                           "AND pid <> pg_backend_pid()")  # fmt: skip
            return [pid for (pid,) in cursor.fetchall()]

    def snapshot(self) -> dict:
        groups = {"server": self.workers(), "database": self.backends()}
        taken = {name: {pid: self.seconds(pid) for pid in pids} for name, pids in groups.items()}
        taken["client"] = {0: time.process_time()}
        return taken

    def since(self, before: dict) -> dict:
        after = self.snapshot()
        return {name: sum(after[name][pid] - before[name].get(pid, 0.0) for pid in after[name]) for name in after}


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def closed_loop(requests, *, concurrency: int, seconds: float, expect: int) -> dict:
    """``concurrency`` clients, each sending its next request as soon as the last one is answered.

    ``requests`` yields (method, url, headers, json body); a request that is not ``expect`` is an error.
    """
    import aiohttp

    latencies, errors, first_error = [], {}, []
    loop = asyncio.get_running_loop()
    stop = loop.time() + seconds
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=60)) as session:

        async def client() -> None:
            while loop.time() < stop:
                item = next(requests, None)
                if item is None:
                    errors["out of requests"] = errors.get("out of requests", 0) + 1
                    return
                method, url, headers, body = item
                started = loop.time()
                async with session.request(method, url, headers=headers, json=body) as response:
                    text = await response.read()
                if response.status == expect:
                    latencies.append(loop.time() - started)
                else:
                    errors[response.status] = errors.get(response.status, 0) + 1
                    if not first_error:
                        first_error.append(f"{response.status} {url}: {text[:300]!r}")

        began = loop.time()
        await asyncio.gather(*(client() for _ in range(concurrency)))
        elapsed = loop.time() - began
    return {
        "rate": len(latencies) / elapsed,
        "count": len(latencies),
        "p50_ms": 1000 * statistics.median(latencies) if latencies else float("nan"),
        "p99_ms": 1000 * percentile(latencies, 0.99) if latencies else float("nan"),
        "errors": errors,
        "first_error": first_error[0] if first_error else "",
    }


# (3) Offline verification


def offline_rates(token: str, seconds: float = 3.0) -> tuple[float, float]:
    """Tokens per second on one core: against a parsed keyring, and from the JWKS as a phone downloads it."""
    from backend.station.documents.selectors import keyring_current
    from backend.station.documents.tokens import TokenStatus, token_verify_jwks, token_verify_with

    ring = keyring_current()
    jwks = ring.jwks()
    rates = []
    for verify in (lambda: token_verify_with(token, ring), lambda: token_verify_jwks(token, jwks)):
        done, started = 0, time.perf_counter()
        while time.perf_counter() - started < seconds:
            for _ in range(200):
                assert verify().status == TokenStatus.VALID
            done += 200
        rates.append(done / (time.perf_counter() - started))
    return rates[0], rates[1]


def pdf_render_ms(document) -> float:
    """The Celery task's work for one permit (every document gets its PDF after commit), in process."""
    from backend.station.documents.pdf import document_pdf_bytes

    timings = []
    for _ in range(5):
        started = time.perf_counter()
        document_pdf_bytes(document)
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


# (4) The night


_BULK_PERMITS = """
WITH holders AS (
    SELECT run, row_number() OVER (ORDER BY run) AS i
    FROM station_registryrecord
    WHERE batch_id = %(civil)s AND run %% 16 = 0 AND run %% 13 <> 0 AND run %% 37 <> 1
    LIMIT %(count)s
), documents AS (
    INSERT INTO station_issueddocument (created_at, updated_at, kind, folio, code, holder_run, holder_run_masked,
        holder_name, language, title, subtitle, facts, public_facts, valid_from, valid_until, key_id, token, status,
        revoked_reason, pdf, owner_id)
    SELECT %(now)s - make_interval(mins => (i %% 120)::int), %(now)s, 'permit',
           'PER-' || lpad(nextval('station_folio_permit')::text, 8, '0'), 'B' || lpad(to_hex(i), 12, '0'),
           run || '-' || pg_temp.run_dv(run), '**.***.' || right(run::text, 3) || '-' || pg_temp.run_dv(run),
           'Titular ' || run, 'es-cl', 'Safe-conduct permit', 'Comisaría Virtual', %(facts)s::jsonb, '[]'::jsonb,
           %(now)s - make_interval(mins => (i %% 120)::int), %(now)s + make_interval(mins => 60 + (i %% 660)::int),
           %(kid)s, '', 'valid', '', '', %(owner_low)s + i %% %(owners)s
    FROM holders
    RETURNING id, folio, holder_run, holder_name, valid_from, valid_until, owner_id, created_at
)
INSERT INTO station_permit (created_at, updated_at, folio, run, holder_name, phase, destination, reason, starts_at,
    ends_at, status, status_code, status_kind, submission_key, request_fingerprint, document_id, precinct_id,
    requester_id, permit_type_id)
SELECT created_at, created_at, folio, split_part(holder_run, '-', 1)::int, holder_name, 1, 'Supermercado', '',
       valid_from, valid_until, 'active', '', '', gen_random_uuid(), md5(folio) || md5(holder_run), id,
       %(precinct)s, owner_id, %(permit_type)s
FROM documents
"""

# The RUN's check digit in SQL (registries/runs.py: modulo 11, factors 2–7 from the right).
_RUN_DV = """
CREATE FUNCTION pg_temp.run_dv(n int) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE d WHEN 10 THEN 'K' WHEN 11 THEN '0' ELSE d::text END
    FROM (SELECT 11 - sum(((n / (10 ^ i)::int) % 10) * (2 + i % 6)) % 11 AS d FROM generate_series(0, 7) i) s
$$
"""


def bulk_permits(count: int, *, civil_batch, owners, precinct, kid: str) -> tuple[int, float, float]:
    """A million active shopping permits (and their documents) in one INSERT … SELECT; (rows, s, ANALYZE s)."""
    import json

    from django.db import connection, transaction
    from django.utils import timezone

    from backend.station.models import PermitType

    facts = [{"label": "Permit type", "value": "Compra de insumos básicos", "translate": False}]
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_RUN_DV)
        cursor.execute(_BULK_PERMITS, {
            "civil": civil_batch.id, "count": count, "now": timezone.now(), "facts": json.dumps(facts), "kid": kid,
            "owner_low": owners[0].id, "owners": len(owners), "precinct": precinct.id,
            "permit_type": PermitType.objects.get(code="shopping").id,
        })  # fmt: skip
        rows = cursor.rowcount
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE station_permit")
        cursor.execute("ANALYZE station_issueddocument")
    return rows, seconds, time.perf_counter() - started


def tonight_file(registry: str, directory: Path, *, national_runs, new_runs, today: dt.date) -> Path:
    """Tonight's CSV: yesterday's rows again, plus the permit holders newly restricted, in no particular order."""
    from backend.station.registries.runs import run_format

    rows = [(number, False) for number in national_runs] + [(number, True) for number in new_runs]
    random.Random(12).shuffle(rows)
    path = directory / f"{registry}-{today:%Y%m%d}.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(("run", "kind", "valid_from", "valid_until", "reference"))
        for number, new in rows:
            if registry == "health":
                kind, start, until, reference = (
                    (HEALTH_KINDS[0], today, today + dt.timedelta(days=11), f"EPI-N{number % 100_000}")
                    if new
                    else health_row(number, today)
                )
            else:
                kind, start, until, reference = (
                    (CUSTODY_KINDS[0], today - dt.timedelta(days=1), None, f"GEN-N{number % 100_000}")
                    if new
                    else custody_row(number)
                )
            writer.writerow((run_format(number), kind, start.isoformat(), until.isoformat() if until else "",
                             reference))  # fmt: skip
    return path


def import_file(registry: str, path: Path):
    from backend.station.registries.services import registry_batch_import

    started = time.perf_counter()
    with path.open("rb") as stream:
        imported = registry_batch_import(registry=registry, stream=stream, source=path.name)
    return imported.batch, time.perf_counter() - started


def rescan(batch):
    from backend.station.permits.services import permits_rescan

    return permits_rescan(batch_id=batch.id)


# Housekeeping


def database_recreate() -> None:
    """The benchmark's own database, from scratch (it is never the demo's or the tests')."""
    assert BENCH_DATABASE.startswith("vigia_permitbench"), BENCH_DATABASE
    for sql in (f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)", f"CREATE DATABASE {BENCH_DATABASE}"):
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql], check=True)


def redis_clean() -> int:
    """Delete the benchmark's keys (throttle counters, queued PDF tasks) from its Redis database; nothing else."""
    import redis

    client = redis.Redis.from_url(REDIS_DB)
    keys = list(client.scan_iter(match=f"{REDIS_PREFIX}*", count=1_000))
    for start in range(0, len(keys), 1_000):
        client.delete(*keys[start : start + 1_000])
    return len(keys)


def ratio_line(name: str, value: float, baseline: float, target: float) -> str:
    ratio = value / baseline if baseline else float("nan")
    return f"{name}: {ratio:.2f}× (target ≥ {target:.1f}×) — {'met' if ratio >= target else 'MISSED'}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=15.0, help="length of each closed loop")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of the four closed loops, alternating")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the national sizes (1.0: 19 M RUNs)")
    parser.add_argument("--permits", type=int, default=1_000_000, help="active permits the night re-scans")
    parser.add_argument("--requesters", type=int, default=12_000, help="citizens asking over HTTP (one each)")
    args = parser.parse_args()
    began = time.monotonic()
    print(f"Machine: {machine()}; load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}; "
          f"database {BENCH_DATABASE}; {time.strftime('%Y-%m-%d %H:%M %Z')}")  # fmt: skip
    database_recreate()
    setup_django()
    from django.db import connection
    from django.utils import timezone

    from backend.accounts.models import Role
    from backend.geo.models import Precinct
    from backend.station.documents.keys import key_ensure, keyring_load
    from backend.station.models import IssuedDocument

    key_ensure(KEYS)
    print(f"Redis {REDIS_DB}: {redis_clean()} old keys of the benchmark's deleted")

    # (1)
    loaded = national_load(args.scale)
    print("\n(1) Registries by COPY into station_registryrecord (the import service's table and shape):")
    for registry in ("civil", "health", "custody"):
        batch, count, seconds = loaded[registry]
        print(
            f"  {registry:<8} {count:>11,} rows in {seconds:6.1f} s ({count / seconds:,.0f} rows/s), batch {batch.id}"
        )
    print(f"  ANALYZE station_registryrecord: {loaded['analyze']:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), pg_size_pretty(pg_total_relation_size('station_registryrecord')), "
            "pg_size_pretty(pg_relation_size('registryrecord_batch_run')) FROM station_registryrecord"
        )
        total, size, index_size = cursor.fetchone()  # fmt: skip
    print(f"  {total:,} rows, {size} with indexes (the (batch, run) index: {index_size})")
    requester_runs = clear_runs(args.requesters, residue=8)
    plan = explain_check(requester_runs[0])
    print("  EXPLAIN ANALYZE of the registry check (sources._CURRENT_LOOKUP) for one RUN:")
    for line in plan:
        print(f"    {line}")
    indexed = any("registryrecord_batch_run" in line for line in plan) and not any(
        "Seq Scan on station_registryrecord" in line for line in plan
    )
    print(f"  → {'an index lookup (registryrecord_batch_run)' if indexed else 'NOT an index lookup'}")

    # The world
    precincts = list(Precinct.objects.order_by("code"))
    precinct = precincts[0]
    configure(precincts)
    requesters = people(args.requesters, requester_runs, role=Role.NEIGHBOR, prefix="bench-citizen-")
    requester_tokens = bulk_api_tokens(requesters)
    officers = people(OFFICERS, [], role=Role.STATION_OFFICER, prefix="bench-officer-")
    officer_tokens = bulk_api_tokens(officers)
    owners = people(BULK_OWNERS, clear_runs(BULK_OWNERS, residue=12), role=Role.NEIGHBOR, prefix="bench-owner-")
    holders = people(CHECKPOINT_PERMITS, clear_runs(CHECKPOINT_PERMITS, residue=4), role=Role.NEIGHBOR,
                     prefix="bench-holder-")  # fmt: skip
    started = time.perf_counter()
    scanned = checkpoint_permits(holders, precinct.code)
    issue_in_process = len(scanned) / (time.perf_counter() - started)
    print(f"\nIssued {len(scanned)} permits in process through permit_issue (checks, signature): "
          f"{issue_in_process:.0f}/s, one thread")  # fmt: skip
    minimal_write_table()
    # Autovacuum is off on this shared server: analyse what was just written, as autovacuum would (without it the
    # token query joins a user table the planner believes has 984 rows by a hash join, 5 ms of PostgreSQL a request).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    lon, lat = inside_point(precinct)
    codes = list(IssuedDocument.objects.values_list("code", flat=True)[:CHECKPOINT_PERMITS])
    starts_at = timezone.make_aware(dt.datetime.combine(timezone.localdate() + dt.timedelta(days=1), dt.time(10)))

    # (2)
    extra = {
        "DJANGO_SETTINGS_MODULE": "bench_permits_settings",
        "PYTHONPATH": str(ROOT / "bench"),
        "STATION_SIGNING_KEYS_DIR": str(KEYS),
        "CACHE_URL": REDIS_DB,
        "CACHE_KEY_PREFIX": REDIS_PREFIX,
        "CELERY_BROKER_URL": REDIS_DB,
        "THROTTLE_STATION_FILING": "100000000/hour",
    }
    results: dict[str, list[dict]] = {}
    port = free_port()
    meter = CpuMeter(port)
    with asgi_server(workers=args.workers, port=port, extra_env=extra) as base:
        writes = iter(range(len(requesters)))  # each citizen asks once (quota 2 a week: never refused)
        write_tokens = itertools.cycle(requester_tokens)
        officer_cycle = itertools.cycle(officer_tokens)
        scan_cycle = itertools.cycle([permit.document.token for permit in scanned])
        code_cycle = itertools.cycle(codes)

        def baseline_writes():
            for token in write_tokens:
                yield (
                    "POST",
                    f"{base}/bench/minimal-write/",
                    {"Authorization": f"Token {token}"},
                    {"lat": lat, "lon": lon},
                )

        def permit_requests():
            for index in writes:
                body = {
                    "permit_type": "shopping",
                    "comuna": precinct.code,
                    "starts_at": starts_at.isoformat(),
                    "destination": "Supermercado Santa Rosa 8000",
                    "submission_key": str(uuid.uuid4()),
                }
                yield (
                    "POST",
                    f"{base}/api/station/permits/",
                    {"Authorization": f"Token {requester_tokens[index]}"},
                    body,
                )

        def lookups():
            for code in code_cycle:
                yield "GET", f"{base}/bench/lookup/{code}/", {}, None

        def checkpoints():
            for token in scan_cycle:
                yield (
                    "POST",
                    f"{base}/api/station/permits/checkpoint/",
                    {"Authorization": f"Token {next(officer_cycle)}"},
                    {"token": token},
                )

        loops = {
            "baseline write": (baseline_writes(), 201),
            "permit issue": (permit_requests(), 201),
            "baseline lookup": (lookups(), 200),
            "checkpoint": (checkpoints(), 200),
        }
        warm = iter(itertools.islice(baseline_writes(), 400))
        asyncio.run(closed_loop(warm, concurrency=8, seconds=3, expect=201))
        asyncio.run(closed_loop(iter(itertools.islice(checkpoints(), 400)), concurrency=8, seconds=3, expect=200))
        for round_number in range(1, args.rounds + 1):
            print(f"\n(2) Round {round_number}: {args.concurrency} clients, closed loop, {args.seconds:.0f} s each, "
                  f"{args.workers} uvicorn workers; load average {os.getloadavg()[0]:.1f}")  # fmt: skip
            for name, (requests, expect) in loops.items():
                before = meter.snapshot()
                result = asyncio.run(closed_loop(requests, concurrency=args.concurrency, seconds=args.seconds,
                                                 expect=expect))  # fmt: skip
                spent = meter.since(before)
                result["cpu_ms"] = {group: 1000 * cpu / max(result["count"], 1) for group, cpu in spent.items()}
                results.setdefault(name, []).append(result)
                cpu = result["cpu_ms"]
                errors = f"  errors {result['errors']} first: {result['first_error']}" if result["errors"] else ""
                print(f"  {name:<16} {result['rate']:7.1f}/s  p50 {result['p50_ms']:6.1f} ms  "
                      f"p99 {result['p99_ms']:7.1f} ms  ({result['count']} answered); CPU per request: server "
                      f"{cpu['server']:.2f} ms, PostgreSQL {cpu['database']:.2f} ms, client {cpu['client']:.2f} ms"
                      f"{errors}")  # fmt: skip
            last = {name: runs[-1]["rate"] for name, runs in results.items()}
            print(f"  ratios this round: issue/write {last['permit issue'] / last['baseline write']:.2f}, "
                  f"checkpoint/lookup {last['checkpoint'] / last['baseline lookup']:.2f}")  # fmt: skip
    from backend.station.models import Permit, RegistryQuery

    print(f"  permits now: {Permit.objects.count():,}; registry audit rows: {RegistryQuery.objects.count():,}")

    # (3)
    token = scanned[0].document.token
    with_ring, from_jwks = offline_rates(token)
    print(f"\n(3) Offline token verification, one core: {with_ring:,.0f}/s with a parsed keyring; "
          f"{from_jwks:,.0f}/s parsing the JWKS for every token (token_verify_jwks)")  # fmt: skip
    pdf_ms = pdf_render_ms(scanned[0].document)
    print(f"  for the sizing: a permit's PDF (WeasyPrint, PDF/UA-1), rendered in process: median {pdf_ms:.0f} ms")

    # (4)
    civil_batch = loaded["civil"][0]
    kid = keyring_load(KEYS).active_kid
    rows, bulk_seconds, analyze_seconds = bulk_permits(args.permits, civil_batch=civil_batch, owners=owners,
                                                       precinct=precinct, kid=kid)  # fmt: skip
    print(f"\n(4) {rows:,} active permits and their documents by INSERT … SELECT: {bulk_seconds:.1f} s "
          f"(ANALYZE {analyze_seconds:.1f} s)")  # fmt: skip
    today = timezone.localdate()
    with connection.cursor() as cursor:
        # The bulk permits' holders are the RUNs ≡ 0 mod 16 (the citizens of the HTTP phase are not).
        cursor.execute(
            "SELECT run FROM station_permit WHERE run %% 16 = 0 ORDER BY md5(run::text) LIMIT %s",
            [NEW_QUARANTINES + NEW_CUSTODY],
        )
        chosen = [run for (run,) in cursor.fetchall()]  # fmt: skip
    directory = Path(tempfile.mkdtemp(prefix="permitbench-"))
    rescans = {}
    for registry, national, new in (
        ("health", loaded["health_runs"], chosen[:NEW_QUARANTINES]),
        ("custody", loaded["custody_runs"], chosen[NEW_QUARANTINES:]),
    ):
        path = tonight_file(registry, directory, national_runs=national, new_runs=new, today=today)
        batch, seconds = import_file(registry, path)
        size = path.stat().st_size
        path.unlink()
        print(f"  tonight's {registry} file through registry_batch_import: {batch.row_count:,} rows "
              f"({size / 1e6:.0f} MB) in {seconds:.1f} s = {batch.row_count / seconds:,.0f} rows/s")  # fmt: skip
        rescans[registry] = rescan(batch)
    rescans["civil"] = rescan(civil_batch)
    for registry, result in rescans.items():
        print(f"  permits_rescan({registry}, batch {result.batch_id}): {result.seconds:.1f} s over "
              f"{result.active_count:,} active permits; revoked {result.revoked_count:,}, "
              f"flagged {result.flagged_count:,}")  # fmt: skip
    directory.rmdir()

    # Summary
    def median(name: str, key: str) -> float:
        return statistics.median(result[key] for result in results[name])

    issue, write = median("permit issue", "rate"), median("baseline write", "rate")
    check, lookup = median("checkpoint", "rate"), median("baseline lookup", "rate")
    print("\nSummary (medians of the rounds):")
    print(f"  registry check at {loaded['civil'][1] + loaded['health'][1] + loaded['custody'][1]:,} rows: "
          f"{'index lookup' if indexed else 'NOT an index lookup'}")  # fmt: skip
    print(f"  permit issue {issue:.0f}/s, p99 {median('permit issue', 'p99_ms'):.0f} ms; baseline write {write:.0f}/s "
          f"(p99 {median('baseline write', 'p99_ms'):.0f} ms)")  # fmt: skip
    print(f"    {ratio_line('issue / minimal write', issue, write, TARGET_RATIO)}; "
          f"≥ {TARGET_RATE:.0f}/s — {'met' if issue >= TARGET_RATE else 'MISSED'}")  # fmt: skip
    print(f"  checkpoint {check:.0f}/s, p99 {median('checkpoint', 'p99_ms'):.0f} ms; baseline lookup {lookup:.0f}/s")
    print(f"    {ratio_line('checkpoint / one lookup', check, lookup, TARGET_RATIO)}")
    for name, baseline in (("permit issue", "baseline write"), ("checkpoint", "baseline lookup")):
        per_round = [a["rate"] / b["rate"] for a, b in zip(results[name], results[baseline], strict=True)]
        print(f"  {name} / {baseline}, round by round: " + ", ".join(f"{ratio:.2f}" for ratio in per_round))
    print("  CPU per request, medians (server processes + PostgreSQL + client):")
    for name in results:
        cpu = {
            group: statistics.median(r["cpu_ms"][group] for r in results[name])
            for group in ("server", "database", "client")
        }
        print(f"    {name:<16} {cpu['server']:5.2f} + {cpu['database']:5.2f} + {cpu['client']:4.2f} = "
              f"{sum(cpu.values()):5.2f} ms")  # fmt: skip
    print(
        f"  offline verification {with_ring:,.0f}/s (keyring), {from_jwks:,.0f}/s (JWKS each time): "
        f"target ≥ {TARGET_OFFLINE:,.0f}/s — {'met' if min(with_ring, from_jwks) >= TARGET_OFFLINE else 'MISSED'}"
    )
    worst = max(result.seconds for result in rescans.values())
    print(
        f"  re-scan of {rows:,} permits: "
        + ", ".join(f"{r} {res.seconds:.1f} s" for r, res in rescans.items())
        + f"; target < {TARGET_RESCAN_S:.0f} s each — {'met' if worst < TARGET_RESCAN_S else 'MISSED'}"
    )
    print(f"Redis: {redis_clean()} keys of the benchmark deleted. Whole run {time.monotonic() - began:.0f} s; "
          f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
