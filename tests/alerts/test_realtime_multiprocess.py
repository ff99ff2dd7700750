"""Two real server processes share the Redis channel layer: what is posted to one reaches sockets on the other."""

import asyncio
import json

import httpx
import pytest
from django.contrib.gis.geos import Polygon
from websockets.asyncio.client import connect

from backend.accounts.models import Role
from tests.factories import PrecinctFactory, UserFactory, api_token, staff_user
from tests.factories.alerts import ZoneFactory
from tests.factories.geo import cell_center

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
RECEIVE_TIMEOUT_SECONDS = 10


@pytest.fixture
def people():
    precinct = PrecinctFactory(column=0)
    reporter, member = UserFactory(role=Role.NEIGHBOR), UserFactory(role=Role.NEIGHBOR)
    lat, lon = cell_center(0)
    ZoneFactory(member=member, boundary=Polygon.from_bbox((lon - 0.005, lat - 0.005, lon + 0.005, lat + 0.005)))
    dispatcher = staff_user(Role.DISPATCHER, [precinct])
    return {
        name: api_token(user) for name, user in (("reporter", reporter), ("member", member), ("dispatcher", dispatcher))
    }


async def receive(socket) -> dict:
    return json.loads(await asyncio.wait_for(socket.recv(), RECEIVE_TIMEOUT_SECONDS))


def app_socket(address: str, path: str, token: str, **query):
    """A native app's socket: the token in the ``vigia.token`` subprotocol and, as apps do, no Origin header."""
    extra = "&".join(f"{name}={value}" for name, value in query.items())
    return connect(f"ws://{address}{path}" + (f"?{extra}" if extra else ""), subprotocols=["vigia.token", token])


async def test_alert_posted_to_one_process_reaches_sockets_on_the_other(asgi_servers, people):
    process_a, process_b = asgi_servers
    lat, lon = cell_center(0)
    # Given a dispatch console and a community member connected to process B
    async with (
        app_socket(process_b, "/ws/dispatch/", people["dispatcher"]) as console,
        app_socket(process_b, "/ws/community/", people["member"]) as member,
    ):
        assert (await receive(console))["type"] == "hello"
        assert (await receive(member))["type"] == "hello"

        # When a neighbor posts an alert to process A
        async with httpx.AsyncClient(base_url=f"http://{process_a}") as client:
            response = await client.post(
                "/api/alerts/",
                json={"category": "shots_fired", "lat": lat, "lon": lon, "accuracy_meters": 12, "description": "Shots"},
                headers={"Authorization": f"Token {people['reporter']}"},
            )
        assert response.status_code == 201, response.text
        alert_id = response.json()["id"]

        # Then process B delivers it: in full to dispatch, redacted to the member
        dispatched = await receive(console)
        assert (dispatched["type"], dispatched["alert"]["id"]) == ("alert.created", alert_id)
        assert dispatched["alert"]["description"] == "Shots"
        redacted = await receive(member)
        assert (redacted["type"], redacted["id"]) == ("alert.created", dispatched["id"])
        assert "description" not in redacted["alert"]
        assert "reporter" not in redacted["alert"]

    # And a console that reconnects to process A after a step resumes with no gap
    async with httpx.AsyncClient(base_url=f"http://{process_b}") as client:
        response = await client.post(
            f"/api/alerts/{alert_id}/steps/",
            json={"status": "acknowledged", "note": "On it"},
            headers={"Authorization": f"Token {people['dispatcher']}"},
        )
    assert response.status_code in (200, 201), response.text
    async with app_socket(process_a, "/ws/dispatch/", people["dispatcher"], last_event_id=dispatched["id"]) as console:
        hello = await receive(console)
        assert (hello["resumed_from"], hello["full_resync"], hello["after_id"]) == (
            dispatched["id"],
            False,
            dispatched["id"],
        )
        replayed = await receive(console)
        assert (replayed["type"], replayed["step"]["note"]) == ("alert.step_added", "On it")
