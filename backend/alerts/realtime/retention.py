"""The event log's retention: clients resume from the log, so it only needs to reach back so far."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from ..models import Event, EventLogHorizon, RelayCursor

# Deleting in slices keeps each transaction (and its locks) short on a large log.
PRUNE_BATCH_SIZE = 10_000


def event_log_prune(*, older_than_days: int | None = None) -> int:
    """Delete events older than ``older_than_days`` (default: settings.EVENT_LOG_RETENTION_DAYS); returns how many."""
    days = settings.EVENT_LOG_RETENTION_DAYS if older_than_days is None else older_than_days
    cutoff = timezone.now() - timedelta(days=days)
    # An event no relay has delivered yet stays, however old: pruning it would lose it.
    delivered_up_to = RelayCursor.objects.aggregate(lowest=Min("last_event_id"))["lowest"]
    undelivered = {} if delivered_up_to is None else {"id__lte": delivered_up_to}
    total = 0
    while True:
        with transaction.atomic():
            ids = list(
                Event.objects.filter(created_at__lt=cutoff, **undelivered)
                .order_by("id")
                .values_list("id", flat=True)[:PRUNE_BATCH_SIZE]
            )
            if not ids:
                return total
            total += Event.objects.filter(id__in=ids).delete()[0]
            # Ids are deleted oldest first, so everything up to the last one is gone: resumes from below it lost events.
            EventLogHorizon.objects.update_or_create(id=1, defaults={"pruned_through": ids[-1]})
