"""The alert write path after the outbox redesign (issue #13), measured in one run on one set-up.

Two single-process uvicorn servers (``bench/baseline_settings.py``: the project plus the baseline view), the
event relay and a private redis-server, on the benchmark database; 1,000 community sockets stay connected
throughout (their zones scattered over the precinct, so alerts fan out to the members around them).

  (1) the baseline: ``bench/minimal-write/`` (token, one indexed precinct lookup, one insert in a transaction),
      closed loop at fixed concurrency;
  (2) ``POST /api/alerts/`` without photos, the same closed loop, with the relay delivering every event;
  (3) relay restart: alerts arrive at a fixed rate; the relay is killed (-9) and started again 1 s later; a
      dispatch console counts what it receives: lost, duplicated, and how long after the new relay became
      active the console had everything committed up to then.

The load generator runs in this process (httpx, asyncio); both measurements share it, so the ratio is fair.
Run: .venv/bin/python bench/bench_write_path.py [--seconds 15] [--concurrency 32] [--community 1000]
"""

import argparse
import asyncio
import json
import logging
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("BENCH_DATABASE", "vigia_bench_rt")
from _django import BENCH_DATABASE, machine, setup_django  # noqa: E402
from bench_realtime import (  # noqa: E402
    CLIENT_PROCESSES,
    SUBPROTOCOL_TOKEN,
    ClientPool,
    Servers,
    percentile,
    prepare,
    socket_client,
)

RESTART_RATE = 50.0
RESTART_SECONDS = 8.0
RESTART_KILL_AT = 2.5
RESTART_DOWN_SECONDS = 1.0


def create_baseline_table() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_minimal_write")
        cursor.execute(
            "CREATE TABLE bench_minimal_write (id bigserial PRIMARY KEY, user_id bigint NOT NULL, "
            "precinct_id bigint NOT NULL, location geometry(Point, 4326), created_at timestamptz DEFAULT now())"
        )


async def closed_loop(addresses, path, tokens, points, *, concurrency: int, seconds: float) -> dict:
    """``concurrency`` clients, each posting as soon as its last answer came; every request a new reporter."""
    import httpx

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    clients = [httpx.AsyncClient(base_url=f"http://{address}", limits=limits, timeout=30) for address in addresses]
    statuses: list[int] = []
    latencies: list[float] = []
    counter = iter(range(len(tokens)))
    loop = asyncio.get_running_loop()
    stop = loop.time() + seconds

    async def worker(slot: int) -> None:
        while loop.time() < stop:
            index = next(counter, None)
            if index is None:
                print(f"    {path}: out of reporters; give the benchmark more")
                return
            lon, lat = points[index % len(points)]
            started = loop.time()
            response = await clients[index % len(clients)].post(
                path,
                json={"category": "theft", "lat": lat, "lon": lon, "accuracy_meters": 10, "description": f"w{index}"},
                headers={"Authorization": f"Token {tokens[index]}"},
            )
            latencies.append(loop.time() - started)
            statuses.append(response.status_code)
            if response.status_code != 201 and statuses.count(response.status_code) == 1:
                print(f"    first {response.status_code} on {path}: {response.text[:200]}")

    started = loop.time()
    try:
        await asyncio.gather(*(worker(slot) for slot in range(concurrency)))
    finally:
        for client in clients:
            await client.aclose()
    elapsed = loop.time() - started
    return {
        "requests": len(statuses),
        "created": statuses.count(201),
        "rate": statuses.count(201) / elapsed,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * percentile(latencies, 0.99),
    }


def logged_ids(after_id: int) -> list[int]:
    from backend.alerts.models import Event

    return list(Event.objects.filter(id__gt=after_id).order_by("id").values_list("id", flat=True))


async def relay_restart(servers: Servers, dispatcher_token: str, tokens, points) -> dict:
    """Alerts at RESTART_RATE/s while the relay is killed (-9) and started again; what does a console see?"""
    import httpx
    from websockets.asyncio.client import connect

    before = (await asyncio.to_thread(logged_ids, 0) or [0])[-1]
    received: list[int] = []
    listener = servers.addresses[1]
    async with connect(f"ws://{listener}/ws/dispatch/", subprotocols=[SUBPROTOCOL_TOKEN, dispatcher_token],
                       compression=None, max_size=2**22) as console:  # fmt: skip
        assert json.loads(await console.recv())["type"] == "hello"

        async def listen() -> None:
            async for raw in console:
                frame = json.loads(raw)
                if "id" in frame:
                    received.append(frame["id"])

        listening = asyncio.create_task(listen())
        client = httpx.AsyncClient(base_url=f"http://{servers.addresses[0]}", timeout=30)
        loop = asyncio.get_running_loop()
        created = 0

        async def post(index: int) -> None:
            nonlocal created
            lon, lat = points[index % len(points)]
            response = await client.post(
                "/api/alerts/",
                json={"category": "theft", "lat": lat, "lon": lon, "accuracy_meters": 10},
                headers={"Authorization": f"Token {tokens[index]}"},
            )
            created += response.status_code == 201

        async def outage() -> float | None:
            """Kill the relay, start it again; seconds from its new lease until the console holds everything
            that was committed by then (None: not within 30 s)."""
            await asyncio.sleep(RESTART_KILL_AT)
            servers.relay_kill()
            await asyncio.sleep(RESTART_DOWN_SECONDS)
            active_at = await asyncio.to_thread(servers.relay_start)
            pending = set(await asyncio.to_thread(logged_ids, before))
            while time.monotonic() < active_at + 30:
                if pending <= set(received):
                    return time.monotonic() - active_at
                await asyncio.sleep(0.01)
            return None

        restart = asyncio.create_task(outage())
        start = loop.time()
        posts = []
        for index in range(int(RESTART_RATE * RESTART_SECONDS)):
            await asyncio.sleep(max(0.0, start + index / RESTART_RATE - loop.time()))
            posts.append(asyncio.create_task(post(index)))
        await asyncio.gather(*posts)
        await client.aclose()
        caught_up_seconds = await restart
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            logged = set(await asyncio.to_thread(logged_ids, before))
            if logged <= set(received):
                break
            await asyncio.sleep(0.2)
        listening.cancel()
    return {
        "offered": len(posts),
        "created": created,
        "logged": len(logged),
        "lost": len(logged - set(received)),
        "duplicated": len(received) - len(set(received)),
        "caught_up_s": caught_up_seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--community", type=int, default=1_000)
    parser.add_argument(
        "--spread",
        choices=("precinct", "prefecture"),
        default="precinct",
        help="community zones in the alerts' precinct (dense: ~44 recipients an alert) or over the prefecture",
    )
    arguments = parser.parse_args()
    logging.getLogger("httpx").setLevel(logging.WARNING)
    setup_django(migrate=True, precincts=False)
    print(f"Machine: {machine()}; load average {os.getloadavg()[0]:.1f}; database {BENCH_DATABASE}; "
          f"{time.strftime('%Y-%m-%d %H:%M')}")  # fmt: skip
    # Enough distinct reporters that none meets the per-reporter limit (5 a minute).
    reporters_needed = 2 * int(700 * arguments.seconds) + 1_000
    precinct, dispatcher, reporters, community, _fanout, points, _center = prepare(
        arguments.community, 0, reporters_needed, spread=arguments.spread
    )
    create_baseline_table()
    directory = Path(tempfile.mkdtemp(prefix="vigia-bench-write-"))
    servers = Servers(directory, layer="core", settings="bench.baseline_settings")
    try:
        pool = ClientPool(socket_client, [(servers.addresses, community[index::CLIENT_PROCESSES])
                                          for index in range(CLIENT_PROCESSES)])  # fmt: skip
        print(f"{sum(pool.expect('connected'))} community sockets connected (zones over the {arguments.spread}); "
              "relay running")  # fmt: skip
        # Every alert comes from a reporter of its own (none meets the per-reporter limit); slices never overlap.
        restart_tokens, warm_tokens, reporters = reporters[:500], reporters[500:1_000], reporters[1_000:]
        half = len(reporters) // 2
        baseline_tokens, alert_tokens = reporters[:half], reporters[half:]
        # Warm both paths (lazy imports, connection pools), then measure.
        asyncio.run(closed_loop(servers.addresses, "/bench/minimal-write/", warm_tokens, points,
                                concurrency=8, seconds=2))  # fmt: skip
        asyncio.run(closed_loop(servers.addresses, "/api/alerts/", warm_tokens, points, concurrency=8,
                                seconds=2))  # fmt: skip
        baseline = asyncio.run(closed_loop(servers.addresses, "/bench/minimal-write/", baseline_tokens, points,
                                           concurrency=arguments.concurrency, seconds=arguments.seconds))  # fmt: skip
        alerts = asyncio.run(closed_loop(servers.addresses, "/api/alerts/", alert_tokens, points,
                                         concurrency=arguments.concurrency, seconds=arguments.seconds))  # fmt: skip
        print(f"(1) minimal write view: {baseline['rate']:.0f}/s, p50 {baseline['p50_ms']:.0f} ms, "
              f"p99 {baseline['p99_ms']:.0f} ms ({baseline['created']}/{baseline['requests']} created)")  # fmt: skip
        print(f"(2) POST /api/alerts/: {alerts['rate']:.0f}/s, p50 {alerts['p50_ms']:.0f} ms, "
              f"p99 {alerts['p99_ms']:.0f} ms ({alerts['created']}/{alerts['requests']} created); "
              f"{alerts['rate'] / baseline['rate']:.2f}x the minimal view")  # fmt: skip
        restart = asyncio.run(relay_restart(servers, dispatcher, restart_tokens, points))
        print(f"(3) relay killed (-9) and restarted {RESTART_DOWN_SECONDS:.0f} s later while {RESTART_RATE:.0f} "
              f"alerts/s arrived: {restart['offered']} offered, {restart['created']} created, {restart['logged']} "
              f"logged, {restart['lost']} lost and {restart['duplicated']} duplicated at the console; caught up "
              f"{restart['caught_up_s']} s after the new relay took the lease")  # fmt: skip
        pool.close()
    finally:
        servers.stop()
        if not os.environ.get("BENCH_KEEP_LOGS"):
            shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
