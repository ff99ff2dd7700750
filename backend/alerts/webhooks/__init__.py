"""Signed webhooks: the relay's webhook sink queues one Celery job per endpoint and event; each job POSTs the event
(signed the Standard Webhooks way), logs the attempt, and retries with backoff. Reads only the event row."""
