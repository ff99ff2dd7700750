"""Websocket consumers: the live dispatch feed, the community feed, and a reporter's own alert.

Protocol
========

Connect to one of::

    /ws/dispatch/          dispatchers, agency operators (their agency only), administrators: full detail
    /ws/community/         any signed-in member: redacted events whose area meets one of their zones
    /ws/alerts/<id>/       the alert's reporter: that alert's full timeline

Authenticate with ``?ticket=<ticket>`` (single use, from ``POST /api/accounts/ws-ticket/``), the subprotocols
``["vigia.token", "<API token>"]`` (answered with ``vigia.token``), a session cookie (our pages, with their
Origin), or a first message ``{"type": "auth", "token": "..."}`` or ``{"type": "auth", "ticket": "..."}`` sent
within ``AUTH_TIMEOUT_SECONDS`` (``accounts.websocket_auth`` has the rules). ``?token=`` is refused. Add
``?last_event_id=N`` to resume after the last event seen.

Server to client, in this order:

1. ``{"type": "hello", "stream": "dispatch"|"community"|"alert", "resumed_from": N|null, "full_resync": bool,
   "after_id": M}`` (M: the id the stream continues after; resume from it if the socket drops before any event)
2. the replayed events (ids above N; none for a fresh connection, which starts "from now"),
3. live events.

An event frame is the log's envelope ``{"id", "type", "created_at", ...payload}`` (shapes in
``incidents/events.py`` and ``messaging/events.py``). On one socket ids strictly increase and no id is
sent twice. ``full_resync: true`` means N was unknown or already pruned: the client should drop what it
holds, because the replay starts at the oldest retained event.

Client to server:

* ``{"type": "ping"}``                      answered with ``{"type": "pong"}``
* ``{"type": "resume", "last_event_id": N}`` answered with ``{"type": "resumed", ...}`` (as hello) and a replay
* ``{"type": "auth", "token"|"ticket": "..."}``  only before authenticating

Anything else gets ``{"type": "error", "code", "message"}`` and the socket stays open; the message is in the
handshake's ``Accept-Language``, else in the user's language (``accounts.language``). Close codes:
4401 unauthenticated, 4403 out of scope. Idle sockets are kept alive by the ASGI server's protocol
pings (uvicorn ``--ws-ping-interval``, daphne ``--ping-interval``; 20 s by default).

Ordering: a socket joins its groups *before* reading the log. Consumers handle one message at a time,
so live events that arrive during a replay wait in the channel layer and are then sent only if their
id is newer than the last one sent. A live event that skips ids is checked against the log first
(``live.EventWindow``), so an out-of-order or dropped broadcast never becomes a silent gap. Community
events come from the process's ``live.CommunityHub``, which sends straight to an idle socket when the
window shows nothing for it in between (``send_live``), and queues the event otherwise.
"""

import asyncio
import bisect
import json
import logging
from urllib.parse import parse_qs

from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy
from redis.exceptions import RedisError

from backend.accounts.language import api_language
from backend.accounts.websocket_auth import (
    SCOPE_ACCEPT_SUBPROTOCOL,
    SCOPE_CREDENTIALS_PRESENTED,
    user_for_ticket,
    user_for_token,
)
from backend.common.asyncdb import database_read

from . import replay
from .live import LAYER_RETRY_MAX_SECONDS, LAYER_RETRY_MIN_SECONDS, community_hub, event_window, layer_watchdog
from .replay import EventMeta

logger = logging.getLogger(__name__)

AUTH_TIMEOUT_SECONDS = 5.0
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
# 1012 "service restart": the client should reconnect and resume.
CLOSE_RECONNECT = 1012

ERROR_MALFORMED = gettext_lazy("Each message must be a JSON object with a string 'type'.")
ERROR_UNKNOWN_TYPE = gettext_lazy("Unknown message type {type!r}; expected ping, resume or auth.")
ERROR_INVALID_RESUME_ID = gettext_lazy("last_event_id must be a non-negative integer.")
ERROR_ALREADY_AUTHENTICATED = gettext_lazy("This socket is already authenticated.")


def parse_event_id(value) -> int | None:
    """A resume id from the query string or a message, or None when it is not a non-negative integer."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.isdigit():
        return int(value)
    if isinstance(value, int) and value >= 0:
        return value
    return None


class EventStreamConsumer(AsyncJsonWebsocketConsumer):
    """One socket's ordered, gap-free view of the event log; subclasses say who may connect to what."""

    stream_kind = ""
    is_handling = False

    def authorize(self, user) -> tuple[replay.Stream, list[str]] | None:
        raise NotImplementedError

    # Channels' __call__ assigns channel_receive and hands it to its dispatch loop. Wrapping it here
    # keeps a Redis outage from killing the socket, and lets the watchdog hand us notices in-process
    # (through ``notify``), so they are handled in turn with the layer's messages.
    @property
    def channel_receive(self):
        return self._resilient_channel_receive

    @channel_receive.setter
    def channel_receive(self, raw_receive) -> None:
        self._raw_channel_receive = raw_receive
        self._notices: asyncio.Queue = asyncio.Queue()
        self._pending_receive: asyncio.Future | None = None

    def notify(self, message: dict) -> None:
        self._notices.put_nowait(message)

    async def _resilient_channel_receive(self) -> dict:
        delay = LAYER_RETRY_MIN_SECONDS
        notice: asyncio.Future | None = None
        try:
            while True:
                if not self._notices.empty():
                    return self._notices.get_nowait()
                if self._pending_receive is None:
                    self._pending_receive = asyncio.ensure_future(self._raw_channel_receive())
                notice = asyncio.ensure_future(self._notices.get())
                done, _ = await asyncio.wait({self._pending_receive, notice}, return_when=asyncio.FIRST_COMPLETED)
                if notice in done:
                    return notice.result()  # the layer receive stays pending for the next call
                notice.cancel()
                received, self._pending_receive = self._pending_receive, None
                try:
                    return received.result()
                except (RedisError, OSError):
                    logger.debug("Channel layer unreachable for %s; retrying in %.1f s.", self.channel_name, delay)
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, LAYER_RETRY_MAX_SECONDS)
        except asyncio.CancelledError:
            for future in (notice, self._pending_receive):
                if future is not None:
                    future.cancel()
            raise

    async def dispatch(self, message: dict) -> None:
        # Channels' own dispatch first closes stale database connections by hopping to the one thread that
        # sync views share, for every message: under load each live event queued behind HTTP requests. Our
        # handlers reach the database only through database_read, which does that cleanup itself.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        self.is_handling = True
        try:
            await handler(message)
        finally:
            self.is_handling = False

    # Connection lifecycle

    async def connect(self) -> None:
        self.stream: replay.Stream | None = None
        self.groups_joined: list[str] = []
        self.zones: list = []
        self.last_sent_id = 0
        self.auth_deadline: asyncio.Task | None = None
        self.language = settings.LANGUAGE_CODE
        # Close codes need an accepted socket; closing before accept is an HTTP 403 without a code.
        await self.accept(subprotocol=self.scope.get(SCOPE_ACCEPT_SUBPROTOCOL))
        user = self.scope.get("user")
        if user is not None and user.is_authenticated:
            await self._start(user)
        elif self.scope.get(SCOPE_CREDENTIALS_PRESENTED):
            await self.close(code=CLOSE_UNAUTHENTICATED)
        else:
            self.auth_deadline = asyncio.create_task(self._close_unless_authenticated())

    async def disconnect(self, code: int) -> None:
        if self.auth_deadline is not None:
            self.auth_deadline.cancel()
        layer_watchdog(self.channel_layer_alias).unregister(self)
        if self.stream is not None and self.stream.kind == replay.STREAM_COMMUNITY:
            await community_hub(self.channel_layer_alias).unregister(self.stream.member_id, self)
        for group in self.groups_joined:
            try:
                await self.channel_layer.group_discard(group, self.channel_name)
            except (RedisError, OSError):
                pass  # Redis is down; the group entry expires on its own.

    async def _close_unless_authenticated(self) -> None:
        await asyncio.sleep(AUTH_TIMEOUT_SECONDS)
        if self.stream is None:
            await self.close(code=CLOSE_UNAUTHENTICATED)

    async def _start(self, user) -> None:
        authorized = await database_read(self.authorize)(user)
        if authorized is None:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        headers = dict(self.scope.get("headers") or [])
        self.language = api_language(accept_language=headers.get(b"accept-language", b"").decode("latin1"), user=user)
        self.stream, groups = authorized
        # Groups first, log second: anything committed meanwhile is queued for us, then deduplicated by id.
        if self.stream.kind == replay.STREAM_COMMUNITY:
            self.zones = await database_read(replay.member_zone_shapes)(member_id=user.id)
            await community_hub(self.channel_layer_alias).register(user.id, self)
        for group in groups:
            await self.channel_layer.group_add(group, self.channel_name)
        self.groups_joined = groups
        layer_watchdog(self.channel_layer_alias).register(self)
        raw_resume_id = self._query("last_event_id")
        resume_id = None if raw_resume_id is None else parse_event_id(raw_resume_id)
        if raw_resume_id is not None and resume_id is None:
            await self._send_error("invalid_resume_id", ERROR_INVALID_RESUME_ID)
            resume_id = -1  # unknown: resync fully rather than guess
        await self._resume(resume_id, frame_type="hello")

    def _query(self, name: str) -> str | None:
        values = parse_qs(self.scope.get("query_string", b"").decode()).get(name)
        return values[0] if values else None

    # Client messages

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs) -> None:
        try:
            content = json.loads(text_data) if text_data is not None else None
        except ValueError:
            content = None
        if not isinstance(content, dict) or not isinstance(content.get("type"), str):
            if self.stream is None and self.auth_deadline is not None:
                await self.close(code=CLOSE_UNAUTHENTICATED)
            else:
                await self._send_error("malformed", ERROR_MALFORMED)
            return
        await self.receive_json(content)

    async def receive_json(self, content: dict, **kwargs) -> None:
        message_type = content["type"]
        if self.stream is None:
            await self._authenticate(content)
        elif message_type == "ping":
            await self.send_json({"type": "pong"})
        elif message_type == "resume":
            resume_id = parse_event_id(content.get("last_event_id"))
            if resume_id is None:
                await self._send_error("invalid_resume_id", ERROR_INVALID_RESUME_ID)
            else:
                await self._resume(resume_id, frame_type="resumed")
        elif message_type == "auth":
            await self._send_error("already_authenticated", ERROR_ALREADY_AUTHENTICATED)
        else:
            await self._send_error("unknown_type", ERROR_UNKNOWN_TYPE, type=message_type[:40])

    async def _authenticate(self, content: dict) -> None:
        if self.auth_deadline is None:
            return  # closing already (out of scope or a bad token)
        token, ticket = content.get("token"), content.get("ticket")
        user = None
        if content["type"] == "auth" and isinstance(token, str):
            user = await user_for_token(token)
        elif content["type"] == "auth" and isinstance(ticket, str):
            user = await user_for_ticket(ticket)
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.auth_deadline.cancel()
        self.auth_deadline = None
        await self._start(user)

    async def _send_error(self, code: str, message: str, **values) -> None:
        with translation.override(self.language):
            text = str(message).format(**values) if values else str(message)
        await self.send_json({"type": "error", "code": code, "message": text})

    # Delivery

    async def _resume(self, resume_id: int | None, *, frame_type: str) -> None:
        plan = await database_read(replay.resume_plan)(last_event_id=resume_id)
        await self.send_json(
            {
                "type": frame_type,
                "stream": self.stream.kind,
                "resumed_from": resume_id if resume_id is None or resume_id >= 0 else None,
                "full_resync": plan.is_full_resync,
                # What the stream continues after: a client whose socket drops before any event arrives resumes
                # from here, and misses nothing that committed in between.
                "after_id": plan.after_id,
            }
        )
        self.last_sent_id = plan.after_id
        if plan.is_replay:
            await self._replay()

    async def _replay(self, *, before_id: int | None = None) -> None:
        """Send the stream's logged events after the last one sent (and below ``before_id``), page by page."""
        while True:
            envelopes = await database_read(replay.stream_events)(
                self.stream, after_id=self.last_sent_id, before_id=before_id, limit=replay.REPLAY_BATCH_SIZE
            )
            for envelope in envelopes:
                await self._send_event(envelope)
            if len(envelopes) < replay.REPLAY_BATCH_SIZE:
                return

    async def _send_event(self, envelope: dict, *, text: str | None = None) -> None:
        await self.send(text_data=text if text is not None else json.dumps(envelope))
        self.last_sent_id = envelope["id"]

    async def event_deliver(self, message: dict) -> None:
        """A live event from ``broadcasts``; the log decides whether anything before it was missed."""
        if self.stream is None or not self.stream.accepts_agency(message.get("agency", "")):
            return
        envelope = message["event"]
        event_id = envelope["id"]
        if event_id <= self.last_sent_id:
            return
        if event_id > self.last_sent_id + 1:
            skipped = await event_window().between(after_id=self.last_sent_id, before_id=event_id)
            if self._may_have_missed(skipped):
                await self._replay(before_id=event_id)
        await self._send_event(envelope, text=message.get("text"))

    async def send_live(self, event_id: int, text: str, *, earlier: list[EventMeta] | None) -> bool:
        """The community hub's fast path: send a live event now, without a trip through this socket's queue.

        Only when that cannot reorder anything: the socket is idle with nothing queued, and none of the events
        between the last one sent and this one (``earlier``: the window's metas before ``event_id``, None if
        unknown) is for this stream. Returns False when the event must be queued instead, via ``notify``.
        """
        if self.stream is None or self.is_handling or not self._notices.empty():
            return False
        if event_id <= self.last_sent_id:
            return True
        if event_id > self.last_sent_id + 1:
            start = 0 if earlier is None else bisect.bisect_right(earlier, self.last_sent_id, key=lambda m: m.id)
            if self._may_have_missed(None if earlier is None else earlier[start:]):
                return False
        self.last_sent_id = event_id
        try:
            await self.send(text_data=text)
        except Exception:  # the client went away; it resumes from its last id when it returns
            logger.debug("Live send to %s failed.", self.channel_name, exc_info=True)
        return True

    def _may_have_missed(self, skipped: list[EventMeta] | None) -> bool:
        """Whether ids skipped since the last event sent (None: unknown) may hold one for this stream."""
        return skipped is None or any(self.stream.matches(meta, self.zones) for meta in skipped)

    async def layer_recovered(self, message: dict) -> None:
        """Redis restarted or was unreachable: groups may be gone and broadcasts lost."""
        if self.stream is None:
            return
        if not await self._rejoin_groups():
            return
        await self._replay()

    async def groups_refresh(self, message: dict) -> None:
        if self.stream is not None:
            await self._rejoin_groups()

    async def _rejoin_groups(self) -> bool:
        try:
            for group in self.groups_joined:
                await self.channel_layer.group_add(group, self.channel_name)
        except (RedisError, OSError):
            logger.warning("Could not rejoin groups of %s; asking the client to reconnect.", self.channel_name)
            await self.close(code=CLOSE_RECONNECT)
            return False
        return True


class DispatchConsumer(EventStreamConsumer):
    """The live feed of a dispatch console: full detail for the precincts (and agency) in scope."""

    def authorize(self, user):
        return replay.dispatch_stream_for(user)


class CommunityConsumer(EventStreamConsumer):
    """A member's feed: redacted alerts and mass messages in their zones."""

    def authorize(self, user):
        return replay.community_stream_for(user)


class ReporterAlertConsumer(EventStreamConsumer):
    """A reporter following their own alert's timeline."""

    def authorize(self, user):
        return replay.alert_stream_for(user, alert_id=self.scope["url_route"]["kwargs"]["alert_id"])
