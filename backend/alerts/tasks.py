"""Celery tasks for alerts. (Interim: the realtime work replaces event_push with real FCM / Web Push sending.)"""

from celery import shared_task

from .models import EventType

PUSH_EVENT_TYPES = frozenset({EventType.ALERT_CREATED, EventType.ALERT_STEP_ADDED, EventType.MESSAGE_SENT})


@shared_task(ignore_result=True)
def event_push(event_id: int) -> None:
    return None
