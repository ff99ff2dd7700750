"""Fault soak for the alert path (issue #13): nothing is lost or doubled while its parts fail one after another.

Everything runs privately, so the machine's shared services are never touched: a PostgreSQL cluster of its
own (``pg_createcluster`` on another port), a redis-server of its own, ``uvicorn --workers 2``, and the relay
under ``scripts/supervise.sh`` (as in ``make demo``). Retrying clients send N alerts, each with its own
Idempotency-Key and reporter, at a steady rate; a dispatch console reconnects whenever its socket drops and
resumes from the last id it saw. Meanwhile the run:

  1. stops Redis for a few seconds,
  2. kills one server worker with ``kill -9``,
  3. kills the relay with ``kill -9`` (its supervisor starts a new one),
  4. restarts the PostgreSQL cluster.

It counts alerts sent, acknowledged (201, or 200 for a retry the server had already stored), stored (rows),
duplicated (rows beyond one per key, and events the console saw twice) and delivered to the console.
Target: all equal to N. Run as root: .venv/bin/python bench/bench_fault_soak.py [--alerts 1000] [--rate 20]
"""

import argparse
import asyncio
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLUSTER = "vigiasoak"
PG_VERSION = "15"
DATABASE = "vigia_soak"
PRECINCT_CODE = "13109"
CLIENT_TIMEOUT_SECONDS = 10.0
DELIVERY_DEADLINE_SECONDS = 120.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on {port}")


class Cluster:
    """A throwaway PostgreSQL 15 cluster with PostGIS, owned by the postgres user, on its own port."""

    def __init__(self) -> None:
        self.port = free_port()
        subprocess.run(["pg_dropcluster", "--stop", PG_VERSION, CLUSTER], capture_output=True)
        subprocess.run(["pg_createcluster", "-p", str(self.port), PG_VERSION, CLUSTER, "--", "-A", "trust"],
                       check=True, capture_output=True)  # fmt: skip
        self.start()
        self.psql(f"CREATE DATABASE {DATABASE}")
        self.psql("CREATE EXTENSION postgis", database=DATABASE)

    def psql(self, sql: str, *, database: str = "postgres") -> str:
        return subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", database,
                               "-qtAc", sql], check=True, capture_output=True, text=True).stdout  # fmt: skip

    def start(self) -> None:
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", PG_VERSION, CLUSTER, "start"], check=True)
        wait_for_port(self.port)

    def restart(self) -> None:
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", PG_VERSION, CLUSTER, "restart", "-m", "fast"],
                       check=True)  # fmt: skip
        wait_for_port(self.port)

    def drop(self) -> None:
        subprocess.run(["pg_dropcluster", "--stop", PG_VERSION, CLUSTER], capture_output=True)

    @property
    def url(self) -> str:
        return f"postgis://postgres@127.0.0.1:{self.port}/{DATABASE}"


class Redis:
    def __init__(self, directory: Path) -> None:
        self.port, self.directory, self.process = free_port(), directory, None
        self.start()

    def start(self) -> None:
        self.process = subprocess.Popen(["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save",
                                         "", "--appendonly", "no", "--dir", str(self.directory)],
                                        stdout=subprocess.DEVNULL)  # fmt: skip
        wait_for_port(self.port)

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()


def prepare(environment: dict[str, str], alerts: int) -> dict:
    """Migrate, load the precincts and create the reporters and the dispatcher, in a child process."""
    code = f"""
import json, os, sys
sys.path.insert(0, {str(ROOT / "bench")!r}); sys.path.insert(0, {str(ROOT)!r})
import django; django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
call_command("load_precincts", {str(ROOT / "fixtures/precincts/south_precinct.geojson")!r}, verbosity=0)
from _django import bulk_api_tokens
from backend.accounts.models import Role, User
from backend.geo.models import Precinct
precinct = Precinct.objects.get(code={PRECINCT_CODE!r})
reporters = User.objects.bulk_create([User(username=f"soak-{{i}}", role=Role.NEIGHBOR) for i in range({alerts})])
dispatcher = User.objects.create(username="soak-dispatch", role=Role.DISPATCHER)
dispatcher.precincts.set([precinct])
import random
from django.contrib.gis.geos import Point
inner, rng, points = precinct.boundary.buffer(-0.003), random.Random(7), []
xmin, ymin, xmax, ymax = inner.extent
while len(points) < {alerts}:
    x, y = rng.uniform(xmin, xmax), rng.uniform(ymin, ymax)
    if inner.contains(Point(x, y, srid=4326)):
        points.append((x, y))
print(json.dumps({{"reporters": bulk_api_tokens(reporters), "dispatcher": bulk_api_tokens([dispatcher])[0],
                  "points": points}}))
"""
    output = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environment, check=True, capture_output=True,
                            text=True).stdout  # fmt: skip
    return json.loads(output.strip().splitlines()[-1])


def child_pids(parent_pid: int, *, containing: str = "") -> list[int]:
    """Direct children of a process whose command line contains ``containing``."""
    children = [int(pid) for pid in Path(f"/proc/{parent_pid}/task/{parent_pid}/children").read_text().split()]
    return [pid for pid in children if containing in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")]


async def retrying_client(base_url: str, token: str, body: dict, key: str, results: dict) -> None:
    """Send one alert until the server acknowledges it, as the PWA's outbox does (same key every time)."""
    import httpx

    delay = 0.2
    async with httpx.AsyncClient(base_url=base_url, timeout=CLIENT_TIMEOUT_SECONDS) as client:
        while True:
            results["attempts"] += 1
            try:
                headers = {"Authorization": f"Token {token}", "Idempotency-Key": key}
                response = await client.post("/api/alerts/", json=body, headers=headers)
                if response.status_code in (200, 201):
                    results["acknowledged"] += 1
                    results["ids"].add(response.json()["id"])
                    results["retried_ok" if response.status_code == 200 else "created"] += 1
                    return
                results["statuses"][response.status_code] = results["statuses"].get(response.status_code, 0) + 1
                if 400 <= response.status_code < 500 and response.status_code not in (408, 429):
                    return  # refused for good: retrying would not change the answer
            except httpx.HTTPError as error:
                results["errors"][type(error).__name__] = results["errors"].get(type(error).__name__, 0) + 1
            await asyncio.sleep(delay + random.random() * delay)
            delay = min(delay * 2, 3.0)


async def console(address: str, token: str, seen: list[int], stop: asyncio.Event) -> None:
    """A dispatch console that reconnects and resumes from the last id it saw."""
    from websockets.asyncio.client import connect

    last_id = None
    while not stop.is_set():
        query = f"?last_event_id={last_id}" if last_id is not None else ""
        try:
            async with connect(f"ws://{address}/ws/dispatch/{query}", subprotocols=["vigia.token", token],
                               open_timeout=5, max_size=2**22) as socket_:  # fmt: skip
                while not stop.is_set():
                    try:
                        frame = json.loads(await asyncio.wait_for(socket_.recv(), 1.0))
                    except TimeoutError:
                        continue
                    if frame.get("type") in ("hello", "resumed") and last_id is None:
                        last_id = frame["after_id"]  # resume from here even if no event arrives first
                    if frame.get("type") == "alert.created":
                        seen.append(frame["alert"]["id"])
                    if "id" in frame and isinstance(frame["id"], int):
                        last_id = frame["id"]
        except Exception:
            await asyncio.sleep(0.5)


async def soak(base: str, tokens: list[str], dispatcher: str, points, *, rate: float, faults) -> dict:
    results = {"attempts": 0, "acknowledged": 0, "created": 0, "retried_ok": 0, "ids": set(), "statuses": {},
               "errors": {}}  # fmt: skip
    seen: list[int] = []
    stop = asyncio.Event()
    listener = asyncio.create_task(console(base, dispatcher, seen, stop))
    await asyncio.sleep(2)
    loop = asyncio.get_running_loop()
    start = loop.time()
    tasks, fault_log = [], []
    pending_faults = list(faults)
    for index, token in enumerate(tokens):
        await asyncio.sleep(max(0.0, start + index / rate - loop.time()))
        while pending_faults and loop.time() - start >= pending_faults[0][0]:
            at, name, action = pending_faults.pop(0)
            began = loop.time()
            await asyncio.to_thread(action)
            fault_log.append(f"{at:5.1f} s {name} ({loop.time() - began:.1f} s)")
        lon, lat = points[index]
        body = {"category": "theft", "lat": lat, "lon": lon, "accuracy_meters": 10, "description": f"soak {index}"}
        tasks.append(asyncio.create_task(retrying_client(f"http://{base}", token, body, str(uuid.uuid4()), results)))
    await asyncio.gather(*tasks)
    sent_seconds = loop.time() - start
    deadline = loop.time() + DELIVERY_DEADLINE_SECONDS
    while loop.time() < deadline and not results["ids"] <= set(seen):
        await asyncio.sleep(0.5)
    stop.set()
    await listener
    return {**results, "seen": seen, "fault_log": fault_log, "sent_seconds": sent_seconds}


def main() -> None:
    sys.stdout.reconfigure(line_buffering=True)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--alerts", type=int, default=1_000)
    parser.add_argument("--rate", type=float, default=20.0)
    arguments = parser.parse_args()
    directory = Path(tempfile.mkdtemp(prefix="vigia-soak-"))
    cluster = Cluster()
    redis = Redis(directory)
    processes: list[subprocess.Popen] = []
    try:
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "backend.config.settings.base",
            "DJANGO_DEBUG": "false",
            "DATABASE_URL": cluster.url,
            "CACHE_URL": f"redis://127.0.0.1:{redis.port}/0",
            "CHANNEL_LAYER_URL": f"redis://127.0.0.1:{redis.port}/1",
            "CELERY_BROKER_URL": f"redis://127.0.0.1:{redis.port}/2",
            "CHANNEL_LAYER_PREFIX": "soak",
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        }
        data = prepare(environment, arguments.alerts)
        port = free_port()
        server = subprocess.Popen([str(Path(sys.executable).parent / "uvicorn"), "backend.config.asgi:application",
                                   "--host", "127.0.0.1", "--port", str(port), "--workers", "2", "--no-access-log",
                                   "--no-proxy-headers", "--log-level", "warning"], cwd=ROOT, env=environment,
                                  stdout=(directory / "uvicorn.log").open("wb"), stderr=subprocess.STDOUT)  # fmt: skip
        processes.append(server)
        relay = subprocess.Popen(["scripts/supervise.sh", str(directory / "relay.log"), sys.executable, "manage.py",
                                  "relay_events"], cwd=ROOT, env={**environment, "LOG_LEVEL": "INFO"},
                                 start_new_session=True)  # fmt: skip
        processes.append(relay)
        wait_for_port(port)
        time.sleep(3)
        duration = arguments.alerts / arguments.rate

        def kill_worker() -> None:
            # uvicorn's supervisor starts a new worker in its place.
            os.kill(child_pids(server.pid, containing="spawn_main")[0], signal.SIGKILL)

        def kill_relay() -> None:
            os.kill(child_pids(relay.pid, containing="relay_events")[0], signal.SIGKILL)

        def redis_outage() -> None:
            redis.stop()
            time.sleep(5)
            redis.start()

        faults = [
            (duration * 0.15, "Redis stopped for 5 s", redis_outage),
            (duration * 0.35, "a server worker killed (-9)", kill_worker),
            (duration * 0.55, "the relay killed (-9)", kill_relay),
            (duration * 0.75, "PostgreSQL restarted", cluster.restart),
        ]
        print(f"Fault soak: {arguments.alerts} alerts at {arguments.rate:.0f}/s, load average "
              f"{os.getloadavg()[0]:.1f}, {time.strftime('%Y-%m-%d %H:%M')}")  # fmt: skip
        result = asyncio.run(soak(f"127.0.0.1:{port}", data["reporters"], data["dispatcher"], data["points"],
                                  rate=arguments.rate, faults=faults))  # fmt: skip
        for line in result["fault_log"]:
            print(f"  fault at {line}")
        stored = int(
            cluster.psql("SELECT count(*) FROM alerts_alert WHERE description LIKE 'soak %'", database=DATABASE)
        )
        per_key = cluster.psql("SELECT count(*) FROM (SELECT idempotency_key FROM alerts_alert GROUP BY reporter_id, "
                               "idempotency_key HAVING count(*) > 1) AS twice", database=DATABASE)  # fmt: skip
        seen = result["seen"]
        print(f"  sent {arguments.alerts}; acknowledged {result['acknowledged']} ({result['created']} as 201, "
              f"{result['retried_ok']} as 200 retries) after {result['attempts']} attempts; stored {stored}; "
              f"duplicated rows {int(per_key)}; delivered to the console {len(set(seen) & result['ids'])} distinct, "
              f"{len(seen) - len(set(seen))} twice")  # fmt: skip
        print(f"  refused attempts by status {result['statuses']}; transport errors {result['errors']}")
        missing = sorted(result["ids"] - set(seen))
        if missing:
            rows = cluster.psql("SELECT min(e.created_at), max(e.created_at), min(e.id), max(e.id) FROM alerts_event e "
                                f"WHERE e.type = 'alert.created' AND e.alert_id IN ({','.join(map(str, missing))})",
                                database=DATABASE)  # fmt: skip
            print(
                f"  not delivered: {len(missing)} alerts, events (first, last created, first, last id) {rows.strip()}"
            )
    finally:
        for process in processes:
            try:
                # The relay's supervisor leads its own session: stop it with its relay.
                os.killpg(process.pid, signal.SIGTERM) if process is not processes[0] else process.terminate()
            except ProcessLookupError:
                pass
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        redis.stop()
        cluster.drop()
        if os.environ.get("BENCH_KEEP_LOGS"):
            print(f"  logs kept in {directory}")
        else:
            shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
