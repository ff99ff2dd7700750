"""Realtime benchmarks against two real uvicorn processes sharing a Redis channel layer.

Measures, on this machine, in one run:
  (a) POST /api/alerts/ (to process A) -> dispatch socket (on process B) receive latency, p50/p99, at a fixed
      arrival rate while community sockets are connected (their zones scattered over the precinct, so each
      alert also fans out to the members around it);
  (b) one mass message (POST /api/messages/) to N community sockets spread over both processes: time from
      the POST to the last delivery, beside raw Redis pub/sub fan-out to N subscriber connections in the same
      run (one PUBLISH to a channel all N subscribe to, and N PUBLISHes to one channel each);
  (c) server memory per connected socket: RSS growth of the two processes divided by the sockets they hold.

Everything runs on loopback against a dedicated database (vigia_bench_rt, flushed at start) and a private
redis-server (so the shared Redis never sees 10,000 extra connections). Clients sit in separate processes.
Run: .venv/bin/python bench/bench_realtime.py [--rate 100] [--seconds 10] [--community 1000] [--fanout 10000]
     [--layer core|pubsub]   (core: channels-redis' list layer, the default; pubsub: its pub/sub layer)
"""

import argparse
import asyncio
import io
import json
import logging
import multiprocessing
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("BENCH_DATABASE", "vigia_bench_rt")
from _django import BENCH_DATABASE, ROOT, bulk_api_tokens, machine, setup_django  # noqa: E402

CLIENT_PROCESSES = 2
CONNECT_CONCURRENCY = 64
DELIVERY_TIMEOUT_SECONDS = 60
# Alerts posted (8 at a time) before timing: first requests pay lazy imports and per-thread set-up.
WARMUP_ALERTS = 32
PRECINCT_CODE = "13109"  # La Cisterna in the South Precinct fixture (DPA comuna code)
ZONE_HALF_DEGREES = 0.003  # about 600 m boxes
# Sockets authenticate as apps do: the token in this subprotocol (backend.accounts.websocket_auth).
SUBPROTOCOL_TOKEN = "vigia.token"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"Nothing listens on {port}.")


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


# Client processes (no Django): hold websockets or Redis subscriptions and timestamp what arrives.


def socket_client(addresses: list[str], tokens: list[str], commands, results) -> None:
    asyncio.run(_socket_client(addresses, tokens, commands, results))


async def _socket_client(addresses, tokens, commands, results) -> None:
    from websockets.asyncio.client import connect
    from websockets.exceptions import ConnectionClosed

    received: dict[int, float] = {}
    sockets = []
    limit = asyncio.Semaphore(CONNECT_CONCURRENCY)

    async def read(index: int, websocket) -> None:
        try:
            async for raw in websocket:
                if json.loads(raw).get("type") == "message.sent":
                    received.setdefault(index, time.time())
        except ConnectionClosed:
            return

    async def open_one(index: int, token: str) -> None:
        address = addresses[index % len(addresses)]
        async with limit:
            websocket = await connect(
                f"ws://{address}/ws/community/",
                subprotocols=[SUBPROTOCOL_TOKEN, token],
                compression=None,
                ping_interval=None,
                open_timeout=60,
            )
            await websocket.recv()  # hello
        sockets.append(websocket)
        asyncio.get_running_loop().create_task(read(index, websocket))

    await asyncio.gather(*(open_one(index, token) for index, token in enumerate(tokens)))
    results.put(("connected", len(sockets)))
    loop = asyncio.get_running_loop()
    while True:
        command = await loop.run_in_executor(None, commands.get)
        if command == "report":
            results.put(("received", list(received.values())))
            received.clear()
        else:
            for websocket in sockets:
                await websocket.close()
            results.put(("closed", len(sockets)))
            return


def redis_client(url: str, first: int, count: int, commands, results) -> None:
    asyncio.run(_redis_client(url, first, count, commands, results))


async def _redis_client(url, first, count, commands, results) -> None:
    from redis import asyncio as redis_asyncio

    received: dict[str, list[float]] = {"all": [], "own": []}
    subscriptions = []
    limit = asyncio.Semaphore(CONNECT_CONCURRENCY)

    async def read(pubsub) -> None:
        try:
            async for message in pubsub.listen():
                if message["type"] == "message":
                    received["all" if message["channel"] == b"bench:all" else "own"].append(time.time())
        except (redis_asyncio.ConnectionError, RuntimeError):
            return  # closed at the end of the run

    async def subscribe(index: int) -> None:
        async with limit:
            client = redis_asyncio.Redis.from_url(url, single_connection_client=True)
            pubsub = client.pubsub()
            await pubsub.subscribe("bench:all", f"bench:member:{index}")
            await pubsub.get_message(timeout=1)
            await pubsub.get_message(timeout=1)
        subscriptions.append(pubsub)
        asyncio.get_running_loop().create_task(read(pubsub))

    await asyncio.gather(*(subscribe(first + index) for index in range(count)))
    results.put(("connected", len(subscriptions)))
    loop = asyncio.get_running_loop()
    while True:
        command = await loop.run_in_executor(None, commands.get)
        if command in ("all", "own"):
            results.put(("received", received[command][:]))
        else:
            for pubsub in subscriptions:
                await pubsub.aclose()
            results.put(("closed", len(subscriptions)))
            return


class ClientPool:
    """Client processes driven through queues: start, wait until connected, collect timestamps, close."""

    def __init__(self, target, argument_sets: list[tuple]) -> None:
        self.argument_sets = argument_sets
        context = multiprocessing.get_context("spawn")
        self.commands = [context.Queue() for _ in argument_sets]
        self.results = [context.Queue() for _ in argument_sets]
        self.processes = [
            context.Process(target=target, args=(*arguments, commands, results), daemon=True)
            for arguments, commands, results in zip(argument_sets, self.commands, self.results, strict=True)
        ]
        for process in self.processes:
            process.start()

    def expect(self, kind: str, timeout: float = 600) -> list:
        answers = []
        for results in self.results:
            answer_kind, *payload = results.get(timeout=timeout)
            assert answer_kind == kind, (answer_kind, kind)
            answers.append(payload[0])
        return answers

    def ask(self, command: str, kind: str) -> list:
        for commands in self.commands:
            commands.put(command)
        return self.expect(kind)

    def close(self) -> None:
        self.ask("close", "closed")
        for process in self.processes:
            process.join(timeout=30)


# The system under test


class Servers:
    """A private redis-server, two single-process uvicorn servers and the event relay on the benchmark database."""

    def __init__(self, directory: Path, *, layer: str, settings: str = "backend.config.settings.base") -> None:
        self.directory = directory
        self.redis_port = free_port()
        self.redis = subprocess.Popen(
            ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
             "no", "--maxclients", "19000", "--dir", str(directory)],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for_port(self.redis_port)
        self.redis_url = f"redis://127.0.0.1:{self.redis_port}"
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": settings,
            "DATABASE_URL": f"postgis://postgres@127.0.0.1:5432/{BENCH_DATABASE}",
            "DJANGO_DEBUG": "false",
            "LOG_LEVEL": "WARNING",
            "CHANNEL_LAYER_URL": f"{self.redis_url}/0",
            "CHANNEL_LAYER_PREFIX": "bench",
            "CHANNEL_LAYER_PUBSUB": "true" if layer == "pubsub" else "false",
            "CACHE_URL": f"{self.redis_url}/1",
            # The relay queues push tasks on the private Redis (no worker runs).
            "CELERY_BROKER_URL": f"{self.redis_url}/2",
            "RELAY_POLL_SECONDS": "1.0",
        }
        self.environment = environment
        self.addresses, self.processes = [], []
        for index in range(2):
            port = free_port()
            self.processes.append(
                subprocess.Popen(
                    # BENCH_PROFILE_DIR=<dir> runs the second server under cProfile (written at shutdown).
                    ([sys.executable, "-m", "cProfile", "-o", f"{os.environ['BENCH_PROFILE_DIR']}/uvicorn-{index}.prof"]
                     if os.environ.get("BENCH_PROFILE_DIR") and index == 1 else [])
                    + [str(Path(sys.executable).parent / "uvicorn"), "backend.config.asgi:application", "--host",
                     "127.0.0.1", "--port", str(port), "--no-access-log", "--no-proxy-headers",
                     "--log-level", "warning", "--lifespan", "off", "--ws-ping-interval", "20", "--backlog", "4096"],
                    cwd=ROOT,
                    env=environment,
                    stdout=(directory / f"uvicorn-{index}.log").open("wb"),
                    stderr=subprocess.STDOUT,
                )
            )  # fmt: skip
            self.addresses.append(f"127.0.0.1:{port}")
        for address in self.addresses:
            wait_for_port(int(address.rsplit(":", 1)[1]))
        self.relay: subprocess.Popen | None = None
        self.relay_start()

    def relay_start(self) -> float:
        """Start the relay; returns the monotonic time at which it said it was active."""
        log = self.directory / "relay.log"
        offset = log.stat().st_size if log.exists() else 0
        self.relay = subprocess.Popen(
            [sys.executable, "manage.py", "relay_events"],
            cwd=ROOT,
            env={**self.environment, "LOG_LEVEL": "INFO"},
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while b" is active from event " not in log.read_bytes()[offset:]:
            if time.monotonic() > deadline or self.relay.poll() is not None:
                raise RuntimeError(f"The relay did not start: {log.read_text()[-2000:]}")
            time.sleep(0.01)
        return time.monotonic()

    def relay_kill(self) -> None:
        """kill -9, as a crash would."""
        self.relay.kill()
        self.relay.wait()

    def rss_kib(self) -> list[int]:
        return [rss_kib(process.pid) for process in self.processes]

    def stop(self) -> None:
        running = [process for process in [self.relay, *self.processes, self.redis] if process is not None]
        for process in running:
            if process.poll() is None:
                process.terminate()
        for process in running:
            process.wait(timeout=30)


# Data


def random_points(boundary, count: int, *, seed: int) -> list[tuple[float, float]]:
    """(lon, lat) points well inside ``boundary``, so they route to its precinct."""
    rng = random.Random(seed)
    inner = boundary.buffer(-0.002)
    min_x, min_y, max_x, max_y = inner.extent
    from django.contrib.gis.geos import Point

    points = []
    while len(points) < count:
        point = (rng.uniform(min_x, max_x), rng.uniform(min_y, max_y))
        if inner.contains(Point(*point, srid=4326)):
            points.append(point)
    return points


def create_users(prefix: str, count: int, *, role: str = "neighbor") -> list[str]:
    """Users with API tokens, in bulk; returns the tokens in order."""
    from django.contrib.auth.hashers import make_password

    from backend.accounts.models import User

    password = make_password(None)
    users = User.objects.bulk_create(
        [User(username=f"{prefix}{index}", role=role, password=password) for index in range(count)], batch_size=2_000
    )
    return bulk_api_tokens(users)


def create_zones(prefix: str, centers: list[tuple[float, float]]) -> None:
    from django.contrib.gis.geos import Polygon

    from backend.accounts.models import User
    from backend.alerts.models import Zone

    users = User.objects.filter(username__startswith=prefix).order_by("id")
    half = ZONE_HALF_DEGREES
    Zone.objects.bulk_create(
        [
            Zone(member=user, name="Casa", kind="polygon",
                 boundary=Polygon.from_bbox((lon - half, lat - half, lon + half, lat + half)))
            for user, (lon, lat) in zip(users, centers, strict=True)
        ],
        batch_size=2_000,
    )  # fmt: skip


def prepare(community: int, fanout: int, alerts: int, *, spread: str = "precinct"):
    """``spread``: the community members' zones lie in the alerts' precinct (each alert reaches ~4 % of them), or
    over the whole prefecture, as members of seven comunas would (each alert reaches a few)."""
    from django.core.management import call_command

    from backend.alerts.catalogue import categories_seed
    from backend.alerts.models import Category
    from backend.geo.models import Precinct

    call_command("flush", interactive=False, verbosity=0)
    categories_seed(Category)  # flush empties the table the seed migration filled
    call_command("load_precincts", str(ROOT / "fixtures/precincts/south_precinct.geojson"), stdout=io.StringIO())
    precinct = Precinct.objects.get(code=PRECINCT_CODE)
    (dispatcher_token,) = create_users("bench-dispatcher-", 1, role="dispatcher")
    from backend.accounts.models import User

    User.objects.get(username="bench-dispatcher-0").precincts.set([precinct])
    reporter_tokens = create_users("bench-reporter-", alerts)
    community_tokens = create_users("bench-community-", community)
    from backend.geo.models import Prefecture

    area = precinct.boundary if spread == "precinct" else Prefecture.objects.get().boundary
    create_zones("bench-community-", random_points(area, community, seed=1))
    fanout_tokens = create_users("bench-fanout-", fanout)
    center = precinct.boundary.point_on_surface
    rng = random.Random(2)
    # Every fan-out member's zone lies within ~1 km of the centre: all of them meet the message's 2 km circle.
    create_zones("bench-fanout-", [(center.x + rng.uniform(-0.008, 0.008), center.y + rng.uniform(-0.008, 0.008))
                                   for _ in range(fanout)])  # fmt: skip
    alert_points = random_points(precinct.boundary, alerts, seed=3)
    return precinct, dispatcher_token, reporter_tokens, community_tokens, fanout_tokens, alert_points, center


# Measurements


async def warm_up(servers: Servers, reporter_tokens: list[str], points) -> None:
    import httpx

    limit = asyncio.Semaphore(8)
    async with httpx.AsyncClient(timeout=60) as client:

        async def post(index: int) -> None:
            lon, lat = points[index]
            async with limit:
                await client.post(
                    f"http://{servers.addresses[index % 2]}/api/alerts/",
                    json={"category": "drugs", "lat": lat, "lon": lon, "accuracy_meters": 10},
                    headers={"Authorization": f"Token {reporter_tokens[index]}"},
                )

        await asyncio.gather(*(post(index) for index in range(len(reporter_tokens))))


async def alert_latency(servers: Servers, dispatcher_token, reporter_tokens, points, *, rate: float) -> dict:
    import httpx
    from websockets.asyncio.client import connect

    # POSTs alternate between the processes, as behind a load balancer; the console listens on the second.
    listener = servers.addresses[1]
    sent: dict[str, float] = {}
    latencies: list[float] = []
    response_times: list[float] = []
    statuses: list[int] = []
    total = len(reporter_tokens)
    done = asyncio.Event()

    async with connect(f"ws://{listener}/ws/dispatch/", subprotocols=[SUBPROTOCOL_TOKEN, dispatcher_token],
                       compression=None, max_size=2**22) as console:  # fmt: skip
        await console.recv()

        async def listen() -> None:
            async for raw in console:
                frame = json.loads(raw)
                if frame.get("type") == "alert.created" and frame["alert"]["description"] in sent:
                    latencies.append(time.time() - sent[frame["alert"]["description"]])
                    if len(latencies) == total:
                        done.set()

        listening = asyncio.create_task(listen())
        limits = httpx.Limits(max_connections=256, max_keepalive_connections=256)
        clients = [httpx.AsyncClient(base_url=f"http://{address}", limits=limits, timeout=60)
                   for address in servers.addresses]  # fmt: skip
        try:

            async def post(index: int) -> None:
                lon, lat = points[index]
                description = f"bench-alert-{index}"
                sent[description] = time.time()
                try:
                    response = await clients[index % len(clients)].post(
                        "/api/alerts/",
                        json={"category": "robbery_in_progress", "lat": lat, "lon": lon, "accuracy_meters": 10,
                              "description": description},
                        headers={"Authorization": f"Token {reporter_tokens[index]}"},
                    )  # fmt: skip
                except httpx.HTTPError as error:
                    statuses.append(type(error).__name__)
                    return
                statuses.append(response.status_code)
                response_times.append(time.time() - sent[description])
                if response.status_code != 201 and statuses.count(response.status_code) == 1:
                    print(f"    first {response.status_code}: {response.text[:300]}")

            loop = asyncio.get_running_loop()
            start = loop.time()
            posts = []
            for index in range(total):
                await asyncio.sleep(max(0.0, start + index / rate - loop.time()))
                posts.append(asyncio.create_task(post(index)))
            await asyncio.gather(*posts)
            elapsed = loop.time() - start
        finally:
            for client in clients:
                await client.aclose()
        try:
            await asyncio.wait_for(done.wait(), DELIVERY_TIMEOUT_SECONDS)
        except TimeoutError:
            pass
        listening.cancel()
    if not latencies:
        raise SystemExit(f"No alert reached the console; statuses {statuses[:20]}")
    return {
        "sent": total,
        "created": statuses.count(201),
        "failed": len(statuses) - statuses.count(201),
        "delivered": len(latencies),
        "achieved_rate": total / elapsed,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * percentile(latencies, 0.99),
        "max_ms": 1000 * max(latencies),
        "response_p50_ms": 1000 * statistics.median(response_times),
    }


def mass_message_fanout(servers: Servers, pool: ClientPool, dispatcher_token: str, precinct, center) -> dict:
    import httpx

    t0 = time.time()
    response = httpx.post(
        f"http://{servers.addresses[0]}/api/messages/",
        json={"precinct": precinct.id, "target": "radius", "center": {"lat": center.y, "lon": center.x},
              "radius_meters": 2_000, "headline": "Balacera en curso", "body": "Permanezca en su casa."},
        headers={"Authorization": f"Token {dispatcher_token}"},
        timeout=120,
    )  # fmt: skip
    posted = time.time() - t0
    assert response.status_code == 201, response.text
    deadline = time.time() + DELIVERY_TIMEOUT_SECONDS
    times: list[float] = []
    expected = sum(len(arguments[1]) for arguments in pool.argument_sets)
    while time.time() < deadline:
        time.sleep(1.0)
        times = [stamp for batch in pool.ask("report", "received") for stamp in batch] + times
        if len(times) >= expected:
            break
    return {
        "delivered": len(times),
        "post_response_s": posted,
        "first_s": min(times) - t0 if times else None,
        "p50_s": statistics.median(times) - t0 if times else None,
        "last_s": max(times) - t0 if times else None,
    }


def redis_fanout(servers: Servers, subscribers: int) -> dict:
    import redis

    per_process = subscribers // CLIENT_PROCESSES
    pool = ClientPool(
        redis_client,
        [(f"{servers.redis_url}/3", index * per_process, per_process) for index in range(CLIENT_PROCESSES)],
    )
    pool.expect("connected")
    publisher = redis.Redis.from_url(f"{servers.redis_url}/3")
    results = {}
    t0 = time.time()
    publisher.publish("bench:all", json.dumps({"type": "message.sent", "headline": "Balacera en curso"}))
    time.sleep(2)
    stamps = [stamp for batch in pool.ask("all", "received") for stamp in batch]
    results["one_channel_last_s"] = max(stamps) - t0
    results["one_channel_delivered"] = len(stamps)
    t0 = time.time()
    pipeline = publisher.pipeline(transaction=False)
    for index in range(per_process * CLIENT_PROCESSES):
        pipeline.publish(f"bench:member:{index}", '{"type": "message.sent"}')
    pipeline.execute()
    time.sleep(2)
    stamps = [stamp for batch in pool.ask("own", "received") for stamp in batch]
    results["per_member_last_s"] = max(stamps) - t0
    results["per_member_delivered"] = len(stamps)
    pool.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=100, help="alerts per second in (a)")
    parser.add_argument("--seconds", type=float, default=10, help="duration of (a)")
    parser.add_argument("--community", type=int, default=1_000, help="community sockets connected during (a)")
    parser.add_argument("--fanout", type=int, default=10_000, help="community sockets for the mass message (b)")
    parser.add_argument(
        "--layer", choices=("core", "pubsub"), default="core", help="channels-redis layer: core (lists) or pubsub"
    )
    arguments = parser.parse_args()
    alerts = int(arguments.rate * arguments.seconds)
    logging.getLogger("httpx").setLevel(logging.WARNING)

    setup_django(migrate=True, precincts=False)
    print(f"Machine: {machine()}; database {BENCH_DATABASE}; {time.strftime('%Y-%m-%d %H:%M')}")
    started = time.monotonic()
    precinct, dispatcher, reporters, community, fanout, points, center = prepare(
        arguments.community, arguments.fanout, alerts + WARMUP_ALERTS
    )
    warmup_reporters, reporters = reporters[:WARMUP_ALERTS], reporters[WARMUP_ALERTS:]
    warmup_points, points = points[:WARMUP_ALERTS], points[WARMUP_ALERTS:]
    print(f"Prepared {alerts} reporters, {arguments.community} + {arguments.fanout} members in "
          f"{time.monotonic() - started:.0f} s")  # fmt: skip
    directory = Path(tempfile.mkdtemp(prefix="vigia-bench-rt-"))
    servers = Servers(directory, layer=arguments.layer)
    print(f"Channel layer: {arguments.layer}")
    try:
        time.sleep(1)
        idle_rss = servers.rss_kib()

        # (a)
        pool = ClientPool(socket_client, [(servers.addresses, community[index::CLIENT_PROCESSES])
                                          for index in range(CLIENT_PROCESSES)])  # fmt: skip
        print(f"(a) {sum(pool.expect('connected'))} community sockets connected")
        asyncio.run(warm_up(servers, warmup_reporters, warmup_points))
        time.sleep(1)
        result = asyncio.run(alert_latency(servers, dispatcher, reporters, points, rate=arguments.rate))
        print(f"(a) POST /api/alerts/ (both processes) -> dispatch socket, {result['sent']} alerts offered at "
              f"{arguments.rate:.0f}/s (achieved {result['achieved_rate']:.1f}/s), "
              f"{result['created']} created ({result['failed']} failed), "
              f"{result['delivered']} delivered: p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms, "
              f"max {result['max_ms']:.1f} ms; POST response p50 {result['response_p50_ms']:.0f} ms")  # fmt: skip
        pool.close()

        # (b) and (c)
        time.sleep(2)
        before = servers.rss_kib()
        connect_started = time.monotonic()
        pool = ClientPool(socket_client, [(servers.addresses, fanout[index::CLIENT_PROCESSES])
                                          for index in range(CLIENT_PROCESSES)])  # fmt: skip
        connected = sum(pool.expect("connected"))
        connect_seconds = time.monotonic() - connect_started
        time.sleep(3)
        after = servers.rss_kib()
        print(f"(b) {connected} community sockets connected over 2 processes in {connect_seconds:.1f} s "
              f"({connected / connect_seconds:.0f}/s)")  # fmt: skip
        fan = mass_message_fanout(servers, pool, dispatcher, precinct, center)
        print(f"(b) mass message: POST answered in {fan['post_response_s']:.2f} s; delivered to {fan['delivered']}"
              f"/{connected} sockets; first {fan['first_s']:.2f} s, median {fan['p50_s']:.2f} s, "
              f"last {fan['last_s']:.2f} s after the POST")  # fmt: skip
        pool.close()
        per_socket = [(later - earlier) / (connected / 2) for earlier, later in zip(before, after, strict=True)]
        print(f"(c) server RSS idle {[kib // 1024 for kib in idle_rss]} MiB, before {[kib // 1024 for kib in before]}"
              f" MiB, with sockets {[kib // 1024 for kib in after]} MiB: "
              f"{statistics.mean(per_socket):.1f} KiB per socket (permessage-deflate off)")  # fmt: skip
        baseline = redis_fanout(servers, arguments.fanout)
        print(f"(b) raw Redis pub/sub baseline, {baseline['one_channel_delivered']} subscriber connections: "
              f"one PUBLISH -> last delivery {baseline['one_channel_last_s'] * 1000:.0f} ms; one PUBLISH per "
              f"subscriber channel ({baseline['per_member_delivered']} delivered) -> last delivery "
              f"{baseline['per_member_last_s'] * 1000:.0f} ms")  # fmt: skip
    finally:
        servers.stop()
        if not os.environ.get("BENCH_KEEP_LOGS"):
            shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
