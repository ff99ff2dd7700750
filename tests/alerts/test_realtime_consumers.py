"""The websocket feeds over the real Redis channel layer: auth, scope, redaction, resume and ordering."""

import asyncio
from dataclasses import dataclass

import pytest
from channels.db import database_sync_to_async
from django.contrib.gis.geos import Polygon

from backend.accounts.models import Role, User
from backend.alerts.incidents.services import AlertInput, alert_create, alert_transition
from backend.alerts.models import AlertStatus, Event, EventType
from backend.alerts.realtime import broadcasts, consumers
from tests.factories import PrecinctFactory, UserFactory, api_token, staff_user
from tests.factories.alerts import ZoneFactory
from tests.factories.geo import cell_center
from tests.plugins.realtime import WS_HEADERS, ws_close_code, ws_communicator, ws_frames, ws_open

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("relay")]

FORBIDDEN_COMMUNITY_FIELDS = ("reporter", "description", "accuracy_meters", "precinct", "is_overlap", "is_gap")


@dataclass
class World:
    precinct_ids: list[int]
    dispatcher: User
    other_dispatcher: User
    firefighter: User
    reporter: User
    member: User
    outsider: User

    def token(self, user: User) -> str:
        return api_token(user)


def box(lat: float, lon: float, half: float = 0.004) -> Polygon:
    return Polygon.from_bbox((lon - half, lat - half, lon + half, lat + half))


@pytest.fixture
def world() -> World:
    # Given two precincts side by side, staff for each, a reporter, and members in and out of the first
    first, second = PrecinctFactory(column=0), PrecinctFactory(column=1)
    member, outsider = UserFactory(role=Role.NEIGHBOR), UserFactory(role=Role.NEIGHBOR)
    ZoneFactory(member=member, boundary=box(*cell_center(0)))
    ZoneFactory(member=outsider, boundary=box(*cell_center(1)))
    return World(
        precinct_ids=[first.id, second.id],
        dispatcher=staff_user(Role.DISPATCHER, [first]),
        other_dispatcher=staff_user(Role.DISPATCHER, [second]),
        firefighter=staff_user(Role.AGENCY_OPERATOR, [first], agency="bomberos"),
        reporter=UserFactory(role=Role.NEIGHBOR, phone="+56911112222"),
        member=member,
        outsider=outsider,
    )


@database_sync_to_async
def tokens(world: World, *users: User) -> list[str]:
    return [world.token(user) for user in users]


@database_sync_to_async
def new_alert(reporter: User, *, column: int = 0, category: str = "robbery_in_progress") -> int:
    lat, lon = cell_center(column)
    data = AlertInput(category=category, lat=lat, lon=lon, accuracy_meters=8, description="Two men, one car")
    return alert_create(reporter=reporter, data=data).alert.id


@database_sync_to_async
def step(alert_id: int, actor: User, status: str, note: str = "Calling the neighbor") -> None:
    alert_transition(alert_id=alert_id, actor=actor, status=status, note=note)


@database_sync_to_async
def event_ids(**filters) -> list[int]:
    return list(Event.objects.filter(**filters).order_by("id").values_list("id", flat=True))


async def test_invalid_token_closes_with_4401(world):
    # Given a made-up token
    communicator = ws_communicator("/ws/dispatch/", token="not-a-token")
    await communicator.connect()

    # Then the socket is closed as unauthenticated
    assert await ws_close_code(communicator) == consumers.CLOSE_UNAUTHENTICATED


async def test_first_message_auth_opens_the_stream(world):
    # Given a dispatcher who connects without credentials
    (token,) = await tokens(world, world.dispatcher)
    communicator = ws_communicator("/ws/dispatch/")
    await communicator.connect()

    # When the first message carries the token
    await communicator.send_json_to({"type": "auth", "token": token})

    # Then the stream starts
    hello = await communicator.receive_json_from(timeout=5)
    assert hello == {"type": "hello", "stream": "dispatch", "resumed_from": None, "full_resync": False,
                     "after_id": hello["after_id"]}  # fmt: skip
    await communicator.disconnect()


async def test_no_auth_message_in_time_closes_with_4401(world, monkeypatch):
    monkeypatch.setattr(consumers, "AUTH_TIMEOUT_SECONDS", 0.2)
    communicator = ws_communicator("/ws/community/")
    await communicator.connect()

    assert await ws_close_code(communicator) == consumers.CLOSE_UNAUTHENTICATED


async def test_neighbor_on_dispatch_closes_with_4403(world):
    (token,) = await tokens(world, world.member)
    communicator = ws_communicator("/ws/dispatch/", token=token)
    await communicator.connect()

    assert await ws_close_code(communicator) == consumers.CLOSE_FORBIDDEN


async def test_someone_elses_alert_closes_with_4403(world):
    # Given an alert by the reporter
    alert_id = await new_alert(world.reporter)
    (token,) = await tokens(world, world.member)

    # When another neighbor opens its stream
    communicator = ws_communicator(f"/ws/alerts/{alert_id}/", token=token)
    await communicator.connect()

    # Then it is out of scope
    assert await ws_close_code(communicator) == consumers.CLOSE_FORBIDDEN


async def test_dispatch_sees_new_alert_in_scope_only(world):
    # Given consoles of both precincts
    mine_token, other_token = await tokens(world, world.dispatcher, world.other_dispatcher)
    mine, _ = await ws_open("/ws/dispatch/", token=mine_token)
    other, _ = await ws_open("/ws/dispatch/", token=other_token)

    # When an alert is raised in the first precinct
    alert_id = await new_alert(world.reporter, column=0)

    # Then its console gets the full view, and the other console nothing
    frame = await mine.receive_json_from(timeout=5)
    assert frame["type"] == EventType.ALERT_CREATED
    assert frame["id"] == (await event_ids(alert_id=alert_id))[0]
    assert frame["alert"]["id"] == alert_id
    assert frame["alert"]["description"] == "Two men, one car"
    assert frame["alert"]["reporter"]["phone"] == "+56911112222"
    assert await other.receive_nothing(timeout=0.5)
    await mine.disconnect()
    await other.disconnect()


async def test_agency_operator_gets_only_their_agency(world):
    # Given a firefighter's console on the first precinct
    (token,) = await tokens(world, world.firefighter)
    console, _ = await ws_open("/ws/dispatch/", token=token)

    # When a robbery and then a fire are reported there
    await new_alert(world.reporter, category="robbery_in_progress")
    fire_id = await new_alert(world.reporter, category="fire")

    # Then only the fire reaches the firefighter
    frame = await console.receive_json_from(timeout=5)
    assert (frame["type"], frame["alert"]["id"], frame["alert"]["agency"]) == ("alert.created", fire_id, "bomberos")
    assert await console.receive_nothing(timeout=0.5)
    await console.disconnect()


async def test_community_gets_redacted_alert_only_in_zone(world):
    # Given a member whose zone covers the first precinct's centre, and one whose zone does not
    member_token, outsider_token = await tokens(world, world.member, world.outsider)
    member, _ = await ws_open("/ws/community/", token=member_token)
    outsider, _ = await ws_open("/ws/community/", token=outsider_token)

    # When an alert is raised and dispatch acknowledges it
    alert_id = await new_alert(world.reporter, column=0)
    await step(alert_id, world.dispatcher, AlertStatus.ACKNOWLEDGED)

    # Then the member sees both, redacted, and the outsider nothing
    created, acknowledged = await ws_frames(member, 2)
    assert (created["type"], acknowledged["type"]) == ("alert.created", "alert.step_added")
    for frame in (created, acknowledged):
        view = frame["alert"]
        assert [name for name in FORBIDDEN_COMMUNITY_FIELDS if name in view] == []
        assert all(set(step) == {"status", "created_at"} for step in view["steps"])
        lat, lon = cell_center(0)
        assert (view["location"]["lat"], view["location"]["lon"]) != (lat, lon)
    assert acknowledged["step"] == {"status": "acknowledged", "created_at": acknowledged["step"]["created_at"]}
    assert "actor" not in str(acknowledged)
    assert "Calling the neighbor" not in str(acknowledged)
    assert await outsider.receive_nothing(timeout=0.5)
    await member.disconnect()
    await outsider.disconnect()


async def test_community_event_reaches_every_socket_of_a_member_once(world):
    # Given a member with two sockets open (phone and laptop), and one that closed again
    (member_token,) = await tokens(world, world.member)
    phone, _ = await ws_open("/ws/community/", token=member_token)
    laptop, _ = await ws_open("/ws/community/", token=member_token)
    closed, _ = await ws_open("/ws/community/", token=member_token)
    await closed.disconnect()

    # When an alert is raised in the member's zone
    alert_id = await new_alert(world.reporter, column=0)

    # Then each open socket gets it exactly once
    for socket in (phone, laptop):
        (frame,) = await ws_frames(socket, 1)
        assert (frame["type"], frame["alert"]["id"]) == ("alert.created", alert_id)
        assert await socket.receive_nothing(timeout=0.3)
        await socket.disconnect()


async def test_reporter_follows_their_alert(world):
    # Given a reporter on their alert's stream
    alert_id = await new_alert(world.reporter)
    (token,) = await tokens(world, world.reporter)
    communicator, hello = await ws_open(f"/ws/alerts/{alert_id}/", token=token)
    assert hello["stream"] == "alert"

    # When dispatch takes two steps
    await step(alert_id, world.dispatcher, AlertStatus.ACKNOWLEDGED)
    await step(alert_id, world.dispatcher, AlertStatus.CONTACTED, note="We called you")

    # Then the reporter sees both, with dispatch's note
    first, second = await ws_frames(communicator, 2)
    assert [first["step"]["status"], second["step"]["status"]] == ["acknowledged", "contacted"]
    assert second["step"]["note"] == "We called you"
    await communicator.disconnect()


async def test_resume_after_disconnect_replays_missed_events_in_order(world):
    # Given a console that saw one event and dropped
    (token,) = await tokens(world, world.dispatcher)
    console, _ = await ws_open("/ws/dispatch/", token=token)
    first_alert = await new_alert(world.reporter)
    seen = await console.receive_json_from(timeout=5)
    await console.disconnect()

    # When events happen while it is away (one in another precinct)
    await step(first_alert, world.dispatcher, AlertStatus.ACKNOWLEDGED)
    second_alert = await new_alert(world.reporter)
    await new_alert(world.reporter, column=1)
    await step(second_alert, world.dispatcher, AlertStatus.ACKNOWLEDGED)

    # Then reconnecting with the last id replays exactly the missed events of its precinct, in order
    console, hello = await ws_open("/ws/dispatch/", token=token, last_event_id=seen["id"])
    assert hello == {"type": "hello", "stream": "dispatch", "resumed_from": seen["id"], "full_resync": False,
                     "after_id": seen["id"]}  # fmt: skip
    expected = await event_ids(id__gt=seen["id"], precinct_id=world.precinct_ids[0])
    replayed = await ws_frames(console, len(expected))
    assert [frame["id"] for frame in replayed] == expected
    assert len(expected) == 3

    # And live events follow, once each
    live_alert = await new_alert(world.reporter)
    live = await console.receive_json_from(timeout=5)
    assert (live["type"], live["alert"]["id"]) == ("alert.created", live_alert)
    assert await console.receive_nothing(timeout=0.5)
    await console.disconnect()


async def test_unknown_resume_id_resyncs_from_the_oldest_event(world):
    # Given events in the log
    alert_id = await new_alert(world.reporter)
    await step(alert_id, world.dispatcher, AlertStatus.ACKNOWLEDGED)
    (token,) = await tokens(world, world.dispatcher)

    # When a console resumes from an id the log never had
    console, hello = await ws_open("/ws/dispatch/", token=token, last_event_id=10**12)

    # Then it is told to resync and gets everything retained for its stream
    assert hello["full_resync"] is True
    expected = await event_ids(precinct_id=world.precinct_ids[0])
    assert [frame["id"] for frame in await ws_frames(console, len(expected))] == expected
    assert await console.receive_nothing(timeout=0.3)
    await console.disconnect()


async def test_malformed_messages_get_error_frames_and_the_socket_stays_up(world):
    (token,) = await tokens(world, world.member)
    communicator, _ = await ws_open("/ws/community/", token=token)

    await communicator.send_to(text_data="{not json")
    await communicator.send_to(text_data="[1, 2]")
    await communicator.send_json_to({"type": "dance"})
    await communicator.send_json_to({"type": "resume", "last_event_id": "yesterday"})
    errors = await ws_frames(communicator, 4)
    assert [frame["code"] for frame in errors] == ["malformed", "malformed", "unknown_type", "invalid_resume_id"]
    assert errors[0]["message"] == consumers.ERROR_MALFORMED

    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from(timeout=5) == {"type": "pong"}
    await communicator.disconnect()


async def test_resume_message_replays_after_the_given_id(world):
    # Given a console that has seen two events
    (token,) = await tokens(world, world.dispatcher)
    console, _ = await ws_open("/ws/dispatch/", token=token)
    alert_id = await new_alert(world.reporter)
    await step(alert_id, world.dispatcher, AlertStatus.ACKNOWLEDGED)
    first, second = await ws_frames(console, 2)

    # When the client asks to resume after the first
    await console.send_json_to({"type": "resume", "last_event_id": first["id"]})

    # Then it gets the second again, and nothing else
    resumed, replayed = await ws_frames(console, 2)
    assert resumed == {"type": "resumed", "stream": "dispatch", "resumed_from": first["id"], "full_resync": False,
                       "after_id": first["id"]}  # fmt: skip
    assert replayed == second
    assert await console.receive_nothing(timeout=0.3)
    await console.disconnect()


async def deliver(event: Event) -> None:
    """Send one logged event's group messages by hand, as the (paused) relay would."""
    await broadcasts.sends_deliver(await database_sync_to_async(broadcasts.event_sends)(event))


@database_sync_to_async
def logged(count: int) -> list[Event]:
    return list(Event.objects.order_by("-id")[:count])[::-1]


async def test_out_of_order_broadcasts_are_delivered_in_id_order_once(world, relay_paused):
    # Given deliveries held back, as when a relay's sends reach Redis out of order
    (token,) = await tokens(world, world.dispatcher)
    console, _ = await ws_open("/ws/dispatch/", token=token)
    first_alert = await new_alert(world.reporter)
    second_alert = await new_alert(world.reporter)
    held = await logged(2)

    # When the newer event's broadcast arrives first, then the older one's
    await deliver(held[1])
    await deliver(held[0])

    # Then the console still gets them in id order, each once
    frames = await ws_frames(console, 2)
    assert [frame["alert"]["id"] for frame in frames] == [first_alert, second_alert]
    assert [frame["id"] for frame in frames] == [event.id for event in held]
    assert await console.receive_nothing(timeout=0.5)
    await console.disconnect()


async def test_community_socket_never_skips_a_lost_broadcast_for_its_zone(world, relay_paused):
    # Given a member's socket, and three alerts: in the zone, elsewhere, in the zone again
    (token,) = await tokens(world, world.member)
    member, _ = await ws_open("/ws/community/", token=token)
    in_zone = await new_alert(world.reporter, column=0)
    await new_alert(world.reporter, column=1)
    in_zone_again = await new_alert(world.reporter, column=0)
    held = await logged(3)

    # When only the last two broadcasts get through (the first one is lost)
    for event in held[1:]:
        await deliver(event)

    # Then the socket fetches the lost one from the log before the live one, and skips the other zone's
    frames = await ws_frames(member, 2)
    assert [frame["alert"]["id"] for frame in frames] == [in_zone, in_zone_again]
    assert [frame["id"] for frame in frames] == [held[0].id, held[2].id]
    assert await member.receive_nothing(timeout=0.5)
    await member.disconnect()


async def test_events_committed_during_the_replay_are_not_lost_or_repeated(world):
    # Given a console resuming from the start of a busy log
    (token,) = await tokens(world, world.dispatcher)
    for _ in range(3):
        await new_alert(world.reporter)
    start = (await event_ids())[0] - 1

    # When alerts keep arriving while it connects and replays (from other neighbors: one may send 5 a minute)
    others = await database_sync_to_async(lambda: [UserFactory(role=Role.NEIGHBOR) for _ in range(5)])()

    async def keep_alerting():
        for reporter in others:
            await new_alert(reporter)
            await asyncio.sleep(0.01)

    alerting = asyncio.create_task(keep_alerting())
    console, hello = await ws_open("/ws/dispatch/", token=token, last_event_id=start)
    await alerting

    # Then every event arrives exactly once, in id order
    expected = await event_ids(precinct_id=world.precinct_ids[0])
    assert len(expected) == 8
    assert [frame["id"] for frame in await ws_frames(console, len(expected))] == expected
    assert await console.receive_nothing(timeout=0.5)
    await console.disconnect()


async def test_a_socket_dropped_before_its_first_event_resumes_from_its_hello(world):
    # Given a console that connected, heard nothing yet, and lost its socket
    (token,) = await tokens(world, world.dispatcher)
    console, hello = await ws_open("/ws/dispatch/", token=token)
    await console.disconnect()

    # When alerts come in while it is away, and it reconnects from its hello's after_id
    missed = [await new_alert(reporter) for reporter in await database_sync_to_async(
        lambda: [UserFactory(role=Role.NEIGHBOR) for _ in range(2)])()]  # fmt: skip
    console, resumed = await ws_open("/ws/dispatch/", token=token, last_event_id=hello["after_id"])

    # Then it gets exactly what it missed
    assert resumed["full_resync"] is False
    assert [frame["alert"]["id"] for frame in await ws_frames(console, 2)] == missed
    assert await console.receive_nothing(timeout=0.5)
    await console.disconnect()


async def test_error_frames_speak_the_users_language_unless_the_handshake_names_one(world):
    # Given a member who reads English
    await database_sync_to_async(User.objects.filter(id=world.member.id).update)(language="en")
    (token,) = await tokens(world, world.member)
    english, _ = await ws_open("/ws/community/", token=token)
    spanish, _ = await ws_open(
        "/ws/community/", token=token, headers=[*WS_HEADERS, (b"accept-language", b"es-CL,es;q=0.9")]
    )

    # When each socket sends a message of a type we do not know
    await english.send_json_to({"type": "dance"})
    await spanish.send_json_to({"type": "dance"})

    # Then the errors come in their language; the code stays the same machine word
    assert await english.receive_json_from(timeout=5) == {
        "type": "error",
        "code": "unknown_type",
        "message": "Unknown message type 'dance'; expected ping, resume or auth.",
    }
    assert await spanish.receive_json_from(timeout=5) == {
        "type": "error",
        "code": "unknown_type",
        "message": "No conocemos el tipo de mensaje 'dance'. Usa ping, resume o auth.",
    }
    await english.disconnect()
    await spanish.disconnect()
