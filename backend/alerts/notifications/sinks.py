"""The relay's push sink: one Celery job per event that notifies someone (``tasks.event_push``)."""

from asgiref.sync import sync_to_async

from ..models import Event
from .tasks import PUSH_EVENT_TYPES, event_push


def _enqueue(event_ids: list[int]) -> None:
    for event_id in event_ids:
        event_push.delay(event_id)


class PushSink:
    name = "the push queue"

    async def deliver(self, events: list[Event]) -> None:
        event_ids = [event.id for event in events if event.type in PUSH_EVENT_TYPES]
        if event_ids:
            await sync_to_async(_enqueue)(event_ids)
