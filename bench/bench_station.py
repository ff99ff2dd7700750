"""The virtual police station: verification under load, issuing constancias, offline token checks, PDFs.

Measures, on this machine and in one run:
  * the public verification API and page under sustained load (closed loop), as a ratio to a minimal
    Django view that makes one indexed lookup (the baseline, served by the same server);
  * issuing constancias end to end without the PDF (validate with the API serializer, take a folio, sign,
    store), per second from one process;
  * the PDF: render time in process, and, with a real Celery worker, the time from issue to a stored PDF
    (p50/p95) while constancias are issued at a steady rate;
  * offline verification of a token against the keyring, per second on one core.

Run: .venv/bin/python bench/bench_station.py [--seconds 10] [--concurrency 32] [--workers 2]
"""

import argparse
import asyncio
import itertools
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

os.environ.setdefault("BENCH_DATABASE", "vigia_station_bench")
# Kept between runs: documents a previous run issued must still verify.
KEYS = Path(__file__).resolve().parents[1] / "var" / "bench-station-keys"
os.environ["STATION_SIGNING_KEYS_DIR"] = str(KEYS)
# A broker database of the station's own (BENCH_STATION_BROKER_URL), so no other worker takes its tasks.
os.environ["CELERY_BROKER_URL"] = os.environ.get("BENCH_STATION_BROKER_URL", "redis://127.0.0.1:6379/6")

from _django import BENCH_DATABASE, ROOT, machine, setup_django  # noqa: E402
from _server import asgi_server  # noqa: E402

DOCUMENTS = 2_000


def answers(comuna: str) -> dict:
    return {
        "kind": "lost_documents",
        "answers": {
            "documents": "Cédula de identidad",
            "document_numbers": "",
            "occurred_on": "2025-05-01",
            "comuna": comuna,
            "narrative": "",
        },
        "submission_key": str(uuid.uuid4()),
    }


def issue_one(citizen, comuna: str):
    from backend.station.constancias.serializers import ConstanciaIssueSerializer
    from backend.station.constancias.services import ConstanciaInput, constancia_issue

    serializer = ConstanciaIssueSerializer(data=answers(comuna))
    serializer.is_valid(raise_exception=True)
    return constancia_issue(citizen=citizen, data=ConstanciaInput(**serializer.validated_data)).constancia


def citizen_get():
    from django.utils import timezone

    from backend.accounts.models import IdentityVerification, User

    user, _ = User.objects.get_or_create(
        username="bench-citizen",
        defaults={
            "rut": "44444444-4",
            "identity_verified_by": IdentityVerification.CLAVEUNICA,
            "identity_verified_at": timezone.now(),
            "first_name": "María",
            "last_name": "González",
        },
    )
    return user


def issuing_rate(citizen, comuna: str, count: int, *, threads: int = 1) -> float:
    """Constancias per second from one process; with ``threads``, as a server's request threads would issue."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    from backend.station.documents import services

    original = services.pdf_render_enqueue
    services.pdf_render_enqueue = lambda **kwargs: None  # this phase measures issuing without the PDF

    def batch(size: int) -> None:
        try:
            for _ in range(size):
                issue_one(citizen, comuna)
        finally:
            connections.close_all()

    try:
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=threads) as pool:
            list(pool.map(batch, [count // threads] * threads))
        return (count // threads) * threads / (time.perf_counter() - started)
    finally:
        services.pdf_render_enqueue = original


def offline_rate(token: str, seconds: float = 3.0) -> float:
    from backend.station.documents.keys import keyring_load
    from backend.station.documents.tokens import TokenStatus, token_verify_with

    ring = keyring_load(KEYS)
    done, stop = 0, time.perf_counter() + seconds
    while time.perf_counter() < stop:
        for _ in range(200):
            assert token_verify_with(token, ring).status == TokenStatus.VALID
        done += 200
    return done / (seconds + (time.perf_counter() - stop))


def pdf_render_ms(document) -> float:
    from backend.station.documents.pdf import document_pdf_bytes

    timings = []
    for _ in range(5):
        started = time.perf_counter()
        document_pdf_bytes(document)
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def pdf_latency(citizen, comuna: str, *, rate: float, seconds: float) -> tuple[float, float, int]:
    """Issue at ``rate``/s with a real worker rendering PDFs; (p50, p95) seconds from issue to stored PDF."""
    from backend.station.models import IssuedDocument

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "backend.config.settings.base", "LOG_LEVEL": "WARNING",
           "DATABASE_URL": f"postgis://postgres@127.0.0.1:5432/{BENCH_DATABASE}"}  # fmt: skip
    log = Path(tempfile.mkdtemp()) / "celery.log"
    worker = subprocess.Popen(
        [str(Path(sys.executable).parent / "celery"), "-A", "backend.config", "worker",
         "--concurrency=2", "--without-gossip", "--without-mingle", "--loglevel=INFO"],
        cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while b" ready." not in log.read_bytes():
            if time.monotonic() > deadline:
                raise RuntimeError("The Celery worker did not start.")
            time.sleep(0.2)
        ids, started = [], time.monotonic()
        for index in range(int(rate * seconds)):
            delay = started + index / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            ids.append(issue_one(citizen, comuna).document_id)
        deadline = time.monotonic() + 120
        while IssuedDocument.objects.filter(id__in=ids, pdf="").exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        if not IssuedDocument.objects.filter(id__in=ids).exclude(pdf="").exists():
            raise RuntimeError(f"The worker rendered no PDF:\n{log.read_text()[-2000:]}")
        waits = sorted(
            (rendered - created).total_seconds()
            for created, rendered in IssuedDocument.objects.filter(id__in=ids).values_list(
                "created_at", "pdf_rendered_at"
            )
            if rendered is not None
        )
        p95 = waits[min(len(waits) - 1, int(0.95 * len(waits)))]
        return statistics.median(waits), p95, len(waits)
    finally:
        worker.terminate()
        worker.wait(timeout=30)


async def closed_loop(urls: list[str], *, concurrency: int, seconds: float) -> tuple[float, float, float, dict]:
    import aiohttp

    latencies, errors = [], {}
    cycle = itertools.cycle(urls)
    stop = time.monotonic() + seconds
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as session:

        async def worker() -> None:
            while time.monotonic() < stop:
                started = time.perf_counter()
                async with session.get(next(cycle)) as response:
                    await response.read()
                    if response.status == 200:
                        latencies.append(time.perf_counter() - started)
                    else:
                        errors[response.status] = errors.get(response.status, 0) + 1

        began = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.monotonic() - began
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
    return len(ordered) / elapsed, statistics.median(ordered) * 1000, p99 * 1000, errors


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--issue", type=int, default=500)
    args = parser.parse_args()

    setup_django()
    from backend.geo.models import Precinct
    from backend.station.documents.codes import code_format
    from backend.station.documents.keys import key_ensure
    from backend.station.models import IssuedDocument

    key_ensure(KEYS)
    citizen = citizen_get()
    comuna = Precinct.objects.order_by("code").first().code
    print(f"Machine: {machine()}; database {BENCH_DATABASE}")

    rate = issuing_rate(citizen, comuna, args.issue)
    print(f"Issuing constancias without the PDF (serializer, folio, Ed25519 signature, insert): {rate:.0f}/s")
    rate = issuing_rate(citizen, comuna, args.issue, threads=4)
    print(f"  the same from 4 threads of one process (each its own connection): {rate:.0f}/s")
    missing = DOCUMENTS - IssuedDocument.objects.count()
    if missing > 0:
        issuing_rate(citizen, comuna, missing)
    from backend.station.documents.keys import keyring_load

    active = keyring_load(KEYS).active_kid
    documents = list(IssuedDocument.objects.filter(key_id=active).order_by("?")[:500])
    print(f"Offline token verification, one core: {offline_rate(documents[0].token):.0f}/s")
    print(f"PDF render (WeasyPrint, PDF/UA-1), in process: median {pdf_render_ms(documents[0]):.0f} ms")
    p50, p95, count = pdf_latency(citizen, comuna, rate=4.0, seconds=10.0)
    print(f"Issue → stored PDF with a Celery worker (2 processes), 4 constancias/s for 10 s: "
          f"p50 {p50:.2f} s, p95 {p95:.2f} s over {count}")  # fmt: skip

    codes = [code_format(document.code) for document in documents]
    extra = {
        "DJANGO_SETTINGS_MODULE": "bench_station_settings",
        "PYTHONPATH": str(ROOT / "bench"),
        "STATION_SIGNING_KEYS_DIR": str(KEYS),
        "THROTTLE_STATION_VERIFICATION": "100000000/minute",
    }
    with asgi_server(workers=args.workers, extra_env=extra) as base:
        targets = {
            "baseline (one indexed lookup, JSON)": [f"{base}/bench/lookup/{document.code}/" for document in documents],
            "GET /api/station/verify/<code>/": [f"{base}/api/station/verify/{code}/" for code in codes],
            "GET /verificar/<code>/ (HTML page)": [f"{base}/verificar/{code}/" for code in codes],
        }
        asyncio.run(closed_loop(targets["baseline (one indexed lookup, JSON)"], concurrency=8, seconds=2))  # warm-up
        results = {}
        for name, urls in targets.items():
            results[name] = asyncio.run(closed_loop(urls, concurrency=args.concurrency, seconds=args.seconds))
    baseline = results["baseline (one indexed lookup, JSON)"][0]
    print(f"\nClosed loop, {args.concurrency} concurrent clients, {args.seconds:.0f} s each, {args.workers} workers:")
    for name, (throughput, p50, p99, errors) in results.items():
        print(f"  {name:<38} {throughput:7.0f} req/s  p50 {p50:6.1f} ms  p99 {p99:6.1f} ms  "
              f"ratio {throughput / baseline:.2f}" + (f"  errors {errors}" if errors else ""))  # fmt: skip


if __name__ == "__main__":
    main()
