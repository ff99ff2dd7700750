"""The only module that talks to the channel layer. Called after commit; the event log stays the source of truth.

Groups:

* ``dispatch.precinct.<id>``  dispatch consoles of a precinct (agency operators filter by agency)
* ``alert.<id>``              the reporter following their own alert
* ``community``               one hub per server process (``live.CommunityHub``), which hands each event
                              to its sockets of the members listed in ``members``

Each group message is ``{"type": "event.deliver", "event": envelope, "agency": str}``; community messages
add ``"members": [ids]``, found by PostGIS, so a mass message to 10,000 members is one message per process.
"""

import asyncio
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from backend.common.server_loop import server_loop

from . import presenters
from .models import Event, Zone

logger = logging.getLogger(__name__)
DELIVER = "event.deliver"
COMMUNITY_GROUP = "community"


def dispatch_group(precinct_id: int) -> str:
    return f"dispatch.precinct.{precinct_id}"


def alert_group(alert_id: int) -> str:
    return f"alert.{alert_id}"


def event_envelope(event: Event, *, audience: str) -> dict | None:
    """What a client of ``audience`` (``presenters.AUDIENCE_*``) receives for an event, or None when it may not
    see it."""
    payload = event.community_payload if audience == presenters.AUDIENCE_COMMUNITY else event.payload
    if payload is None:
        return None
    if audience == presenters.AUDIENCE_REPORTER and "alert" in payload:
        payload = presenters.payload_for_reporter(payload)
    return {"id": event.id, "type": event.type, "created_at": event.created_at.isoformat(), **payload}


def zone_member_ids(area) -> list[int]:
    """Members with a zone meeting ``area``: one query on the zones' GiST index."""
    # order_by(): the model's ordering would otherwise join DISTINCT and return one row per zone.
    members = Zone.objects.filter(boundary__intersects=area).order_by().values_list("member_id", flat=True)
    return list(members.distinct())


async def _send_all(sends: list[tuple[str, dict]]) -> None:
    layer = get_channel_layer()
    await asyncio.gather(*(layer.group_send(group, message) for group, message in sends))


async def _send_all_logged(sends: list[tuple[str, dict]], event_id: int) -> None:
    try:
        await _send_all(sends)
    except Exception:
        logger.exception("Broadcast of event %s failed; clients will catch up from the event log.", event_id)


def event_broadcast(*, event: Event) -> None:
    """Notify every audience of a committed event and queue its push. Failures are logged, never raised:
    the event is already committed and clients catch up from the log."""
    from .tasks import PUSH_EVENT_TYPES, event_push

    event_id = event.id
    try:
        sends: list[tuple[str, dict]] = []
        full = event_envelope(event, audience=presenters.AUDIENCE_DISPATCH)
        if event.precinct_id:
            sends.append((dispatch_group(event.precinct_id), {"type": DELIVER, "event": full, "agency": event.agency}))
        if event.alert_id:
            reporter = event_envelope(event, audience=presenters.AUDIENCE_REPORTER)
            sends.append((alert_group(event.alert_id), {"type": DELIVER, "event": reporter, "agency": event.agency}))
        redacted = event_envelope(event, audience=presenters.AUDIENCE_COMMUNITY)
        if redacted is not None and event.area is not None:
            members = zone_member_ids(event.area)
            if members:
                sends.append(
                    (COMMUNITY_GROUP, {"type": DELIVER, "event": redacted, "agency": event.agency, "members": members})
                )
        loop = server_loop()
        if loop is None:
            async_to_sync(_send_all)(sends)  # a Celery worker or a command: nothing else waits on this thread
        else:
            # In a server process: the loop sends while this thread answers the request.
            asyncio.run_coroutine_threadsafe(_send_all_logged(sends, event_id), loop)
    except Exception:
        logger.exception("Broadcast of event %s failed; clients will catch up from the event log.", event_id)
    if event.type in PUSH_EVENT_TYPES:
        try:
            event_push.delay(event_id)
        except Exception:
            logger.exception("Could not queue push for event %s.", event_id)
