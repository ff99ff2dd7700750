from celery import shared_task

from .services import credentials_prune as credentials_prune_service


@shared_task(ignore_result=True)
def credentials_prune() -> dict[str, int]:
    """Beat-schedulable: delete expired API tokens and websocket tickets."""
    return credentials_prune_service()
