"""Through a real uvicorn process: client addresses behind (or without) a trusted proxy, and a native app's socket."""

import json
import re

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from backend.accounts.models import Role
from tests.factories import UserFactory, staff_user
from tests.factories.geo import PrecinctFactory
from tests.plugins.realtime import asgi_server, stop_process, wait_for_port

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

PASSWORD = "correct horse battery"
LOGIN_RATE = 10


@pytest.fixture(scope="module")
def behind_proxy(realtime_environment, realtime_directory):
    """A server configured to believe X-Forwarded-For from 127.0.0.1, as behind a local reverse proxy."""
    environment = {**realtime_environment, "TRUSTED_PROXIES": "127.0.0.1"}
    process, address = asgi_server(environment, realtime_directory / "uvicorn-behind-proxy.log")
    try:
        wait_for_port(int(address.rsplit(":", 1)[1]), process=process)
        yield address
    finally:
        stop_process(process)


def token_logins(address: str, forwarded_for: list[str]) -> list[int]:
    """One failed API login per X-Forwarded-For value, each for another username (so no per-username lockout)."""
    with httpx.Client(base_url=f"http://{address}") as client:
        return [
            client.post(
                "/api/accounts/token/",
                json={"username": f"guess{index}", "password": "wrong"},
                headers={"X-Forwarded-For": value},
            ).status_code
            for index, value in enumerate(forwarded_for)
        ]


ROTATING = [f"198.51.100.{index}" for index in range(LOGIN_RATE + 1)]


def test_rotating_x_forwarded_for_from_loopback_does_not_evade_the_login_rate(asgi_servers):
    assert token_logins(asgi_servers[0], ROTATING) == [401] * LOGIN_RATE + [429]


def test_a_trusted_proxy_s_x_forwarded_for_names_the_client(behind_proxy):
    # Given requests relayed by the trusted proxy for eleven different clients: none is throttled
    assert token_logins(behind_proxy, ROTATING) == [401] * (LOGIN_RATE + 1)

    # While one client behind it is limited as itself
    assert token_logins(behind_proxy, ["203.0.113.9"] * (LOGIN_RATE + 1)) == [401] * LOGIN_RATE + [429]


def test_behind_a_trusted_proxy_a_client_cannot_forge_its_own_forwarded_for(behind_proxy):
    # The client sends a made-up X-Forwarded-For; the proxy appends the address it really came from
    forged = [f"192.0.2.{index}, 203.0.113.10" for index in range(LOGIN_RATE + 1)]
    assert token_logins(behind_proxy, forged) == [401] * LOGIN_RATE + [429]


def page_login(client: httpx.Client, username: str, password: str, forwarded_for: str) -> httpx.Response:
    page = client.get("/accounts/login/")
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    return client.post(
        "/accounts/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": csrf},
        headers={"X-Forwarded-For": forwarded_for},
    )


def test_the_login_page_lockout_holds_whatever_x_forwarded_for_says(asgi_servers):
    UserFactory(username="vecino")
    with httpx.Client(base_url=f"http://{asgi_servers[0]}") as client:
        statuses = [page_login(client, "vecino", "wrong", f"198.51.100.{index}").status_code for index in range(5)]
        right = page_login(client, "vecino", PASSWORD, "198.51.100.99")

    assert statuses == [200, 200, 200, 200, 429]
    assert right.status_code == 429
    assert right.headers["Retry-After"] == "900"


async def receive(socket) -> dict:
    return json.loads(await socket.recv())


@pytest.fixture
def dispatcher():
    return staff_user(Role.DISPATCHER, [PrecinctFactory(column=0)], username="despacho")


async def test_a_native_app_logs_in_gets_a_ticket_and_opens_a_socket_without_origin(asgi_servers, dispatcher):
    # Given a dispatcher's app, which logs in over HTTP and sends no Origin header
    address = asgi_servers[0]
    async with httpx.AsyncClient(base_url=f"http://{address}") as client:
        token = (await client.post("/api/accounts/token/", json={"username": "despacho", "password": PASSWORD})).json()[
            "token"
        ]
        ticket_response = await client.post("/api/accounts/ws-ticket/", headers={"Authorization": f"Token {token}"})
    assert ticket_response.status_code == 201
    ticket = ticket_response.json()["ticket"]

    # When it opens the dispatch feed with the ticket, and another socket with the token as subprotocol
    async with connect(f"ws://{address}/ws/dispatch/?ticket={ticket}") as by_ticket:
        assert (await receive(by_ticket))["type"] == "hello"
    async with connect(f"ws://{address}/ws/dispatch/", subprotocols=["vigia.token", token]) as by_subprotocol:
        assert by_subprotocol.response.headers["Sec-WebSocket-Protocol"] == "vigia.token"
        assert (await receive(by_subprotocol))["type"] == "hello"

    # Then the used ticket opens nothing more, and a token in the URL is refused
    for url in (f"ws://{address}/ws/dispatch/?ticket={ticket}", f"ws://{address}/ws/dispatch/?token={token}"):
        async with connect(url) as refused:
            await refused.wait_closed()
            assert refused.close_code == 4401


async def test_a_foreign_origin_gets_http_403_at_the_handshake(asgi_servers):
    address = asgi_servers[0]
    with pytest.raises(InvalidStatus) as refused:
        async with connect(f"ws://{address}/ws/community/", origin="http://evil.example"):
            pass
    assert refused.value.response.status_code == 403


def production_server(realtime_environment, realtime_directory, name: str, **environment):
    return asgi_server(
        {
            **realtime_environment,
            "DJANGO_SETTINGS_MODULE": "backend.config.settings.production",
            "DJANGO_SECRET_KEY": "s" * 50,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "CACHE_URL": realtime_environment["TEST_CACHE_URL"],
            **environment,
        },
        realtime_directory / f"uvicorn-{name}.log",
    )


@pytest.mark.parametrize(("trusted_proxies", "status"), [("", 301), ("127.0.0.1", 200)])
def test_x_forwarded_proto_counts_only_from_a_trusted_proxy(
    realtime_environment, realtime_directory, trusted_proxies, status
):
    # Given a production server, which redirects plain http to https
    process, address = production_server(
        realtime_environment, realtime_directory, f"production-{status}", TRUSTED_PROXIES=trusted_proxies
    )
    try:
        wait_for_port(int(address.rsplit(":", 1)[1]), process=process)
        # When a request claims it arrived over https
        response = httpx.get(f"http://{address}/", headers={"X-Forwarded-Proto": "https"})
    finally:
        stop_process(process)

    # Then only a trusted proxy's word is taken
    assert response.status_code == status
