"""Fixtures for realtime tests: real server processes, a real Celery worker, local FCM and Web Push servers.

* ``fake_fcm``: an HTTP server speaking the FCM v1 ``messages:send`` API and the OAuth2 token endpoint
  a service account calls. firebase-admin runs unmodified against it, with a throwaway service-account
  JSON (a fresh RSA key) whose ``token_uri`` points here.
* ``fake_webpush``: a push service. pywebpush POSTs to each subscription's own endpoint, so the
  endpoints simply live here; subscriptions carry real P-256 keys, so payloads can be decrypted.
* ``relay``: a ``manage.py relay_events`` process, the only sender of websocket events and push jobs.
  ``relay_paused`` freezes it (SIGSTOP) for tests that deliver events by hand, out of order.
* ``asgi_servers``: two ``uvicorn backend.config.asgi:application`` processes on the test database.
* ``celery_worker``: ``celery -A backend.config worker`` on a queue of this test run.
* ``private_redis``: a redis-server of our own, to kill and restart.
"""

import base64
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
FCM_PROJECT_ID = "vigia-test"
STARTUP_TIMEOUT_SECONDS = 30


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, *, process: subprocess.Popen | None = None, timeout: float = STARTUP_TIMEOUT_SECONDS):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"Process exited with {process.returncode} before listening on {port}.")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"Nothing listens on port {port}.")


def stop_process(process: subprocess.Popen, *, timeout: float = 10) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def base64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


# Local HTTP fakes


class _Server(ThreadingHTTPServer):
    # send_each opens up to 500 connections at once; the default backlog of 5 would drop most.
    request_queue_size = 1024
    daemon_threads = True


class _RecordingServer:
    """A threaded HTTP server whose handler calls ``self.respond(path, headers, body)`` (header names lowercased)."""

    def __init__(self) -> None:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status, reply = owner.respond(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                payload = json.dumps(reply).encode() if reply is not None else b""
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args) -> None:
                pass

        self.lock = threading.Lock()
        self.server = _Server(("127.0.0.1", free_port()), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def respond(self, path: str, headers: dict, body: bytes) -> tuple[int, dict | None]:
        raise NotImplementedError

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class FakeFcm(_RecordingServer):
    """FCM v1 ``messages:send`` plus the OAuth2 token endpoint; ``plan`` scripts answers per token.

    A plan entry is a list consumed one request at a time: 200, an HTTP error status, or "UNREGISTERED".
    """

    def __init__(self) -> None:
        super().__init__()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.requests: list[dict] = []
            self.plan: dict[str, list] = defaultdict(list)
            self.token_requests = 0

    def delivered_tokens(self) -> list[str]:
        with self.lock:
            return [entry["token"] for entry in self.requests if entry["status"] == 200]

    def attempts(self, token: str) -> int:
        with self.lock:
            return sum(1 for entry in self.requests if entry["token"] == token)

    def respond(self, path, headers, body):
        if path == "/token":
            with self.lock:
                self.token_requests += 1
            return 200, {"access_token": "fake-access-token", "expires_in": 3600, "token_type": "Bearer"}
        if path != f"/v1/projects/{FCM_PROJECT_ID}/messages:send":
            return 404, {"error": {"code": 404, "message": "Not found", "status": "NOT_FOUND"}}
        if headers.get("authorization") != "Bearer fake-access-token":
            return 401, {"error": {"code": 401, "message": "Unauthenticated", "status": "UNAUTHENTICATED"}}
        message = json.loads(body)["message"]
        token = message["token"]
        with self.lock:
            scripted = self.plan[token]
            answer = scripted.pop(0) if scripted else 200
            self.requests.append({"token": token, "message": message, "status": answer})
        if answer == 200:
            return 200, {"name": f"projects/{FCM_PROJECT_ID}/messages/{secrets.token_hex(8)}"}
        if answer == "UNREGISTERED":
            detail = {"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode": "UNREGISTERED"}
            return 404, {
                "error": {
                    "code": 404,
                    "message": "Requested entity was not found.",
                    "status": "NOT_FOUND",
                    "details": [detail],
                }
            }
        return answer, {"error": {"code": answer, "message": "Internal error", "status": "INTERNAL"}}

    def service_account(self, directory: Path) -> Path:
        """A throwaway service-account JSON whose token endpoint is this fake."""
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()
        path = directory / "fcm-service-account.json"
        path.write_text(
            json.dumps(
                {
                    "type": "service_account",
                    "project_id": FCM_PROJECT_ID,
                    "private_key_id": secrets.token_hex(20),
                    "private_key": pem,
                    "client_email": f"push@{FCM_PROJECT_ID}.iam.gserviceaccount.com",
                    "client_id": "1234567890",
                    "token_uri": f"{self.url}/token",
                }
            )
        )
        return path


@dataclass
class WebPushSubscription:
    """A browser's subscription with real keys; ``decrypt`` opens what the push service received."""

    endpoint: str
    private_key: ec.EllipticCurvePrivateKey
    auth: bytes
    keys: dict = field(init=False)

    def __post_init__(self) -> None:
        public = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        self.keys = {"p256dh": base64url(public), "auth": base64url(self.auth)}

    def decrypt(self, body: bytes) -> dict:
        import http_ece

        return json.loads(http_ece.decrypt(body, private_key=self.private_key, auth_secret=self.auth))


class FakeWebPush(_RecordingServer):
    """A push service: endpoints are ``/push/<name>``; ``plan[name]`` scripts HTTP statuses (default 201)."""

    def __init__(self) -> None:
        super().__init__()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.requests: list[dict] = []
            self.plan: dict[str, list[int]] = defaultdict(list)

    def subscription(self, name: str) -> WebPushSubscription:
        return WebPushSubscription(
            endpoint=f"{self.url}/push/{name}", private_key=ec.generate_private_key(ec.SECP256R1()), auth=os.urandom(16)
        )

    def received(self, name: str) -> list[dict]:
        with self.lock:
            return [entry for entry in self.requests if entry["name"] == name and entry["status"] == 201]

    def attempts(self, name: str) -> int:
        with self.lock:
            return sum(1 for entry in self.requests if entry["name"] == name)

    def respond(self, path, headers, body):
        name = path.rsplit("/", 1)[-1]
        with self.lock:
            scripted = self.plan[name]
            status = scripted.pop(0) if scripted else 201
            self.requests.append({"name": name, "headers": headers, "body": body, "status": status})
        return status, None


@pytest.fixture(scope="session")
def realtime_directory():
    directory = Path(tempfile.mkdtemp(prefix="vigia-realtime-"))
    yield directory
    # Set VIGIA_KEEP_REALTIME_LOGS=1 to read the server and worker logs after a run.
    if not os.environ.get("VIGIA_KEEP_REALTIME_LOGS"):
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="session")
def _fake_fcm_server():
    server = FakeFcm()
    yield server
    server.close()


@pytest.fixture(scope="session")
def _fake_webpush_server():
    server = FakeWebPush()
    yield server
    server.close()


@pytest.fixture
def fake_fcm(_fake_fcm_server) -> FakeFcm:
    _fake_fcm_server.reset()
    return _fake_fcm_server


@pytest.fixture
def fake_webpush(_fake_webpush_server) -> FakeWebPush:
    _fake_webpush_server.reset()
    return _fake_webpush_server


@pytest.fixture(scope="session")
def vapid_key_file(realtime_directory) -> Path:
    key = ec.generate_private_key(ec.SECP256R1())
    path = realtime_directory / "vapid.pem"
    path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return path


# Processes


@pytest.fixture(scope="session")
def realtime_environment(
    django_db_setup,
    django_db_blocker,
    realtime_directory,
    _fake_fcm_server,
    _fake_webpush_server,
    vapid_key_file,
    station_environment,
) -> dict[str, str]:
    """Environment for subprocesses: the test database, this run's channel prefix and queue, the fakes."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    layer = settings.CHANNEL_LAYERS["default"]["CONFIG"]
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "backend.config.settings.test",
        "DATABASE_URL": f"postgis://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "DATABASE_CONN_MAX_AGE": "0",
        "TEST_CHANNEL_LAYER_URL": layer["hosts"][0]["address"],
        "TEST_CHANNEL_LAYER_PREFIX": layer["prefix"],
        "TEST_CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "TEST_CELERY_QUEUE": settings.CELERY_TASK_DEFAULT_QUEUE,
        "TEST_CACHE_URL": settings.CACHES["default"]["LOCATION"],
        "TEST_CACHE_KEY_PREFIX": settings.CACHES["default"]["KEY_PREFIX"],
        "FCM_CREDENTIALS_FILE": str(_fake_fcm_server.service_account(realtime_directory)),
        "FCM_ENDPOINT_OVERRIDE": _fake_fcm_server.url,
        "FCM_HTTP_TIMEOUT_SECONDS": "5",
        "WEBPUSH_VAPID_PRIVATE_KEY": str(vapid_key_file),
        "WEBPUSH_TIMEOUT_SECONDS": "5",
        "PUSH_RETRY_BASE_SECONDS": "0.3",
        "PUSH_MAX_RETRIES": "3",
        "RELAY_POLL_SECONDS": "0.2",
        "RELAY_STANDBY_SECONDS": "0.2",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
        **station_environment,
    }


def relay_start(environment: dict[str, str], log_path: Path, *, name: str = "default") -> subprocess.Popen:
    """A relay process; returns once it holds the lease (or is on standby behind another one)."""
    process = subprocess.Popen(
        [sys.executable, "manage.py", "relay_events", "--name", name],
        cwd=ROOT,
        env={**environment, "LOG_LEVEL": "INFO"},
        stdout=log_path.open("ab"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    start = log_path.stat().st_size if log_path.exists() else 0
    while True:
        text = log_path.read_bytes()[start:] if log_path.exists() else b""
        if b" is active from event " in text or b" is on standby" in text:
            return process
        if process.poll() is not None or time.monotonic() > deadline:
            stop_process(process)
            raise RuntimeError(f"Relay did not start:\n{log_path.read_text()[-3000:]}")
        time.sleep(0.05)


@pytest.fixture(scope="session")
def relay(realtime_environment, realtime_directory) -> subprocess.Popen:
    """The event relay for this run: without it no socket hears a thing (as in production). Named after the run,
    so that a relay left behind by a killed run (still holding its lease) cannot keep this one on standby."""
    process = relay_start(realtime_environment, realtime_directory / "relay.log", name=f"test-{os.getpid()}")
    yield process
    if process.poll() is None:
        os.kill(process.pid, signal.SIGCONT)
    stop_process(process)


@pytest.fixture
def relay_paused(relay):
    """Freeze the relay for one test (it keeps its lease, so nobody else delivers), then let it go on."""
    os.kill(relay.pid, signal.SIGSTOP)
    try:
        yield relay
    finally:
        os.kill(relay.pid, signal.SIGCONT)


@pytest.fixture
async def relay_in_process():
    """A relay of its own (its own cursor and lease) in the test's event loop, on the test's settings as they
    stand (e.g. a channel layer overridden to a private Redis)."""
    import asyncio

    from backend.alerts.realtime.relay import Relay

    relay = Relay(name=f"test-{secrets.token_hex(4)}", poll_seconds=0.2, standby_seconds=0.2)
    stop = asyncio.Event()
    task = asyncio.create_task(relay.run(stop))
    for _ in range(200):
        if relay.is_active:
            break
        await asyncio.sleep(0.05)
    assert relay.is_active, "the in-process relay did not take its lease"
    yield relay
    stop.set()
    await asyncio.wait_for(task, timeout=10)


def asgi_server(environment: dict[str, str], log_path: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    log = log_path.open("ab")
    process = subprocess.Popen(
        [
            str(VENV_BIN / "uvicorn"),
            "backend.config.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--ws-ping-interval",
            "20",
            "--no-access-log",
            # As in production: the application alone decides whose X-Forwarded-For to believe (TRUSTED_PROXIES).
            "--no-proxy-headers",
            "--lifespan",
            "off",
        ],
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    return process, f"127.0.0.1:{port}"


@pytest.fixture(scope="session")
def asgi_servers(realtime_environment, realtime_directory, relay) -> list[str]:
    """Two real server processes sharing the Redis channel layer; yields their ``host:port``."""
    started = [asgi_server(realtime_environment, realtime_directory / f"uvicorn-{index}.log") for index in range(2)]
    try:
        for process, address in started:
            wait_for_port(int(address.rsplit(":", 1)[1]), process=process)
        yield [address for _, address in started]
    finally:
        for process, _ in started:
            stop_process(process)


def celery_worker_start(environment: dict[str, str], log_path: Path) -> subprocess.Popen:
    """A real Celery worker on the environment's queue; returns once it is ready."""
    process = subprocess.Popen(
        [
            str(VENV_BIN / "celery"),
            "-A",
            "backend.config",
            "worker",
            "--loglevel=INFO",
            "--pool=threads",
            "--concurrency=8",
            "-Q",
            environment["TEST_CELERY_QUEUE"],
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            f"--hostname=vigia-test-{os.getpid()}-{secrets.token_hex(3)}@%h",
        ],
        cwd=ROOT,
        env=environment,
        stdout=log_path.open("ab"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while b" ready." not in log_path.read_bytes():
        if process.poll() is not None or time.monotonic() > deadline:
            stop_process(process)
            raise RuntimeError(f"Celery worker did not start:\n{log_path.read_text()[-3000:]}")
        time.sleep(0.2)
    return process


@pytest.fixture(scope="session")
def celery_worker(realtime_environment, realtime_directory, relay) -> subprocess.Popen:
    """A real Celery worker on this run's queue, sending to the local FCM and Web Push fakes."""
    process = celery_worker_start(realtime_environment, realtime_directory / "celery.log")
    yield process
    stop_process(process, timeout=20)


class PrivateRedis:
    """A redis-server of our own (no persistence), to kill and restart during a test."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen | None = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port, process=self.process)

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


@pytest.fixture
def private_redis(tmp_path):
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    redis = PrivateRedis(tmp_path)
    redis.start()
    yield redis
    redis.stop()


# Websocket helpers for in-process tests (Channels' communicator over the real Redis layer)

# The ASGI app validates Origin like a browser would send it.
WS_HEADERS = [(b"origin", b"http://testserver")]


def ws_communicator(
    path: str,
    *,
    token: str | None = None,
    ticket: str | None = None,
    last_event_id=None,
    headers: list[tuple[bytes, bytes]] | None = None,
    query: dict[str, str] | None = None,
):
    """A communicator on the project's full ASGI application (origin check, auth, routing).

    ``token`` goes in the ``vigia.token`` subprotocol, as apps send it; ``ticket`` in the query string.
    """
    from urllib.parse import urlencode

    from channels.testing import WebsocketCommunicator

    from backend.config.asgi import application

    parameters = dict(query or {})
    if ticket is not None:
        parameters["ticket"] = ticket
    if last_event_id is not None:
        parameters["last_event_id"] = last_event_id
    subprotocols = ["vigia.token", token] if token is not None else None
    return WebsocketCommunicator(
        application,
        f"{path}?{urlencode(parameters)}" if parameters else path,
        headers=WS_HEADERS if headers is None else headers,
        subprotocols=subprotocols,
    )


async def ws_open(path: str, **kwargs):
    """Connect and return (communicator, hello frame)."""
    communicator = ws_communicator(path, **kwargs)
    connected, _ = await communicator.connect(timeout=10)
    assert connected
    return communicator, await communicator.receive_json_from(timeout=10)


async def ws_frames(communicator, count: int, *, timeout: float = 10) -> list[dict]:
    return [await communicator.receive_json_from(timeout=timeout) for _ in range(count)]


async def ws_close_code(communicator, *, timeout: float = 10) -> int | None:
    output = await communicator.receive_output(timeout=timeout)
    assert output["type"] == "websocket.close", output
    return output.get("code")
