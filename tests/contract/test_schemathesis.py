"""The OpenAPI schema tells the truth: schemathesis drives every operation of the real ASGI server.

For each of a neighbor and a dispatcher, with their token, schemathesis generates valid and invalid
requests for every operation in ``/api/schema/`` (reads and writes) and checks each response: no
5xx, the status code, the content type and the body are all as the schema declares (4XX bodies
included: the one error format). The server is a real uvicorn process on the throwaway test
database, seeded with the South Precinct fixture and an alert, photo, zone, message and link of
each kind, whose ids schemathesis draws from so it reaches past the 404s.

``VIGIA_SCHEMATHESIS_EXAMPLES`` (examples per operation), ``VIGIA_SCHEMATHESIS_SEED`` and
``VIGIA_SCHEMATHESIS_CHECKS`` widen or vary the search; the defaults (a fixed seed, so a run is
repeatable) keep this test to about a minute per role on the 2-core machine. Reports are kept in
``artifacts/schemathesis/<role>/``.
"""

import io
import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from PIL import Image
from rest_framework.test import APIClient

from backend.accounts.models import Role
from backend.alerts.models import Alert, AlertInformation, AlertPhoto, Category, Device, MassMessage, Zone
from backend.analytics.models import IncidentLink
from backend.analytics.selectors.areas import Month, local_today
from backend.analytics.services.linkage import incident_links_compute
from backend.geo.models import Precinct
from tests.factories import UserFactory, staff_user
from tests.factories.accounts import token_for
from tests.factories.alerts import AlertFactory, category
from tests.factories.analytics import FormalReportFactory, offense_type
from tests.factories.station_condolences import fallen_officer
from tests.plugins.realtime import ROOT, VENV_BIN, asgi_server, stop_process, wait_for_port

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

CHECKS = os.environ.get(
    "VIGIA_SCHEMATHESIS_CHECKS",
    # No 5xx; status, content type and body as declared; undeclared methods are 405; every operation that needs
    # credentials refuses a request without them; a created zone can be read, a deleted one cannot.
    "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,"
    "unsupported_method,ignored_auth,ensure_resource_availability,use_after_free",
)
EXAMPLES_PER_OPERATION = int(os.environ.get("VIGIA_SCHEMATHESIS_EXAMPLES", "20"))
SEED = os.environ.get("VIGIA_SCHEMATHESIS_SEED", "20251107")
RUN_TIMEOUT_SECONDS = 900
FIXTURE = "fixtures/precincts/south_precinct.geojson"
# The full report of each run stays here (git-ignored), failing or not.
ARTIFACTS = ROOT / "artifacts" / "schemathesis"
# Real values are drawn this often; the rest are generated, so unknown ids (404) and odd input are tried too.
KNOWN_VALUE_PROBABILITY = 0.8


@pytest.fixture(scope="module")
def contract_server(realtime_environment, realtime_directory):
    """One uvicorn process for the contract run; sign-up and login throttles opened so their logic is reached."""
    environment = {**realtime_environment, "THROTTLE_LOGIN": "100000/minute", "THROTTLE_REGISTRATION": "100000/minute"}
    process, address = asgi_server(environment, realtime_directory / "uvicorn-contract.log")
    try:
        wait_for_port(int(address.rsplit(":", 1)[1]), process=process)
        yield f"http://{address}"
    finally:
        stop_process(process)


def jpeg(name: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 40, 40)).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def client_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


def created(response) -> dict:
    assert response.status_code in (200, 201), response.content
    return response.json()


def seed() -> dict:
    """The South Precinct with one of everything the API can address, written through the API where it can be."""
    call_command("load_precincts", FIXTURE, verbosity=0)
    precincts = list(Precinct.objects.order_by("code"))
    first = precincts[0]
    point = first.boundary.point_on_surface
    neighbor = UserFactory(username="contract-neighbor", role=Role.NEIGHBOR, phone="+56911112222")
    other = UserFactory(username="contract-other", role=Role.NEIGHBOR)
    dispatcher = staff_user(Role.DISPATCHER, precincts, username="contract-dispatcher")
    as_neighbor, as_dispatcher = client_as(neighbor), client_as(dispatcher)

    created(as_neighbor.put("/api/accounts/me/address/", {"lat": point.y, "lon": point.x}, format="json"))
    created(
        as_neighbor.post(
            "/api/community/zones/",
            {"name": "Casa", "lat": point.y, "lon": point.x, "radius_meters": 800},
            format="json",
        )
    )
    alert = created(
        as_neighbor.post(
            "/api/alerts/",
            {"category": "robbery_in_progress", "lat": point.y, "lon": point.x, "accuracy_meters": 8,
             "description": "Dos sujetos forzando un auto", "photos": [jpeg("auto.jpg")]},
            format="multipart",
        )
    )  # fmt: skip
    photo_id = alert["photos"][0]["id"]
    created(as_dispatcher.post(f"/api/alerts/{alert['id']}/photos/{photo_id}/approve/"))
    created(as_dispatcher.post(f"/api/alerts/{alert['id']}/steps/", {"status": "acknowledged"}, format="json"))
    created(
        as_neighbor.post(
            f"/api/alerts/{alert['id']}/information/",
            {"text": "Se fueron en un auto rojo", "photos": [jpeg("rojo.jpg")]},
            format="multipart",
        )
    )
    # Alerts of other reporters and categories, and one merged into the first as its duplicate.
    for index, code in enumerate(("fire", "suspicious_person", "street_lighting")):
        AlertFactory(precinct=precincts[index], category=category(code), reporter=other)
    duplicate = AlertFactory(precinct=first, reporter=other, location=point)
    created(as_dispatcher.post(f"/api/alerts/{duplicate.id}/merge/", {"into": alert["id"]}, format="json"))
    created(
        as_dispatcher.post(
            "/api/messages/",
            {"precinct": first.id, "target": "precinct", "headline": "Corte de luz", "body": "Evite la zona."},
            format="json",
        )
    )
    created(as_neighbor.post("/api/devices/", {"kind": "fcm", "token": "contract-device-token-0001"}, format="json"))
    today = local_today()
    FormalReportFactory(
        precinct=first,
        location=point,
        offense_type=offense_type("surprise_robbery"),
        occurred_at=Alert.objects.get(id=alert["id"]).created_at,
    )
    incident_links_compute(precinct_ids=[first.id], month=Month.containing(today), preset="default")
    assert IncidentLink.objects.exists()
    # A condolence book, so writing to it and reading it are reached past the 404 of an unknown slug.
    book = fallen_officer(first)
    alert_ids = list(Alert.objects.values_list("id", flat=True))
    codes = [precinct.code for precinct in precincts]
    inside = [precinct.boundary.point_on_surface for precinct in precincts]
    return {
        "users": {"neighbor": neighbor, "dispatcher": dispatcher},
        # Where schemathesis draws real values from: ids in paths, areas and months in queries, and body fields
        # whose valid values the schema cannot list (the category catalogue, points inside a precinct).
        "bindings": {
            "path.alert_id": alert_ids,
            "path.photo_id": list(AlertPhoto.objects.values_list("id", flat=True)),
            "path.information_id": list(AlertInformation.objects.values_list("id", flat=True)),
            "path.zone_id": list(Zone.objects.values_list("id", flat=True)),
            "path.message_id": list(MassMessage.objects.values_list("id", flat=True)),
            "path.link_id": list(IncidentLink.objects.values_list("id", flat=True)),
            "path.device_id": list(Device.objects.values_list("id", flat=True)),
            "path.code": codes,
            "path.slug": [book.slug],
            "query.precinct": codes,
            "query.prefecture": [first.prefecture.code],
            "query.month": [Month.containing(today).label],
            "query.lat": [point.y for point in inside],
            "query.lon": [point.x for point in inside],
            "body.category": list(Category.objects.values_list("code", flat=True)),
            "body.lat": [point.y for point in inside],
            "body.lon": [point.x for point in inside],
            "body.center.lat": [point.y for point in inside],
            "body.center.lon": [point.x for point in inside],
            "body.into": alert_ids,
            "body.precinct": [precinct.id for precinct in precincts],
            "body.month": [Month.containing(today).label],
        },
    }


def config_toml(bindings: dict[str, list]) -> str:
    """schemathesis.toml: one dictionary per binding (``path.alert_id``, ``body.lat``, ...), drawn from often."""
    lines = []
    for key, values in bindings.items():
        lines += [f"[dictionaries.{key.replace('.', '_')}]", f"values = {json.dumps(values)}", ""]
    lines.append("[parameters]")
    for key in bindings:
        binding = f'{{ dictionary = "{key.replace(".", "_")}", probability = {KNOWN_VALUE_PROBABILITY} }}'
        lines.append(f'"{key}" = {binding}')
    return "\n".join(lines) + "\n"


def schemathesis_run(*, base_url: str, authorization: str, config: Path, log: Path) -> subprocess.CompletedProcess:
    command = [
        str(VENV_BIN / "schemathesis"),
        "--no-color",
        "--config-file",
        str(config),
        "run",
        f"{base_url}/api/schema/",
        "--header",
        f"Authorization: {authorization}",
        "--checks",
        CHECKS,
        "--max-examples",
        str(EXAMPLES_PER_OPERATION),
        "--seed",
        SEED,
        "--generation-database",
        "none",
        # One worker: with two, Hypothesis describes filter lambdas from two threads at once, and CPython 3.11's
        # ast.parse is not thread-safe ("SystemError: AST constructor recursion depth mismatch", seen in CI).
        "--workers",
        "1",
        "--request-timeout",
        "30",
    ]
    with log.open("w") as output:
        return subprocess.run(
            command,
            cwd=config.parent,
            stdout=output,
            stderr=subprocess.STDOUT,
            timeout=RUN_TIMEOUT_SECONDS,
            check=False,
        )


@pytest.mark.parametrize("role", ["neighbor", "dispatcher"])
def test_every_operation_answers_as_the_schema_says(contract_server, role):
    # given the seeded platform and this role's token
    data = seed()
    directory = ARTIFACTS / role
    directory.mkdir(parents=True, exist_ok=True)
    config = directory / "schemathesis.toml"
    config.write_text(config_toml(data["bindings"]))
    # when schemathesis runs every operation against the live server
    log = directory / "report.txt"
    result = schemathesis_run(
        base_url=contract_server, authorization=f"Token {token_for(data['users'][role])}", config=config, log=log
    )
    # then no server error and no response that contradicts the schema
    output = log.read_text()
    assert result.returncode == 0, f"schemathesis found problems as the {role}:\n{output[-20000:]}"
    selected, total = map(int, re.search(r"Selected: (\d+)/(\d+)", output).groups())
    tested = int(re.search(r"Tested: (\d+)", output).group(1))
    assert tested == selected == total
