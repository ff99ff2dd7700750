"""The webhook delivery job: one per endpoint and event, retried with exponential backoff and jitter until the
endpoint answers 2xx or ``WEBHOOK_MAX_ATTEMPTS`` attempts were made; every attempt is logged."""

from celery import shared_task

from .services import webhook_delivery_attempt


@shared_task(name="alerts.webhook_deliver", bind=True, ignore_result=True, max_retries=None)
def webhook_deliver(self, endpoint_id: int, event_id: int) -> None:
    retry_in = webhook_delivery_attempt(endpoint_id=endpoint_id, event_id=event_id)
    if retry_in is not None:
        raise self.retry(countdown=retry_in)
