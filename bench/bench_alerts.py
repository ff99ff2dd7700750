"""Sustained POST /api/alerts/ against the running ASGI server, beside raw PostGIS inserts in the same run.

Measures, on this machine:
  * raw PostGIS: single-row INSERT + COMMIT from 8 connections (the ceiling for any write path);
  * closed loop: throughput and p50/p99 latency at fixed concurrency, without photos and with a 1 MB photo;
  * open loop: p99 latency at a fixed 200 alerts/s arrival rate.

Many neighbors send the alerts (each stays under the per-user throttle), as in real life.
Run: .venv/bin/python bench/bench_alerts.py [--seconds 15] [--concurrency 32] [--workers 2]
"""

import argparse
import asyncio
import io
import itertools
import random
import statistics
import threading
import time
import uuid

from _django import BENCH_DATABASE, bulk_api_tokens, machine, setup_django
from _server import asgi_server

RAW_CONNECTIONS = 8


def raw_insert_rate(seconds: float) -> float:
    import psycopg

    dsn = f"host=127.0.0.1 user=postgres dbname={BENCH_DATABASE}"
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute("DROP TABLE IF EXISTS bench_raw_insert")
        connection.execute(
            "CREATE TABLE bench_raw_insert (id bigserial PRIMARY KEY, category text, location geometry(Point, 4326), "
            "accuracy double precision, created_at timestamptz DEFAULT now())"
        )
        connection.execute("CREATE INDEX ON bench_raw_insert USING gist (location)")
    counts = [0] * RAW_CONNECTIONS
    stop = time.monotonic() + seconds

    def insert(slot: int) -> None:
        generator = random.Random(slot)
        with psycopg.connect(dsn) as connection:
            while time.monotonic() < stop:
                connection.execute(
                    "INSERT INTO bench_raw_insert (category, location, accuracy) "
                    "VALUES (%s, ST_SetSRID(ST_MakePoint(%s, %s), 4326), %s)",
                    ["theft", -70.65 + generator.random() * 0.05, -33.55 + generator.random() * 0.05, 10.0],
                )
                connection.commit()
                counts[slot] += 1

    threads = [threading.Thread(target=insert, args=(slot,)) for slot in range(RAW_CONNECTIONS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.monotonic() - started)


def make_reporters(count: int) -> list[str]:
    from backend.accounts.models import Role, User

    prefix = f"bench-{uuid.uuid4().hex[:6]}"
    users = User.objects.bulk_create([User(username=f"{prefix}-{index}", role=Role.NEIGHBOR) for index in range(count)])
    return bulk_api_tokens(users)


def inside_points(count: int) -> list[tuple[float, float]]:
    from django.contrib.gis.geos import Point

    from backend.geo.models import Prefecture

    outline = Prefecture.objects.get().boundary
    xmin, ymin, xmax, ymax = outline.extent
    generator = random.Random(3)
    points: list[tuple[float, float]] = []
    while len(points) < count:
        lat, lon = generator.uniform(ymin, ymax), generator.uniform(xmin, xmax)
        if outline.contains(Point(lon, lat)):
            points.append((lat, lon))
    return points


def one_megabyte_photo() -> bytes:
    from PIL import Image

    generator = random.Random(5)
    # Noise does not compress, so a 900 x 720 image is about 1 MB as a high-quality JPEG.
    image = Image.frombytes("RGB", (900, 720), generator.randbytes(900 * 720 * 3))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=98)
    return buffer.getvalue()


class Load:
    def __init__(self, base_url: str, tokens: list[str], points: list[tuple[float, float]], photo: bytes | None):
        self.url = f"{base_url}/api/alerts/"
        self.tokens = itertools.cycle(tokens)
        self.points = itertools.cycle(points)
        self.photo = photo
        self.latencies: list[float] = []
        self.errors: dict[int, int] = {}

    async def post(self, session) -> None:
        import aiohttp

        lat, lon = next(self.points)
        headers = {"Authorization": f"Token {next(self.tokens)}", "Idempotency-Key": uuid.uuid4().hex}
        fields = {"category": "theft", "lat": str(lat), "lon": str(lon), "accuracy_meters": "12"}
        if self.photo:
            form = aiohttp.FormData(fields)
            form.add_field("photos", self.photo, filename="photo.jpg", content_type="image/jpeg")
            body = {"data": form}
        else:
            body = {"json": fields}
        started = time.perf_counter()
        async with session.post(self.url, headers=headers, **body) as response:
            await response.read()
            if response.status == 201:
                self.latencies.append(time.perf_counter() - started)
            else:
                self.errors[response.status] = self.errors.get(response.status, 0) + 1

    async def closed_loop(self, *, concurrency: int, seconds: float) -> float:
        import aiohttp

        stop = time.monotonic() + seconds
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as session:

            async def worker() -> None:
                while time.monotonic() < stop:
                    await self.post(session)

            started = time.monotonic()
            await asyncio.gather(*(worker() for _ in range(concurrency)))
            return len(self.latencies) / (time.monotonic() - started)

    async def open_loop(self, *, rate: float, seconds: float) -> None:
        import aiohttp

        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=512)) as session:
            tasks = []
            started = time.monotonic()
            for index in range(int(rate * seconds)):
                delay = started + index / rate - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                tasks.append(asyncio.create_task(self.post(session)))
            await asyncio.gather(*tasks)

    def summary(self) -> str:
        if not self.latencies:
            return f"no successful requests; errors {self.errors}"
        ordered = sorted(self.latencies)
        p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
        return f"{len(ordered)} alerts, p50 {statistics.median(ordered) * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms" + (
            f", errors {self.errors}" if self.errors else ""
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rate", type=float, default=200)
    args = parser.parse_args()
    setup_django()
    tokens = make_reporters(4_000)
    points = inside_points(2_000)
    print(f"machine: {machine()}; server: uvicorn with {args.workers} workers; {args.seconds:.0f} s per phase")
    raw_rate = raw_insert_rate(args.seconds)
    print(f"raw PostGIS single-row INSERT+COMMIT, {RAW_CONNECTIONS} connections: {raw_rate:,.0f} rows/s")
    with asgi_server(workers=args.workers) as base_url:
        warmup = Load(base_url, tokens, points, None)
        asyncio.run(warmup.closed_loop(concurrency=8, seconds=3))
        plain = Load(base_url, tokens, points, None)
        rate = asyncio.run(plain.closed_loop(concurrency=args.concurrency, seconds=args.seconds))
        print(
            f"POST /api/alerts/ without photos, {args.concurrency} concurrent: {rate:,.0f} alerts/s; {plain.summary()}"
        )
        photo = one_megabyte_photo()
        with_photo = Load(base_url, tokens, points, photo)
        rate_photo = asyncio.run(with_photo.closed_loop(concurrency=8, seconds=args.seconds))
        print(
            f"POST /api/alerts/ with a {len(photo) / 1e6:.2f} MB photo, 8 concurrent: {rate_photo:,.1f} alerts/s; "
            f"{with_photo.summary()}"
        )
        paced = Load(base_url, tokens, points, None)
        asyncio.run(paced.open_loop(rate=args.rate, seconds=args.seconds))
        print(f"open loop at {args.rate:.0f} alerts/s: {paced.summary()}")


if __name__ == "__main__":
    main()
