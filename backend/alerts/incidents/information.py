"""Writes for what community members add to alerts, and dispatch hiding it."""

from django.db import transaction
from django.utils.translation import gettext_lazy

from backend.accounts.scope import staff_scope
from backend.common.errors import Forbidden, NotFound
from backend.common.photos import InspectedPhoto
from backend.common.ratelimit import Limit, rate_limit_check, rate_limit_consume

from ..models import Alert, AlertInformation, Zone
from .events import EventType, alert_event_record, alert_events_information_hidden
from .services import ERROR_ALERT_NOT_FOUND
from .uploads import photo_store, photos_sanitize, stored_files_delete

INFORMATION_LIMITS = (Limit(count=10, per_seconds=600), Limit(count=50, per_seconds=86_400))
MAX_INFORMATION_LENGTH = 2_000
ERROR_NOT_IN_ZONES = gettext_lazy("You can add information only to alerts in your zones.")
ERROR_INFORMATION_NOT_FOUND = gettext_lazy("No such information on this alert.")


def _alert_for_contributor(*, alert_id: int, author) -> Alert:
    """The alert, if ``author`` may add to it: its reporter, or a member whose zones hold its community cell."""
    alert = Alert.objects.filter(id=alert_id).first()
    if alert is None:
        raise NotFound(ERROR_ALERT_NOT_FOUND)
    if alert.reporter_id != author.id:
        in_zones = Zone.objects.filter(member=author, boundary__intersects=alert.community_location).exists()
        if not in_zones:
            raise Forbidden(ERROR_NOT_IN_ZONES)
    return alert


def information_add(
    *, alert_id: int, author, text: str, photos: list[InspectedPhoto] | None = None
) -> AlertInformation:
    """A member adds what they know to an alert in their zones (the reporter may too); rate-limited per author.

    Photos are decoded only once the cheap checks pass, and wait for dispatch approval before the community
    sees them."""
    rate_key = f"information:{author.pk}"
    sanitized = []
    if photos:
        _alert_for_contributor(alert_id=alert_id, author=author)
        rate_limit_check(key=rate_key, limits=INFORMATION_LIMITS)
        sanitized = photos_sanitize(photos)
    stored_paths: list[str] = []
    try:
        with transaction.atomic():
            alert = _alert_for_contributor(alert_id=alert_id, author=author)
            rate_limit_consume(key=rate_key, limits=INFORMATION_LIMITS)
            information = AlertInformation.objects.create(
                alert=alert, author=author, text=text[:MAX_INFORMATION_LENGTH]
            )
            for photo in sanitized:
                photo_store(
                    photo=photo, stored_paths=stored_paths, alert=alert, information=information, uploaded_by=author
                )
            alert_event_record(
                event_type=EventType.ALERT_INFORMATION_ADDED,
                alert_id=alert.id,
                extra={"information_id": information.id},
            )
    except BaseException:
        stored_files_delete(stored_paths)
        raise
    return information


@transaction.atomic
def information_hide(*, alert_id: int, information_id: int, actor) -> AlertInformation:
    """Dispatch hides an abusive addition from the community."""
    information = (
        AlertInformation.objects.select_for_update()
        .select_related("alert")
        .filter(id=information_id, alert_id=alert_id)
        .first()
    )
    if information is None:
        raise NotFound(ERROR_INFORMATION_NOT_FOUND)
    if not staff_scope(actor).covers(precinct_id=information.alert.precinct_id, agency=information.alert.agency):
        raise NotFound(ERROR_ALERT_NOT_FOUND)
    if not information.is_hidden:
        information.is_hidden = True
        information.hidden_by = actor
        information.save(update_fields=["is_hidden", "hidden_by"])
        alert_events_information_hidden(alert_id=alert_id, information_id=information.id)
        alert_event_record(
            event_type=EventType.ALERT_INFORMATION_HIDDEN,
            alert_id=alert_id,
            extra={"information_id": information.id},
        )
    return information
