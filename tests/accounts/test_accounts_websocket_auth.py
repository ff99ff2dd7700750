"""Who may open a websocket, through the project's whole ASGI application: Origin, tickets, tokens, cookies."""

import asyncio
import datetime as dt
import json

import pytest
from channels.db import database_sync_to_async
from django.conf import settings
from django.test import Client
from django.utils import timezone

from backend.accounts.models import AuthToken, Role, User, WebsocketTicket
from backend.accounts.services import token_revoke_all, user_password_set, websocket_ticket_issue
from backend.alerts.realtime import consumers
from tests.factories import UserFactory, api_token, staff_user
from tests.factories.geo import PrecinctFactory
from tests.plugins.realtime import WS_HEADERS, ws_communicator

pytestmark = pytest.mark.django_db(transaction=True)

NO_ORIGIN: list[tuple[bytes, bytes]] = []
HELLO = {"type": "hello", "stream": "dispatch", "resumed_from": None, "full_resync": False}
# ``after_id`` depends on the log at connect time; these tests are about who gets in.
HELLO_KEYS = {*HELLO, "after_id"}


@pytest.fixture
def dispatcher() -> User:
    return staff_user(Role.DISPATCHER, [PrecinctFactory(column=0)])


@database_sync_to_async
def token_for(user: User) -> str:
    return api_token(user)


@database_sync_to_async
def ticket_for(user: User) -> str:
    return websocket_ticket_issue(user=user).ticket


@database_sync_to_async
def session_cookie(user: User) -> bytes:
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode()


async def hello_or_close(communicator) -> dict | int | None:
    """The first thing the server says: the hello frame, or the close code."""
    output = await communicator.receive_output(timeout=10)
    if output["type"] == "websocket.close":
        return output.get("code")
    await communicator.disconnect()
    frame = json.loads(output["text"])
    assert set(frame) == HELLO_KEYS, frame
    return {key: value for key, value in frame.items() if key != "after_id"}


async def test_a_native_app_without_origin_opens_a_socket_with_its_token_in_the_subprotocol(dispatcher):
    # Given an app's token, sent as the subprotocols ["vigia.token", token] and no Origin header
    communicator = ws_communicator("/ws/dispatch/", token=await token_for(dispatcher), headers=NO_ORIGIN)

    # When it connects
    connected, subprotocol = await communicator.connect()

    # Then the server agrees to vigia.token (never echoing the token) and the stream starts
    assert (connected, subprotocol) == (True, "vigia.token")
    assert await hello_or_close(communicator) == HELLO


async def test_a_native_app_without_origin_opens_a_socket_with_a_ticket(dispatcher):
    communicator = ws_communicator("/ws/dispatch/", ticket=await ticket_for(dispatcher), headers=NO_ORIGIN)
    connected, subprotocol = await communicator.connect()

    assert (connected, subprotocol) == (True, None)
    assert await hello_or_close(communicator) == HELLO
    assert not await database_sync_to_async(WebsocketTicket.objects.exists)()


async def test_a_native_app_without_origin_may_authenticate_with_its_first_message(dispatcher):
    token = await token_for(dispatcher)
    communicator = ws_communicator("/ws/dispatch/", headers=NO_ORIGIN)
    await communicator.connect()

    await communicator.send_json_to({"type": "auth", "token": token})

    assert await hello_or_close(communicator) == HELLO


async def test_a_first_message_may_carry_a_ticket_once(dispatcher):
    ticket = await ticket_for(dispatcher)
    first, second = ws_communicator("/ws/dispatch/"), ws_communicator("/ws/dispatch/")
    await first.connect()
    await second.connect()

    await first.send_json_to({"type": "auth", "ticket": ticket})
    assert await hello_or_close(first) == HELLO
    await second.send_json_to({"type": "auth", "ticket": ticket})
    assert await hello_or_close(second) == consumers.CLOSE_UNAUTHENTICATED


async def test_a_session_cookie_without_origin_is_ignored(dispatcher):
    # Given a valid session cookie, but no Origin header: not a page of ours
    cookie = await session_cookie(dispatcher)
    communicator = ws_communicator("/ws/dispatch/", headers=[(b"cookie", cookie)])
    await communicator.connect()

    # When it sends anything but an auth message, it is closed as unauthenticated
    await communicator.send_json_to({"type": "ping"})
    assert await hello_or_close(communicator) == consumers.CLOSE_UNAUTHENTICATED


async def test_a_page_of_ours_opens_a_socket_with_its_session_cookie(dispatcher):
    cookie = await session_cookie(dispatcher)
    communicator = ws_communicator("/ws/dispatch/", headers=[*WS_HEADERS, (b"cookie", cookie)])
    await communicator.connect()

    assert await hello_or_close(communicator) == HELLO


@pytest.mark.parametrize("origin", [b"http://evil.example", b"null", b"http://testserver.evil.example", b"file://"])
@pytest.mark.parametrize("credential", ["cookie", "token", "ticket"])
async def test_a_foreign_origin_is_refused_at_the_handshake_whatever_it_carries(dispatcher, origin, credential):
    headers = [(b"origin", origin)]
    token = ticket = None
    if credential == "cookie":
        headers.append((b"cookie", await session_cookie(dispatcher)))
    elif credential == "token":
        token = await token_for(dispatcher)
    else:
        ticket = await ticket_for(dispatcher)
    communicator = ws_communicator("/ws/dispatch/", token=token, ticket=ticket, headers=headers)

    connected, _ = await communicator.connect()

    # A close before accept: the server answers the handshake with HTTP 403 (see test_accounts_real_server.py)
    assert connected is False
    if ticket:
        assert await database_sync_to_async(WebsocketTicket.objects.count)() == 1  # refused before it was used


async def test_a_token_in_the_query_string_is_no_longer_accepted(dispatcher):
    token = await token_for(dispatcher)
    communicator = ws_communicator("/ws/dispatch/", query={"token": token})
    await communicator.connect()

    assert await hello_or_close(communicator) == consumers.CLOSE_UNAUTHENTICATED


async def test_a_bad_query_token_is_not_rescued_by_a_session_cookie(dispatcher):
    cookie = await session_cookie(dispatcher)
    communicator = ws_communicator("/ws/dispatch/", query={"token": "x"}, headers=[*WS_HEADERS, (b"cookie", cookie)])
    await communicator.connect()

    assert await hello_or_close(communicator) == consumers.CLOSE_UNAUTHENTICATED


async def test_a_ticket_opens_one_socket_only(dispatcher):
    ticket = await ticket_for(dispatcher)
    first = ws_communicator("/ws/dispatch/", ticket=ticket)
    await first.connect()
    assert await hello_or_close(first) == HELLO

    again = ws_communicator("/ws/dispatch/", ticket=ticket)
    await again.connect()
    assert await hello_or_close(again) == consumers.CLOSE_UNAUTHENTICATED


async def test_two_sockets_racing_with_one_ticket_open_exactly_one(dispatcher):
    ticket = await ticket_for(dispatcher)
    sockets = [ws_communicator("/ws/dispatch/", ticket=ticket) for _ in range(4)]

    await asyncio.gather(*(socket.connect() for socket in sockets))
    results = await asyncio.gather(*(hello_or_close(socket) for socket in sockets))

    assert sorted(results, key=str) == [4401, 4401, 4401, HELLO]


@database_sync_to_async
def expire_tickets() -> None:
    WebsocketTicket.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))


async def test_an_expired_ticket_is_refused_and_consumed(dispatcher):
    ticket = await ticket_for(dispatcher)
    await expire_tickets()

    communicator = ws_communicator("/ws/dispatch/", ticket=ticket)
    await communicator.connect()

    assert await hello_or_close(communicator) == consumers.CLOSE_UNAUTHENTICATED
    assert not await database_sync_to_async(WebsocketTicket.objects.exists)()


@pytest.mark.parametrize("ticket", ["made-up", "", "x" * 500])
async def test_a_made_up_ticket_is_refused(dispatcher, ticket):
    communicator = ws_communicator("/ws/dispatch/", query={"ticket": ticket})
    await communicator.connect()

    assert await hello_or_close(communicator) == consumers.CLOSE_UNAUTHENTICATED


@database_sync_to_async
def deactivate(user: User) -> None:
    User.objects.filter(pk=user.pk).update(is_active=False)


async def test_a_deactivated_users_ticket_and_token_are_refused(dispatcher):
    ticket, token = await ticket_for(dispatcher), await token_for(dispatcher)
    await deactivate(dispatcher)

    for communicator in (
        ws_communicator("/ws/dispatch/", ticket=ticket),
        ws_communicator("/ws/dispatch/", token=token),
    ):
        await communicator.connect()
        assert await hello_or_close(communicator) == consumers.CLOSE_UNAUTHENTICATED


@pytest.mark.parametrize("revoke", ["logout_all", "password_service", "password_elsewhere", "expired"])
async def test_a_revoked_or_expired_token_cannot_open_a_socket(dispatcher, revoke):
    token = await token_for(dispatcher)

    @database_sync_to_async
    def revoke_it() -> None:
        if revoke == "logout_all":
            token_revoke_all(user=dispatcher)
        elif revoke == "password_service":
            user_password_set(user=dispatcher, password="otra-clave-muy-larga-7")
        elif revoke == "password_elsewhere":
            dispatcher.set_password("otra-clave-muy-larga-7")
            dispatcher.save()
        else:
            AuthToken.objects.update(expiry=timezone.now() - dt.timedelta(seconds=1))

    await revoke_it()
    by_subprotocol = ws_communicator("/ws/dispatch/", token=token)
    await by_subprotocol.connect()
    assert await hello_or_close(by_subprotocol) == consumers.CLOSE_UNAUTHENTICATED

    by_message = ws_communicator("/ws/dispatch/")
    await by_message.connect()
    await by_message.send_json_to({"type": "auth", "token": token})
    assert await hello_or_close(by_message) == consumers.CLOSE_UNAUTHENTICATED


async def test_the_token_subprotocol_without_a_token_is_refused_with_4401():
    from channels.testing import WebsocketCommunicator

    from backend.config.asgi import application

    communicator = WebsocketCommunicator(application, "/ws/dispatch/", subprotocols=["vigia.token"])
    connected, subprotocol = await communicator.connect()

    assert (connected, subprotocol) == (True, "vigia.token")
    assert await hello_or_close(communicator) == consumers.CLOSE_UNAUTHENTICATED


async def test_a_ticket_still_carries_only_its_users_scope():
    neighbor = await database_sync_to_async(UserFactory)(role=Role.NEIGHBOR)
    communicator = ws_communicator("/ws/dispatch/", ticket=await ticket_for(neighbor), headers=NO_ORIGIN)
    await communicator.connect()

    assert await hello_or_close(communicator) == consumers.CLOSE_FORBIDDEN
