"""Start and stop a real ASGI server (uvicorn) on the benchmark database."""

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from _django import BENCH_DATABASE, ROOT


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def asgi_server(*, workers: int = 2, port: int | None = None, extra_env: dict | None = None):
    port = port or free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "backend.config.settings.base",
        "DATABASE_URL": f"postgis://postgres@127.0.0.1:5432/{BENCH_DATABASE}",
        "DJANGO_DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/14",
        **(extra_env or {}),
    }
    command = [str(Path(sys.executable).parent / "uvicorn"), "backend.config.asgi:application", "--host", "127.0.0.1",
               "--port", str(port), "--workers", str(workers), "--no-access-log", "--no-proxy-headers",
               "--log-level", "warning"]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("The ASGI server did not start.")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=20)
