"""Celery tasks for shared machinery."""

from celery import shared_task

from .ratelimit import rate_limit_buckets_prune


@shared_task(name="common.rate_limit_buckets_prune", ignore_result=True)
def rate_limit_buckets_prune_task() -> int:
    """Beat-schedulable: drop rate-limit windows that have ended."""
    return rate_limit_buckets_prune()
