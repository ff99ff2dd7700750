"""Alerts made from outside sources by task: an anonymous tip an officer forwards to dispatch (``alert_from_tip``).

Station sends this task by name (it may not import alerts). Like an Open311 request, the alert goes through
``alert_create`` as a system neighbor of its own (inactive, nobody signs in as it), so it is routed by its point,
logged for dispatch and limited like any other. The station's ``key`` is the idempotency key: a retried or
duplicated message returns the alert the first one made. Retries stop well inside the 24 h idempotency window.
"""

from celery import shared_task
from django.contrib.auth import get_user_model
from django.db import OperationalError

from backend.accounts.models import Role
from backend.common.ratelimit import Limit

from .services import AlertInput, alert_create

TIP_REPORTER_USERNAME = "comisaria-denuncias-anonimas"
# One reporter speaks for every forwarded tip: its limit is dispatch's capacity, not a neighbor's.
TIP_ALERT_LIMITS = (Limit(count=600, per_seconds=60),)
MAX_RETRIES = 8


def tip_reporter():
    """The system neighbor that reports forwarded tips (it carries no one's data: a tip has none)."""
    user_model = get_user_model()
    reporter, created = user_model.objects.get_or_create(
        username=TIP_REPORTER_USERNAME,
        defaults={"first_name": "Denuncia anónima", "last_name": "Comisaría Virtual", "role": Role.NEIGHBOR,
                  "is_active": False},
    )  # fmt: skip
    if created:
        reporter.set_unusable_password()
        reporter.save(update_fields=["password"])
    return reporter


@shared_task(
    name="alerts.alert_from_tip",
    bind=True,
    ignore_result=True,
    autoretry_for=(OperationalError,),
    retry_backoff=5,
    retry_backoff_max=600,
    max_retries=MAX_RETRIES,
)
def alert_from_tip(
    self, *, key: str, category: str, lat: float, lon: float, accuracy_meters: float, description: str
) -> int:
    """Create (once) the alert of a forwarded tip; returns its id."""
    creation = alert_create(
        reporter=tip_reporter(),
        data=AlertInput(
            category=category, lat=lat, lon=lon, accuracy_meters=accuracy_meters, description=description[:2000]
        ),
        idempotency_key=f"tip:{key}",
        limits=TIP_ALERT_LIMITS,
    )
    return creation.alert.id
