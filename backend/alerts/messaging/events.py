"""The events a mass message writes to the log: ``message.sent``, ``message.updated`` and ``message.cancelled``,
each ``{"message": message}`` (``presenters.message_view``), the same for dispatch and the community."""

from .. import presenters
from ..models import Event, EventType, MassMessage
from ..realtime.events import event_append


def message_event_record(*, event_type: str, message: MassMessage) -> Event:
    view = presenters.message_view(message)
    return event_append(
        event_type=event_type,
        message_id=message.id,
        precinct_id=message.precinct_id,
        area=message.area,
        payload={"message": view},
        community_payload={"message": view},
    )


__all__ = ["EventType", "message_event_record"]
