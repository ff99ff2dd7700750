"""The relay's webhook sink: it only queues one Celery job per endpoint and event, so a slow or dead endpoint
never holds up the relay (or the websockets it feeds); the jobs do the POSTs."""

from asgiref.sync import sync_to_async

from ..models import Event
from .selectors import WEBHOOK_EVENT_TYPE_NAMES, endpoint_hears, webhook_endpoints_active
from .tasks import webhook_deliver


def _enqueue(events: list[Event]) -> None:
    relevant = [event for event in events if event.type in WEBHOOK_EVENT_TYPE_NAMES]
    if not relevant:
        return
    endpoints = webhook_endpoints_active()
    for event in relevant:
        for endpoint in endpoints:
            if endpoint_hears(endpoint, event):
                webhook_deliver.delay(endpoint.id, event.id)


class WebhookSink:
    name = "the webhook queue"

    async def deliver(self, events: list[Event]) -> None:
        await sync_to_async(_enqueue)(events)
