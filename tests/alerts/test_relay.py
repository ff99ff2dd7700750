"""The outbox relay: a killed relay loses nothing, a standby takes over, and Redis being down refuses no alert."""

import asyncio
import json
import os
import secrets
import signal
import time

import httpx
import pytest
from channels.db import database_sync_to_async
from django.contrib.gis.geos import Polygon
from websockets.asyncio.client import connect

from backend.accounts.models import Role
from backend.alerts.incidents.services import AlertInput, alert_create
from backend.alerts.models import Device, DeviceKind, Event, RelayCursor
from tests.factories import PrecinctFactory, UserFactory, staff_user
from tests.factories.accounts import api_token
from tests.factories.alerts import ZoneFactory
from tests.factories.geo import cell_center
from tests.plugins.realtime import (
    FakeFcm,
    asgi_server,
    celery_worker_start,
    relay_start,
    stop_process,
    wait_for_port,
    ws_frames,
    ws_open,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


@pytest.fixture
def people():
    precinct = PrecinctFactory(column=0)
    dispatcher = staff_user(Role.DISPATCHER, [precinct])
    reporters = [UserFactory(role=Role.NEIGHBOR) for _ in range(4)]
    return {"dispatcher": dispatcher, "token": api_token(dispatcher), "reporters": reporters}


@database_sync_to_async
def new_alert(reporter) -> int:
    lat, lon = cell_center(0)
    return alert_create(
        reporter=reporter, data=AlertInput(category="drugs", lat=lat, lon=lon, accuracy_meters=5)
    ).alert.id


@database_sync_to_async
def logged_ids() -> list[int]:
    return list(Event.objects.order_by("id").values_list("id", flat=True))


def log_text(path) -> str:
    return path.read_text() if path.exists() else ""


async def test_a_relay_killed_mid_stream_loses_nothing_and_its_successor_resumes(
    people, relay_paused, realtime_environment, tmp_path
):
    # given a console, and a relay of our own (the run's relay is frozen) delivering a stream of alerts
    name = f"kill-{secrets.token_hex(3)}"
    console, _ = await ws_open("/ws/dispatch/", token=people["token"])
    first = relay_start(realtime_environment, tmp_path / "first.log", name=name)
    await new_alert(people["reporters"][0])
    await new_alert(people["reporters"][1])
    # when it is killed without warning while alerts keep arriving, and a new one starts later
    os.kill(first.pid, signal.SIGKILL)
    first.wait()
    await new_alert(people["reporters"][2])
    second = relay_start(realtime_environment, tmp_path / "second.log", name=name)
    try:
        await new_alert(people["reporters"][3])
        # then the console gets every logged event exactly once, in order
        expected = await logged_ids()
        assert len(expected) == 4
        assert [frame["id"] for frame in await ws_frames(console, 4, timeout=15)] == expected
        assert await console.receive_nothing(timeout=0.5)
        # and the cursor says how far it got
        cursor = await database_sync_to_async(lambda: RelayCursor.objects.get(name=name).last_event_id)()
        assert cursor == expected[-1]
    finally:
        stop_process(second)
        await console.disconnect()


async def test_a_standby_relay_takes_over_when_the_active_one_dies(
    people, relay_paused, realtime_environment, tmp_path
):
    # given two relays of one name: one active, one waiting for the lease
    name = f"failover-{secrets.token_hex(3)}"
    active = relay_start(realtime_environment, tmp_path / "active.log", name=name)
    standby = relay_start(realtime_environment, tmp_path / "standby.log", name=name)
    try:
        assert "is on standby" in log_text(tmp_path / "standby.log")
        console, _ = await ws_open("/ws/dispatch/", token=people["token"])
        await new_alert(people["reporters"][0])
        (before,) = await ws_frames(console, 1, timeout=10)
        # when the active relay dies
        os.kill(active.pid, signal.SIGKILL)
        active.wait()
        await new_alert(people["reporters"][1])
        # then the standby takes the lease and delivers what came next, once
        (after,) = await ws_frames(console, 1, timeout=10)
        assert [before["id"], after["id"]] == await logged_ids()
        assert "is active from event" in log_text(tmp_path / "standby.log")
        assert await console.receive_nothing(timeout=0.5)
        await console.disconnect()
    finally:
        stop_process(standby)
        if active.poll() is None:
            stop_process(active)


@pytest.fixture
def private_fcm():
    """An FCM fake of this test's own: the run's relay and worker push to the shared one."""
    server = FakeFcm()
    yield server
    server.close()


@pytest.fixture
def stack_on_private_redis(private_redis, realtime_environment, tmp_path, private_fcm):
    """A server, a relay and a Celery worker whose cache, channel layer and broker are one private Redis."""
    environment = {
        **realtime_environment,
        "FCM_CREDENTIALS_FILE": str(private_fcm.service_account(tmp_path)),
        "FCM_ENDPOINT_OVERRIDE": private_fcm.url,
        "TEST_CACHE_URL": f"redis://127.0.0.1:{private_redis.port}/0",
        "TEST_CHANNEL_LAYER_URL": f"redis://127.0.0.1:{private_redis.port}/1",
        "TEST_CELERY_BROKER_URL": f"redis://127.0.0.1:{private_redis.port}/2",
        "TEST_CHANNEL_LAYER_PREFIX": f"vigia-outage-{secrets.token_hex(3)}",
        "TEST_CELERY_QUEUE": f"vigia-outage-{secrets.token_hex(3)}",
    }
    server, address = asgi_server(environment, tmp_path / "server.log")
    processes = [server]
    try:
        wait_for_port(int(address.rsplit(":", 1)[1]), process=server)
        processes.append(relay_start(environment, tmp_path / "relay.log", name=f"outage-{secrets.token_hex(3)}"))
        processes.append(celery_worker_start(environment, tmp_path / "celery.log"))
        yield {"redis": private_redis, "address": address, "logs": tmp_path}
    finally:
        for process in processes:
            stop_process(process)


async def _receive(socket, timeout: float = 20) -> dict:
    return json.loads(await asyncio.wait_for(socket.recv(), timeout))


async def test_alerts_are_accepted_while_redis_is_down_and_delivered_and_pushed_when_it_returns(
    people, stack_on_private_redis, private_fcm
):
    fake_fcm = private_fcm
    stack = stack_on_private_redis
    address = stack["address"]
    reporter = people["reporters"][0]
    reporter_token = await database_sync_to_async(api_token)(reporter)
    member = await database_sync_to_async(UserFactory)(role=Role.NEIGHBOR)
    lat, lon = cell_center(0)
    zone = Polygon.from_bbox((lon - 0.004, lat - 0.004, lon + 0.004, lat + 0.004))
    await database_sync_to_async(ZoneFactory)(member=member, boundary=zone)
    await database_sync_to_async(Device.objects.create)(user=member, kind=DeviceKind.FCM, token="member-phone")
    async with connect(f"ws://{address}/ws/dispatch/", subprotocols=["vigia.token", people["token"]]) as console:
        assert (await _receive(console))["type"] == "hello"
        # when Redis goes down and a neighbor presses the button
        stack["redis"].stop()
        async with httpx.AsyncClient(base_url=f"http://{address}", timeout=20) as client:
            response = await client.post(
                "/api/alerts/",
                json={"category": "shots_fired", "lat": lat, "lon": lon, "accuracy_meters": 8},
                headers={"Authorization": f"Token {reporter_token}", "Idempotency-Key": "outage-1"},
            )
        # then the alert is accepted and stored
        assert response.status_code == 201, response.text
        alert_id = response.json()["id"]
        assert await database_sync_to_async(lambda: Event.objects.filter(alert_id=alert_id).count())() == 1
        await asyncio.sleep(1.0)
        assert fake_fcm.delivered_tokens() == []
        # and when Redis returns (empty), the console gets it once and the member's phone gets its push
        stack["redis"].start()
        frame = await _receive(console, timeout=30)
        while frame["type"] != "alert.created":
            frame = await _receive(console, timeout=30)
        assert frame["alert"]["id"] == alert_id
        deadline = time.monotonic() + 30
        while fake_fcm.delivered_tokens() != ["member-phone"]:
            assert time.monotonic() < deadline, log_text(stack["logs"] / "celery.log")[-2000:]
            await asyncio.sleep(0.2)
        with pytest.raises(TimeoutError):
            await _receive(console, timeout=1)
