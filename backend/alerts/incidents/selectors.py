"""Reads for alerts: dispatch listing, the reporter's alerts, duplicates, response times, photo access."""

import math
import time
from dataclasses import dataclass
from datetime import datetime, timedelta  # noqa: F401

from django.conf import settings
from django.contrib.gis.geos import Polygon
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from backend.accounts.scope import sees_dispatch_views, staff_scope
from backend.common.errors import NotFound
from backend.common.spatial import within_meters

from ..community.selectors import community_alerts
from ..models import Alert, AlertPhoto, AlertStatus, Category
from ..presenters import with_views

DUPLICATE_RADIUS_METERS = 300
DUPLICATE_WINDOW = timedelta(minutes=30)
ERROR_ALERT_NOT_FOUND = gettext_lazy("No such alert.")
ERROR_PHOTO_NOT_FOUND = gettext_lazy("No such photo.")


_categories: dict[str, Category] = {}
_categories_loaded_at = -math.inf


def category_active(code: str) -> Category | None:
    """The active category with this code, from the per-process catalogue (refreshed every minute)."""
    global _categories, _categories_loaded_at
    now = time.monotonic()
    if now - _categories_loaded_at >= settings.ALERT_CATEGORY_CACHE_SECONDS:
        # Rebinding (not mutating) keeps a concurrent reader's dict whole.
        _categories = {category.code: category for category in Category.objects.filter(is_active=True)}
        _categories_loaded_at = now
    return _categories.get(code)


def category_cache_clear() -> None:
    global _categories_loaded_at
    _categories_loaded_at = -math.inf


@dataclass(frozen=True)
class DispatchFilters:
    statuses: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    agency: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    bbox: tuple[float, float, float, float] | None = None  # min lon, min lat, max lon, max lat


def dispatch_alerts(*, user, filters: DispatchFilters) -> QuerySet[Alert]:
    """Alerts in the user's precincts (and agency), most urgent and oldest open first."""
    queryset = staff_scope(user).filter(Alert.objects.all(), agency_field="agency")
    if filters.statuses:
        queryset = queryset.filter(status__in=filters.statuses)
    if filters.categories:
        queryset = queryset.filter(category__code__in=filters.categories)
    if filters.agency:
        queryset = queryset.filter(agency=filters.agency)
    if filters.since:
        queryset = queryset.filter(created_at__gte=filters.since)
    if filters.until:
        queryset = queryset.filter(created_at__lt=filters.until)
    if filters.bbox:
        box = Polygon.from_bbox(filters.bbox)
        box.srid = 4326
        queryset = queryset.filter(location__intersects=box)
    return with_views(queryset).order_by("category__priority", "created_at", "id")


def dispatch_alert_get(*, user, alert_id: int) -> Alert:
    """One alert in full for dispatch; an alert outside the user's scope does not exist for them."""
    alert = with_views(staff_scope(user).filter(Alert.objects.filter(id=alert_id), agency_field="agency")).first()
    if alert is None:
        raise NotFound(ERROR_ALERT_NOT_FOUND)
    return alert


def possible_duplicates(*, user, alert: Alert) -> QuerySet[Alert]:
    """Open alerts of the same agency within 300 m and 30 minutes of this one, among those ``user`` may see."""
    in_scope = staff_scope(user).filter(Alert.objects.all(), agency_field="agency")
    return with_views(
        in_scope.filter(
            within_meters("location", alert.location, DUPLICATE_RADIUS_METERS),
            agency=alert.agency,
            created_at__gte=alert.created_at - DUPLICATE_WINDOW,
            created_at__lte=alert.created_at + DUPLICATE_WINDOW,
        )
        .exclude(id=alert.id)
        .exclude(status=AlertStatus.DUPLICATE)
    ).order_by("created_at")


def reporter_alerts(*, reporter) -> QuerySet[Alert]:
    return with_views(Alert.objects.filter(reporter=reporter)).order_by("-created_at", "-id")


def reporter_alert_get(*, reporter, alert_id: int) -> Alert:
    alert = reporter_alerts(reporter=reporter).filter(id=alert_id).first()
    if alert is None:
        raise NotFound(ERROR_ALERT_NOT_FOUND)
    return alert


@dataclass(frozen=True)
class ResponseTimes:
    """Seconds from the alert to each first step, None where the step never happened."""

    to_acknowledge: float | None
    to_contact: float | None
    to_on_scene: float | None
    to_close: float | None


CLOSING_STATUSES = (AlertStatus.RESOLVED, AlertStatus.FALSE_ALARM, AlertStatus.DUPLICATE)


def alert_response_times(*, alert: Alert) -> ResponseTimes:
    """Derived from the (prefetched) timeline: the first time each status was reached."""
    first: dict[str, datetime] = {}
    for step in alert.steps.all():
        first.setdefault(step.status, step.created_at)

    def since_alert(*statuses: str) -> float | None:
        reached = [first[status] for status in statuses if status in first]
        return (min(reached) - alert.created_at).total_seconds() if reached else None

    return ResponseTimes(
        to_acknowledge=since_alert(AlertStatus.ACKNOWLEDGED),
        to_contact=since_alert(AlertStatus.CONTACTED),
        to_on_scene=since_alert(AlertStatus.ON_SCENE),
        to_close=since_alert(*CLOSING_STATUSES),
    )


def photo_for_viewer(*, user, alert_id: int, photo_id: int) -> AlertPhoto:
    """A photo exactly when it appears in a view of its alert that ``user`` may open: dispatch in scope, the
    reporter's view, the uploader's own photo, or an approved photo of an alert in the member's zones."""
    photo = AlertPhoto.objects.select_related("alert").filter(id=photo_id, alert_id=alert_id).first()
    if photo is None:
        raise NotFound(ERROR_PHOTO_NOT_FOUND)
    alert = photo.alert
    if sees_dispatch_views(user) and staff_scope(user).covers(precinct_id=alert.precinct_id, agency=alert.agency):
        return photo
    if photo.uploaded_by_id == user.id:
        return photo
    if photo.is_approved and (
        alert.reporter_id == user.id or community_alerts(member=user).filter(id=alert_id).exists()
    ):
        return photo
    raise NotFound(ERROR_PHOTO_NOT_FOUND)
