"""The outbox relay: the one process that delivers the event log to websockets and push.

Requests only write: an alert, its timeline step or a mass message commits together with its event row
(``events.py``), and that is all the request does. The relay tails the log in id order and does every
send: the channel-layer groups of ``broadcasts.py`` and the push jobs of ``notifications/tasks.py``. Because ids follow
commit order, "everything after the last id delivered" is always complete.

* **Waking.** Each event insert also issues ``NOTIFY vigia_events``, which PostgreSQL sends at commit; the
  relay LISTENs on its lease connection and also polls every ``RELAY_POLL_SECONDS`` in case a notification
  is missed (a reconnect, a proxy in between).
* **Sinks.** What a batch is delivered to is configuration, ``RELAY_SINKS``: the channel layer
  (``broadcasts.ChannelLayerSink``) and the push jobs (``notifications.sinks.PushSink``). Each gets the
  batch in turn, and the next batch waits until every sink took this one.
* **Progress.** After each batch the relay stores the last id it delivered in ``RelayCursor``. A crash
  between the sends and that write repeats the batch on restart: delivery is at least once, and sockets
  drop ids they have already seen. Redis or the Celery broker being down stops the batch and retries it
  with backoff; nothing is skipped, and pushes go out late rather than never.
* **One active relay per name.** Several may run for availability. Each holds a PostgreSQL *session*
  advisory lock (keyed by its cursor name) on its lease connection; the others try for it every
  ``RELAY_STANDBY_SECONDS``. A relay that dies (even by ``kill -9``) closes that connection, PostgreSQL
  frees the lock, and a standby takes over within about that interval, resuming from the stored cursor.
* **First start.** With no cursor stored yet the relay starts at the newest event: it does not replay the
  retained history (which would push old alerts again).
"""

import asyncio
import logging
from typing import Protocol

import psycopg
from channels.db import database_sync_to_async
from django import db
from django.conf import settings
from django.db.models import Max
from django.utils.module_loading import import_string

from ..models import Event, RelayCursor
from .events import EVENT_LOG_CHANNEL

logger = logging.getLogger(__name__)

RELAY_LEASE_KEY = 0x76696772  # "vigr"
RELAY_BATCH_SIZE = 500
DEFAULT_RELAY_NAME = "default"
RETRY_MIN_SECONDS = 0.1
RETRY_MAX_SECONDS = 5.0
# A database restart or network cut: the lease is lost with the connection, so start over and take it again.
DATABASE_GONE = (psycopg.OperationalError, db.OperationalError, db.InterfaceError)


def relay_conninfo() -> str:
    """A libpq connection string for the default database (the lease and LISTEN connection)."""
    database = settings.DATABASES["default"]
    return psycopg.conninfo.make_conninfo(
        dbname=database["NAME"],
        user=database.get("USER") or None,
        password=database.get("PASSWORD") or None,
        host=database.get("HOST") or None,
        port=str(database["PORT"]) if database.get("PORT") else None,
        application_name="vigia-relay",
    )


def cursor_load(*, name: str) -> int:
    cursor = RelayCursor.objects.filter(name=name).values_list("last_event_id", flat=True).first()
    if cursor is not None:
        return cursor
    newest = Event.objects.aggregate(newest=Max("id"))["newest"] or 0
    RelayCursor.objects.create(name=name, last_event_id=newest)
    return newest


def cursor_store(*, name: str, last_event_id: int) -> None:
    RelayCursor.objects.update_or_create(name=name, defaults={"last_event_id": last_event_id})


def events_after(*, after_id: int, limit: int = RELAY_BATCH_SIZE) -> list[Event]:
    return list(Event.objects.filter(id__gt=after_id).order_by("id")[:limit])


class Sink(Protocol):
    """Somewhere the relay delivers each batch; ``deliver`` raises while the destination cannot take it."""

    name: str

    async def deliver(self, events: list[Event]) -> None: ...


def relay_sinks() -> list[Sink]:
    return [import_string(path)() for path in settings.RELAY_SINKS]


class Relay:
    """Tails the event log and delivers it while it holds the lease; see the module docstring."""

    def __init__(
        self,
        *,
        name: str = DEFAULT_RELAY_NAME,
        poll_seconds: float | None = None,
        standby_seconds: float | None = None,
    ) -> None:
        self.name = name
        self.poll_seconds = settings.RELAY_POLL_SECONDS if poll_seconds is None else poll_seconds
        self.standby_seconds = settings.RELAY_STANDBY_SECONDS if standby_seconds is None else standby_seconds
        self.is_active = False
        self.last_event_id: int | None = None
        self.sinks = relay_sinks()

    async def run(self, stop: asyncio.Event) -> None:
        """Serve until ``stop`` is set, reconnecting and re-taking the lease whenever the database goes away."""
        while not stop.is_set():
            try:
                async with await psycopg.AsyncConnection.connect(relay_conninfo(), autocommit=True) as lease:
                    if await self._take_lease(lease, stop):
                        await self._serve(lease, stop)
            except DATABASE_GONE as error:
                if self.is_active:
                    logger.warning("Relay lost its database connection (%s); it will take the lease again.", error)
                # Connections of the ORM threads may be dead too (a database restart): start them afresh.
                await database_sync_to_async(db.connections.close_all)()
                await _sleep_unless(stop, self.standby_seconds)
            finally:
                self.is_active = False

    async def _take_lease(self, lease: psycopg.AsyncConnection, stop: asyncio.Event) -> bool:
        announced = False
        while not stop.is_set():
            result = await lease.execute("SELECT pg_try_advisory_lock(%s, hashtext(%s))", [RELAY_LEASE_KEY, self.name])
            if (await result.fetchone())[0]:
                return True
            if not announced:
                logger.info("Relay %s is on standby: another relay holds the lease.", self.name)
                announced = True
            await _sleep_unless(stop, self.standby_seconds)
        return False

    async def _serve(self, lease: psycopg.AsyncConnection, stop: asyncio.Event) -> None:
        await lease.execute(f"LISTEN {EVENT_LOG_CHANNEL}")
        self.last_event_id = await database_sync_to_async(cursor_load)(name=self.name)
        self.is_active = True
        logger.info("Relay %s is active from event %s.", self.name, self.last_event_id)
        while not stop.is_set():
            if await self.deliver_batch(stop) >= RELAY_BATCH_SIZE:
                continue  # more are waiting
            # Sleep until a commit notifies us, the poll interval passes, or we are stopped.
            async for _ in lease.notifies(timeout=self.poll_seconds, stop_after=1):
                pass

    async def deliver_batch(self, stop: asyncio.Event) -> int:
        """Deliver the next events after the cursor, then move the cursor; returns how many there were."""
        events = await database_sync_to_async(events_after)(after_id=self.last_event_id)
        if not events:
            return 0
        for sink in self.sinks:
            if not await self._until_done(lambda sink=sink: sink.deliver(events), stop, what=sink.name):
                return 0
        self.last_event_id = events[-1].id
        await database_sync_to_async(cursor_store)(name=self.name, last_event_id=self.last_event_id)
        return len(events)

    async def _until_done(self, attempt, stop: asyncio.Event, *, what: str) -> bool:
        """Retry ``attempt`` with backoff until it succeeds (True) or the relay is stopped (False)."""
        delay = RETRY_MIN_SECONDS
        failures = 0
        while not stop.is_set():
            try:
                await attempt()
                if failures:
                    logger.warning("Relay reached %s again after %d failed attempts.", what, failures)
                return True
            except Exception as error:
                failures += 1
                if failures == 1:
                    logger.warning("Relay cannot reach %s (%s); retrying until it can.", what, error)
                await _sleep_unless(stop, delay)
                delay = min(delay * 2, RETRY_MAX_SECONDS)
        return False


async def _sleep_unless(stop: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(stop.wait(), timeout=seconds)
    except TimeoutError:
        pass
