"""Process-wide helpers that keep every socket's live stream complete and in id order.

* ``EventWindow`` answers "did this socket miss an event between ids A and B?" from memory. Broadcasts
  from two server processes can reach Redis out of commit order, and the channel layer drops messages
  silently when a channel overflows; a socket that sees id B after A checks the window and fetches
  anything it missed from the log before sending B. One query per process fills the window, however
  many sockets ask, so a mass message to thousands of sockets costs no per-socket query.
* ``LayerWatchdog`` notices when Redis restarts (groups live in Redis and are lost) or was unreachable
  (broadcasts failed), and tells every socket of this process to rejoin its groups and catch up from
  the log. It also re-adds groups hourly, before channels-redis' ``group_expiry`` forgets them.
* ``CommunityHub`` is each process's one subscription to community events. ``broadcasts`` publishes an
  event once, with the ids of the members whose zones it meets (a PostGIS query); every hub hands it
  to the sockets of those members that it holds. Per event that is one Redis message per process,
  however many members match, instead of one per socket.
"""

import asyncio
import bisect
import json
import logging
import weakref
from collections.abc import Callable

from channels.layers import get_channel_layer
from django.conf import settings
from redis import asyncio as redis_asyncio
from redis.exceptions import RedisError

from backend.common.asyncdb import database_read

from .broadcasts import COMMUNITY_GROUP
from .replay import EventMeta, event_metas

logger = logging.getLogger(__name__)

# How many recent event ids the window keeps; older gaps are checked with a direct query.
WINDOW_SPAN = 20_000
LAYER_RETRY_MIN_SECONDS = 0.1
LAYER_RETRY_MAX_SECONDS = 2.0
LAYER_CHECK_INTERVAL_SECONDS = 1.0
# The layer's own reconnection (BRPOP backoff, pub/sub resubscription) may lag ours; a second catch-up
# after this long delivers what was published into that window.
LAYER_SETTLE_SECONDS = 3.0
GROUP_REFRESH_SECONDS = 3_600
LAYER_RECOVERED = "layer.recovered"
GROUPS_REFRESH = "groups.refresh"


class EventWindow:
    """The routing facts of every event with id in (low, high], filled on demand, shared by one event loop."""

    def __init__(self) -> None:
        self._lock = asyncio.Lock()
        self._ids: list[int] = []
        self._metas: dict[int, EventMeta] = {}
        self._low: int | None = None
        self._high: int | None = None

    async def between(self, *, after_id: int, before_id: int) -> list[EventMeta] | None:
        """Events with after_id < id < before_id, or None when that range is too old for the window."""
        last = before_id - 1
        if after_id >= last:
            return []  # nothing in between: no lock, no query
        if last - after_id > WINDOW_SPAN:
            return None
        async with self._lock:
            if self._low is None or last - self._high > WINDOW_SPAN:
                await self._load(after_id, last, replace=True)
            else:
                # The window only keeps the newest WINDOW_SPAN ids; older ranges go to the database.
                if after_id < self._high - WINDOW_SPAN:
                    return None
                if after_id < self._low:
                    await self._load(after_id, self._low, replace=False)
                if last > self._high:
                    await self._load(self._high, last, replace=False)
            start = bisect.bisect_right(self._ids, after_id)
            end = bisect.bisect_right(self._ids, last)
            return [self._metas[event_id] for event_id in self._ids[start:end]]

    async def _load(self, after_id: int, last: int, *, replace: bool) -> None:
        metas = await database_read(event_metas)(after_id=after_id, before_id=last + 1)
        if replace:
            self._ids, self._metas, self._low, self._high = [], {}, after_id, last
        for meta in metas:
            self._metas[meta.id] = meta
        self._ids = sorted(self._metas)
        self._low, self._high = min(self._low, after_id), max(self._high, last)
        if self._high - self._low > WINDOW_SPAN:
            self._low = self._high - WINDOW_SPAN
            cut = bisect.bisect_right(self._ids, self._low)
            for event_id in self._ids[:cut]:
                del self._metas[event_id]
            self._ids = self._ids[cut:]


class LayerWatchdog:
    """Watches the channel layer's Redis hosts for this event loop's consumers."""

    def __init__(self, alias: str) -> None:
        self.alias = alias
        self.consumers: weakref.WeakSet = weakref.WeakSet()
        self._task: asyncio.Task | None = None
        self._clients: list[redis_asyncio.Redis] = []

    def register(self, consumer) -> None:
        self.consumers.add(consumer)
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run())

    def unregister(self, consumer) -> None:
        self.consumers.discard(consumer)

    def _host_urls(self) -> list[str]:
        urls = []
        for host in settings.CHANNEL_LAYERS[self.alias]["CONFIG"].get("hosts", []):
            address = host.get("address") if isinstance(host, dict) else host
            if isinstance(address, list | tuple):
                address = f"redis://{address[0]}:{address[1]}"
            urls.append(address)
        return urls

    async def _run_ids(self) -> tuple[str, ...] | None:
        """Each host's run_id (it changes when Redis restarts), or None if one is unreachable."""
        if not self._clients:
            self._clients = [redis_asyncio.Redis.from_url(url, socket_timeout=2) for url in self._host_urls()]
        try:
            return tuple([(await client.info("server"))["run_id"] for client in self._clients])
        except (RedisError, OSError):
            await self._close_clients()
            return None

    async def _close_clients(self) -> None:
        for client in self._clients:
            try:
                await client.aclose()
            except (RedisError, OSError):
                pass
        self._clients = []

    def _notify(self, message_type: str) -> None:
        # In-process, not through Redis: the layer may still be reconnecting, and this costs nothing per socket.
        for consumer in list(self.consumers):
            consumer.notify({"type": message_type})

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        known = await self._run_ids()
        is_troubled = known is None
        last_refresh = loop.time()
        try:
            while self.consumers:
                await asyncio.sleep(LAYER_CHECK_INTERVAL_SECONDS)
                current = await self._run_ids()
                if current is None:
                    is_troubled = True
                    continue
                if is_troubled or current != known:
                    logger.warning("Channel layer recovered (%s -> %s); sockets resync from the log.", known, current)
                    self._notify(LAYER_RECOVERED)
                    loop.call_later(LAYER_SETTLE_SECONDS, self._notify, LAYER_RECOVERED)
                    last_refresh = loop.time()
                elif loop.time() - last_refresh > GROUP_REFRESH_SECONDS:
                    self._notify(GROUPS_REFRESH)
                    last_refresh = loop.time()
                known, is_troubled = current, False
        finally:
            await self._close_clients()


class CommunityHub:
    """Routes community events from the channel layer to this event loop's community sockets."""

    def __init__(self, alias: str) -> None:
        self.alias = alias
        self.sockets: dict[int, set] = {}
        self.channel_name: str | None = None
        self._joined = asyncio.Lock()
        self._is_joined = False
        self._task: asyncio.Task | None = None

    async def register(self, member_id: int, consumer) -> None:
        """Deliver ``member_id``'s events to ``consumer`` from now on; returns once the hub hears the group."""
        self.sockets.setdefault(member_id, set()).add(consumer)
        await self._join()
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def unregister(self, member_id: int, consumer) -> None:
        consumers = self.sockets.get(member_id)
        if consumers is not None:
            consumers.discard(consumer)
            if not consumers:
                del self.sockets[member_id]
        if not self.sockets and self._task is not None:
            # Stop receiving while idle, as consumers do; what arrives meanwhile expires in the layer, and any
            # late delivery is older than what a new socket starts from, so it is dropped by id.
            task, self._task = self._task, None
            task.cancel()
            # Let the layer's receive unwind now: it holds per-loop state that a dangling call would keep.
            await asyncio.gather(task, return_exceptions=True)

    def notify(self, message: dict) -> None:
        """The watchdog's notices: Redis lost the group (restart) or its expiry is near."""
        if message["type"] in (LAYER_RECOVERED, GROUPS_REFRESH):
            self._is_joined = False
            asyncio.get_running_loop().create_task(self._join())

    async def _join(self) -> None:
        async with self._joined:
            if self._is_joined:
                return
            layer = get_channel_layer(self.alias)
            if self.channel_name is None:
                self.channel_name = await layer.new_channel()
                layer_watchdog(self.alias).register(self)
            await layer.group_add(COMMUNITY_GROUP, self.channel_name)
            self._is_joined = True

    async def _run(self) -> None:
        layer = get_channel_layer(self.alias)
        delay = LAYER_RETRY_MIN_SECONDS
        while True:
            try:
                message = await layer.receive(self.channel_name)
            except (RedisError, OSError):
                logger.debug("Community hub cannot reach the channel layer; retrying in %.1f s.", delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, LAYER_RETRY_MAX_SECONDS)
                continue
            delay = LAYER_RETRY_MIN_SECONDS
            try:
                await self.deliver(message)
            except Exception:
                logger.exception("Community hub could not deliver an event; its sockets catch up from the log.")

    async def deliver(self, message: dict) -> None:
        """Send the event to each listed member's sockets here: at once when the socket is idle and missed
        nothing it should have seen, otherwise through the socket's own queue (which checks the log)."""
        event = message["event"]
        consumers = [
            consumer for member_id in message.get("members", ()) for consumer in self.sockets.get(member_id, ())
        ]
        if not consumers:
            return
        # Encoded once, and one window read (usually from memory) tells every socket what came before.
        text = json.dumps(event)
        oldest_seen = min(consumer.last_sent_id for consumer in consumers)
        earlier = await event_window().between(after_id=oldest_seen, before_id=event["id"])
        notice = {"type": message["type"], "event": event, "agency": message.get("agency", ""), "text": text}
        for consumer in consumers:
            if not await consumer.send_live(event["id"], text, earlier=earlier):
                consumer.notify(notice)


_windows: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, EventWindow]" = weakref.WeakKeyDictionary()
_watchdogs: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, LayerWatchdog]]" = (
    weakref.WeakKeyDictionary()
)
_hubs: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, CommunityHub]]" = weakref.WeakKeyDictionary()


def _per_loop(registry: weakref.WeakKeyDictionary, factory: Callable):
    loop = asyncio.get_running_loop()
    if loop not in registry:
        registry[loop] = factory()
    return registry[loop]


def event_window() -> EventWindow:
    return _per_loop(_windows, EventWindow)


def layer_watchdog(alias: str) -> LayerWatchdog:
    watchdogs = _per_loop(_watchdogs, dict)
    if alias not in watchdogs:
        watchdogs[alias] = LayerWatchdog(alias)
    return watchdogs[alias]


def community_hub(alias: str) -> CommunityHub:
    hubs = _per_loop(_hubs, dict)
    if alias not in hubs:
        hubs[alias] = CommunityHub(alias)
    return hubs[alias]
