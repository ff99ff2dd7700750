"""Login lockouts (django-axes): who is counted, and the second limit on one address over all usernames."""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.utils.translation import gettext_lazy

ERROR_LOCKED_OUT = gettext_lazy("Too many failed logins; try again in {minutes} minutes.")
CODE_LOCKED_OUT = "locked_out"


def client_address(request) -> str:
    """The client's address as every limit sees it: REMOTE_ADDR.

    The ASGI application has already put the forwarded client there when, and only when, the connection came
    from one of TRUSTED_PROXIES (``config/asgi.py``); a header from anyone else changes nothing.
    """
    return request.META.get("REMOTE_ADDR", "")


class LoginAttemptHandler(AxesDatabaseHandler):
    """axes' database handler: one username from one address is locked out after ``AXES_FAILURE_LIMIT`` failures,
    and one address after ``LOGIN_ADDRESS_FAILURE_LIMIT`` failures over all usernames (credential stuffing).

    The address limit is higher because many neighbors share one carrier-grade NAT address; only failures count.
    """

    def is_locked(self, request, credentials: dict | None = None) -> bool:
        return super().is_locked(request, credentials) or self.address_failures(request) >= (
            settings.LOGIN_ADDRESS_FAILURE_LIMIT
        )

    def address_failures(self, request) -> int:
        attempts = AccessAttempt.objects.filter(
            ip_address=request.axes_ip_address, attempt_time__gte=get_cool_off_threshold(request)
        )
        return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def lockout_minutes() -> int:
    return max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))
