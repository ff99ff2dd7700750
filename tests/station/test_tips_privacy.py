"""The proof that a tip leaves no trace of its sender: a real server process, its whole log output, every table.

The server runs as production does (uvicorn with its access log on, the application's logging at DEBUG). A tip
is sent from 127.0.0.1 with a distinctive User-Agent, cookies, a forwarded-for header, a token and a submission
key, and sent again; then the mailbox is opened, answered, and a bad request made. Neither the captured log nor
any row of any table written meanwhile may hold the address, the agent, the cookies, the submission key, or the
time of day.
"""

import datetime as dt
import io
import json
import re
import subprocess
import time
import urllib.request

import pytest
from django.db import connection
from django.utils import timezone
from PIL import Image

from tests.factories import PrecinctFactory
from tests.factories.geo import cell_center
from tests.plugins.realtime import ROOT, VENV_BIN, free_port, stop_process, wait_for_port

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
USER_AGENT = "AgenteDelDenunciante/7.3 (Linux; SerieXYZ-998877)"
COOKIES = "sessionid=galletaSesion123456; rastreo=GalletaRastreo654321; csrftoken=tokenCsrf777777"
FORWARDED_FOR = "203.0.113.77"
SUBMISSION_KEY = "5f0c2a8e-3b1d-4c7a-9e62-7d4b8a1f0c93"
ADDRESS = "127.0.0.1"
CLIENT_SECRETS = (ADDRESS, USER_AGENT, "SerieXYZ", "galletaSesion", "GalletaRastreo", "tokenCsrf", FORWARDED_FOR,
                  "tokenDelDenunciante")  # fmt: skip


@pytest.fixture
def logging_server(realtime_environment, tmp_path):
    """A uvicorn process of our own with the access log on and everything at DEBUG; yields (url, log path)."""
    port = free_port()
    log_path = tmp_path / "server.log"
    process = subprocess.Popen(
        [str(VENV_BIN / "uvicorn"), "backend.config.asgi:application", "--host", ADDRESS, "--port", str(port),
         "--log-level", "debug", "--access-log", "--no-proxy-headers", "--lifespan", "off"],
        cwd=ROOT, env={**realtime_environment, "LOG_LEVEL": "DEBUG"}, stdout=log_path.open("ab"),
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        wait_for_port(port, process=process)
        yield f"http://{ADDRESS}:{port}", log_path
    finally:
        stop_process(process)


def request(url: str, *, body: bytes = b"", content_type: str = "application/json", method: str = "POST"):
    headers = {
        "User-Agent": USER_AGENT,
        "Cookie": COOKIES,
        "X-Forwarded-For": FORWARDED_FOR,
        "Authorization": "Token tokenDelDenunciante0000",
        "Referer": "https://buscador.example/q=droga",
    }
    if body:
        headers["Content-Type"] = content_type
    prepared = urllib.request.Request(url, data=body or None, method=method, headers=headers)
    try:
        with urllib.request.urlopen(prepared, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    boundary = "----limite-de-prueba"
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                     f"Content-Type: image/jpeg\r\n\r\n".encode() + content + b"\r\n")  # fmt: skip
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def database_rows() -> set[tuple[str, str]]:
    """Every row of every table of the test database, as (table, JSON text)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        tables = [row[0] for row in cursor.fetchall()]
        rows = set()
        for table in tables:
            cursor.execute(f'SELECT row_to_json(t)::text FROM "{table}" AS t')
            rows.update((table, row[0]) for row in cursor.fetchall())
    return rows


def timestamps_between(text: str, start: dt.datetime, end: dt.datetime) -> list[str]:
    """ISO-like timestamps in ``text`` that fall within [start, end] (to the minute, in UTC or local time)."""
    found = []
    for match in re.finditer(r"(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(:\d{2}(\.\d+)?)?([+-]\d{2}(:?\d{2})?|Z)?", text):
        moment = dt.datetime.fromisoformat(f"{match.group(1)}T{match.group(2)}")
        for zone in (dt.UTC, timezone.get_current_timezone()):
            aware = moment.replace(tzinfo=zone)
            if start - dt.timedelta(minutes=1) <= aware <= end + dt.timedelta(minutes=1):
                found.append(match.group(0))
    return found


def test_a_tip_leaves_no_address_agent_cookie_or_time_in_the_logs_or_the_database(logging_server, tmp_path):
    # given a precinct, a server logging everything it can, and a snapshot of every table
    url, log_path = logging_server
    PrecinctFactory(column=0, name="El Bosque")
    lat, lon = cell_center(0)
    photo = io.BytesIO()
    Image.new("RGB", (30, 20), (1, 2, 3)).save(photo, format="JPEG")
    with connection.cursor() as cursor:
        cursor.execute("SHOW track_commit_timestamp")
        assert cursor.fetchone()[0] == "off"
    before_rows = database_rows()
    log_start = log_path.stat().st_size
    started = timezone.now()

    # when a tip with a photo is sent from 127.0.0.1 with that agent, cookies, token and forwarded-for header
    body, content_type = multipart(
        {"category": "drugs", "text": "Venden en el pasaje 5.", "lat": lat, "lon": lon, "urgency": "high",
         "submission_key": SUBMISSION_KEY},
        {"attachments": ("IMG_0001.jpg", photo.getvalue())},
    )  # fmt: skip
    status, headers, content = request(f"{url}/api/station/tips/", body=body, content_type=content_type)
    assert status == 201, content
    code = json.loads(content)["receipt_code"]
    # and it is sent again (a retry), its mailbox is opened, answered, opened with a wrong code, and a bad tip is
    # tried, through API and pages
    mailbox = json.dumps({"receipt_code": code}).encode()
    answered = json.dumps({"receipt_code": code, "body": "Los martes también."}).encode()
    results = [
        request(f"{url}/api/station/tips/", body=body, content_type=content_type),
        request(f"{url}/api/station/tips/mailbox/", body=mailbox),
        request(f"{url}/api/station/tips/mailbox/answer/", body=answered),
        request(f"{url}/api/station/tips/mailbox/", body=json.dumps({"receipt_code": "Z" * 28}).encode()),
        request(f"{url}/api/station/tips/", body=json.dumps({"category": "nada"}).encode()),
        request(f"{url}/comisaria/denuncia-anonima/", method="GET"),
        request(
            f"{url}/comisaria/denuncia-anonima/buzon/",
            body=f"receipt_code={code}".encode(),
            content_type="application/x-www-form-urlencoded",
        ),  # fmt: skip
    ]
    assert [result[0] for result in results] == [200, 200, 201, 404, 400, 200, 200]
    finished = timezone.now()
    # and, as a control, a request to another path, which the access log does record with its address
    request(f"{url}/api/station/services/", method="GET")
    time.sleep(0.5)  # let the server flush its last log lines

    # then no answer set a cookie
    for response_headers in [headers, *[result[1] for result in results]]:
        assert "set-cookie" not in {name.lower() for name in response_headers}
    # and the server's log says nothing about these requests: no address, agent, cookie, token, path or time
    log = log_path.read_bytes()[log_start:].decode(errors="replace")
    control = [line for line in log.splitlines() if "/api/station/services/" in line]
    assert any(f"{ADDRESS}:" in line for line in control), log[-2000:]
    log = "\n".join(line for line in log.splitlines() if line not in control)
    paths = ("/api/station/tips", "/comisaria/denuncia-anonima")
    for secret in (*CLIENT_SECRETS, "buscador.example", *paths):
        assert secret not in log, (secret, log[-2000:])
    assert timestamps_between(log, started, finished) == []
    # and every row written meanwhile, in any table, holds none of them either
    written = database_rows() - before_rows
    tables = {table for table, _row in written}
    assert tables == {"station_tip", "station_tipattachment", "station_tipmessage", "common_ratelimitbucket"}
    for table, row in written:
        for secret in (*CLIENT_SECRETS, "IMG_0001", code, code.replace("-", ""), SUBMISSION_KEY,
                       SUBMISSION_KEY.replace("-", "")):  # fmt: skip
            assert secret not in row, (table, secret, row)
        assert timestamps_between(row, started, finished) == [], (table, row)
    # and the rate-limit windows are whole days
    buckets = [json.loads(row) for table, row in written if table == "common_ratelimitbucket"]
    assert sorted((bucket["key"].rsplit(":", 1)[0], bucket["window_seconds"]) for bucket in buckets) == [
        ("tips:mailbox", 86_400),
        ("tips:submit", 86_400),
    ]
    assert all(bucket["window_start"].endswith("T00:00:00+00:00") for bucket in buckets)
