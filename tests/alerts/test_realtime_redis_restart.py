"""A Redis restart loses every group and every broadcast sent meanwhile; sockets still miss nothing."""

import copy
import uuid

import pytest
from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.gis.geos import Polygon
from django.test import override_settings

from backend.accounts.models import Role
from backend.alerts.incidents.services import AlertInput, alert_create, alert_transition
from backend.alerts.models import AlertStatus, Event
from tests.factories import PrecinctFactory, UserFactory, api_token, staff_user
from tests.factories.alerts import ZoneFactory
from tests.factories.geo import cell_center
from tests.plugins.realtime import ws_frames, ws_open

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


@pytest.fixture
def layer_on_private_redis(private_redis):
    layers = copy.deepcopy(settings.CHANNEL_LAYERS)
    layers["default"]["CONFIG"]["hosts"][0]["address"] = private_redis.url
    layers["default"]["CONFIG"]["prefix"] = f"vigia-restart-{uuid.uuid4().hex[:8]}"
    # override_settings makes Channels drop its cached layer, so the next use connects to this Redis.
    with override_settings(CHANNEL_LAYERS=layers):
        yield private_redis


@pytest.fixture
def people():
    precinct = PrecinctFactory(column=0)
    dispatcher = staff_user(Role.DISPATCHER, [precinct])
    member = UserFactory(role=Role.NEIGHBOR)
    lat, lon = cell_center(0)
    ZoneFactory(member=member, boundary=Polygon.from_bbox((lon - 0.004, lat - 0.004, lon + 0.004, lat + 0.004)))
    return {
        "dispatcher": dispatcher,
        "reporter": UserFactory(role=Role.NEIGHBOR),
        "token": api_token(dispatcher),
        "member_token": api_token(member),
        "precinct_id": precinct.id,
    }


@database_sync_to_async
def new_alert(reporter) -> int:
    lat, lon = cell_center(0)
    data = AlertInput(category="drugs", lat=lat, lon=lon, accuracy_meters=5)
    return alert_create(reporter=reporter, data=data).alert.id


@database_sync_to_async
def acknowledge(alert_id: int, actor) -> None:
    alert_transition(alert_id=alert_id, actor=actor, status=AlertStatus.ACKNOWLEDGED)


@database_sync_to_async
def event_ids(**filters) -> list[int]:
    return list(Event.objects.filter(**filters).order_by("id").values_list("id", flat=True))


async def test_sockets_catch_up_after_a_redis_restart(layer_on_private_redis, people, relay_in_process):
    redis = layer_on_private_redis
    # Given a console that stays connected and one that will reconnect, both having seen the first alert
    # (and a community member whose zone covers it, who stays connected)
    staying, _ = await ws_open("/ws/dispatch/", token=people["token"])
    leaving, _ = await ws_open("/ws/dispatch/", token=people["token"])
    member, _ = await ws_open("/ws/community/", token=people["member_token"])
    first = await new_alert(people["reporter"])
    (seen,) = await ws_frames(staying, 1)
    assert await ws_frames(leaving, 1) == [seen]
    assert [frame["id"] for frame in await ws_frames(member, 1)] == [seen["id"]]
    await leaving.disconnect()

    # When Redis dies, events are committed while it is down (their broadcasts fail), and it comes back empty
    redis.stop()
    await acknowledge(first, people["dispatcher"])
    second = await new_alert(people["reporter"])
    redis.start()

    # Then the connected console gets the missed events from the log, in order, once
    missed = await event_ids(id__gt=seen["id"])
    assert len(missed) == 2
    caught_up = await ws_frames(staying, 2, timeout=15)
    assert [frame["id"] for frame in caught_up] == missed
    assert caught_up[1]["alert"]["id"] == second
    assert [frame["id"] for frame in await ws_frames(member, 2, timeout=15)] == missed

    # And its groups are back: a new alert arrives live, once, on both feeds
    third = await new_alert(people["reporter"])
    (live,) = await ws_frames(staying, 1)
    assert live["alert"]["id"] == third
    assert [frame["id"] for frame in await ws_frames(member, 1)] == [live["id"]]
    assert await staying.receive_nothing(timeout=0.5)
    assert await member.receive_nothing(timeout=0.5)

    # And the console that dropped resumes from its last id with no gap
    resumed, hello = await ws_open("/ws/dispatch/", token=people["token"], last_event_id=seen["id"])
    assert hello["full_resync"] is False
    assert [frame["id"] for frame in await ws_frames(resumed, 3)] == [*missed, live["id"]]
    for socket in (staying, resumed, member):
        await socket.disconnect()
