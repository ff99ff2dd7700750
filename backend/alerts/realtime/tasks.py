"""Celery tasks for the event log."""

from celery import shared_task

from .retention import event_log_prune as event_log_prune_service


@shared_task(name="alerts.event_log_prune", ignore_result=True)
def event_log_prune() -> int:
    """Beat-schedulable: delete delivered events older than EVENT_LOG_RETENTION_DAYS."""
    return event_log_prune_service()
