"""The only module that talks to the channel layer: the relay's channel-layer sink. Nothing on the request path
calls it, so a request never waits for Redis and an event is never lost with it.

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

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from .. import presenters
from ..community.selectors import event_member_ids, zone_member_ids
from ..models import Event, EventType

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
    payload = {
        presenters.AUDIENCE_DISPATCH: event.payload,
        presenters.AUDIENCE_REPORTER: event.reporter_payload,
        presenters.AUDIENCE_COMMUNITY: event.community_payload,
    }[audience]
    if payload is None:
        return None
    return {"id": event.id, "type": event.type, "created_at": event.created_at.isoformat(), **payload}


def event_sends(event: Event, *, members: list[int] | None = None) -> list[tuple[str, dict]]:
    """Every group message an event calls for; ``members`` are those its area reaches (queried when None)."""
    sends: list[tuple[str, dict]] = []
    if event.precinct_id:
        full = event_envelope(event, audience=presenters.AUDIENCE_DISPATCH)
        sends.append((dispatch_group(event.precinct_id), {"type": DELIVER, "event": full, "agency": event.agency}))
    # Nobody can follow a brand-new alert yet: its reporter subscribes once they know its id.
    if event.alert_id and event.type != EventType.ALERT_CREATED:
        reporter = event_envelope(event, audience=presenters.AUDIENCE_REPORTER)
        sends.append((alert_group(event.alert_id), {"type": DELIVER, "event": reporter, "agency": event.agency}))
    redacted = event_envelope(event, audience=presenters.AUDIENCE_COMMUNITY)
    if redacted is not None and event.area is not None:
        members = zone_member_ids(event.area) if members is None else members
        if members:
            message = {"type": DELIVER, "event": redacted, "agency": event.agency, "members": members}
            sends.append((COMMUNITY_GROUP, message))
    return sends


async def sends_deliver(sends: list[tuple[str, dict]]) -> None:
    """Send group messages; raises the channel layer's error if Redis cannot take them (the relay retries)."""
    layer = get_channel_layer()
    await asyncio.gather(*(layer.group_send(group, message) for group, message in sends))


def batch_sends(events: list[Event]) -> list[tuple[str, dict]]:
    """The group messages of a batch, in id order. An event that cannot be rendered is logged and skipped:
    one bad row must not stop delivery of everything after it."""
    sends = []
    members = event_member_ids([event.id for event in events])
    for event in events:
        try:
            sends.extend(event_sends(event, members=members.get(event.id, [])))
        except Exception:
            logger.exception("Relay skipped event %s: its sends could not be built.", event.id)
    return sends


class ChannelLayerSink:
    """The relay's delivery to websockets: dispatch consoles and reporters first, then the community. After an
    outage the backlog's community fan-out (tens of sockets per event) must not delay a console's catch-up."""

    name = "the channel layer"

    async def deliver(self, events: list[Event]) -> None:
        sends = await database_sync_to_async(batch_sends)(events)
        await sends_deliver([send for send in sends if send[0] != COMMUNITY_GROUP])
        await sends_deliver([send for send in sends if send[0] == COMMUNITY_GROUP])
