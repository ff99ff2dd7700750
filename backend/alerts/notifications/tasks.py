"""Celery tasks for push notifications of logged events (queued by the relay's push sink).

``event_push`` plans the sends and fans out one task per batch, so a retry resends only the devices of
that batch that failed transiently, with exponential backoff and jitter.
"""

import logging
import random

from celery import shared_task
from django.conf import settings

from ..models import DeviceKind, Event, EventType
from . import push

logger = logging.getLogger(__name__)

PUSH_EVENT_TYPES = frozenset(
    {
        EventType.ALERT_CREATED,
        EventType.ALERT_STEP_ADDED,
        EventType.MESSAGE_SENT,
        EventType.MESSAGE_UPDATED,
        EventType.MESSAGE_CANCELLED,
    }
)


def retry_countdown(retries: int) -> float:
    """Exponential backoff with ±20 % jitter, so retries after an outage do not arrive together."""
    return settings.PUSH_RETRY_BASE_SECONDS * (2**retries) * random.uniform(0.8, 1.2)


@shared_task(name="alerts.event_push", ignore_result=True)
def event_push(event_id: int) -> None:
    event = Event.objects.filter(id=event_id).first()
    if event is None or event.type not in PUSH_EVENT_TYPES:
        return
    for batch in push.event_push_batches(event):
        task = fcm_push_batch if batch.kind == DeviceKind.FCM else webpush_push_batch
        task.delay(event_id, batch.device_ids, batch.language)


def _send_with_retry(task, send, event_id: int, device_ids: list[int], language: str) -> None:
    event = Event.objects.filter(id=event_id).first()
    if event is None:
        return  # pruned meanwhile: too old to be worth a push
    outcome = send(device_ids=device_ids, notice=push.event_notice(event, language=language))
    if not outcome.retry:
        return
    if task.request.retries >= settings.PUSH_MAX_RETRIES:
        logger.warning("Giving up on %d devices for event %s.", len(outcome.retry), event_id)
        return
    raise task.retry(
        args=(event_id, outcome.retry, language),
        countdown=retry_countdown(task.request.retries),
        max_retries=settings.PUSH_MAX_RETRIES,
    )


# ``language`` defaults for jobs queued before batches carried one.
@shared_task(name="alerts.fcm_push_batch", bind=True, ignore_result=True)
def fcm_push_batch(self, event_id: int, device_ids: list[int], language: str = settings.LANGUAGE_CODE) -> None:
    _send_with_retry(self, push.fcm_send, event_id, device_ids, language)


@shared_task(name="alerts.webpush_push_batch", bind=True, ignore_result=True)
def webpush_push_batch(self, event_id: int, device_ids: list[int], language: str = settings.LANGUAGE_CODE) -> None:
    _send_with_retry(self, push.webpush_send, event_id, device_ids, language)
