"""Reads for tips: the officers' queue, scoped to their precincts (tips that name no place are everyone's).

A tip with no place belongs to no precinct, so it would be nobody's if the queue kept to precincts. It is shown
to every station officer instead (the queue's "no place" filter finds them): whoever reads it first can ask the
tipster where it happens. Outside an officer's scope a tip does not exist: reads and writes answer 404 alike.
Once an officer places such a tip (``tip_place``) it belongs to the precinct its point routes to, and leaves the
other precincts' queues.
"""

from dataclasses import dataclass

from django.db import connection
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy

from backend.accounts.scope import staff_scope
from backend.common.errors import NotFound

from ..models import Tip, TipStatus, TipUrgency

ERROR_RECEIPT_UNKNOWN = gettext_lazy(
    "No tip opens with this receipt code. Check that you typed it exactly as it was shown."
)
ERROR_TIP_NOT_FOUND = gettext_lazy("No tip with this reference in your precincts.")
NO_PLACE = "none"
OPEN_STATUSES = frozenset({TipStatus.NEW, TipStatus.IN_REVIEW, TipStatus.WAITING_FOR_TIPSTER})
_URGENCY_ORDER = Case(
    When(urgency=TipUrgency.IMMEDIATE, then=Value(0)),
    When(urgency=TipUrgency.HIGH, then=Value(1)),
    When(urgency=TipUrgency.MEDIUM, then=Value(2)),
    When(urgency=TipUrgency.LOW, then=Value(3)),
    default=Value(4),
    output_field=IntegerField(),
)
_PRECINCT_POINT_SQL = """
    SELECT ST_Y(point), ST_X(point), sqrt(ST_Area(boundary::geography) / pi())
    FROM (SELECT ST_PointOnSurface(boundary) AS point, boundary FROM geo_precinct WHERE id = %s) AS comuna
"""


class ReceiptUnknown(NotFound):
    code = "receipt_unknown"


@dataclass(frozen=True)
class TipFilters:
    """Queue filters; empty means any. ``precinct`` is a precinct code, or ``"none"`` for tips with no place."""

    precinct: str = ""
    category: str = ""
    urgency: str = ""
    status: str = ""


def _scoped(officer) -> QuerySet[Tip]:
    scope = staff_scope(officer)
    queryset = Tip.objects.select_related("precinct")
    if scope.precinct_ids is None:
        return queryset
    return queryset.filter(Q(precinct_id__in=scope.precinct_ids) | Q(precinct__isnull=True))


def officer_covers(*, officer, precinct_id: int) -> bool:
    """Whether the precinct is in the officer's scope (administrators cover every one)."""
    scope = staff_scope(officer)
    return scope.precinct_ids is None or precinct_id in scope.precinct_ids


def tip_queue(*, officer, filters: TipFilters = TipFilters()) -> QuerySet[Tip]:
    """The officer's tips, most urgent first, then the oldest; open ones unless a status is asked for."""
    queryset = _scoped(officer)
    if filters.precinct == NO_PLACE:
        queryset = queryset.filter(precinct__isnull=True)
    elif filters.precinct:
        queryset = queryset.filter(precinct__code=filters.precinct)
    if filters.category:
        queryset = queryset.filter(category=filters.category)
    if filters.urgency:
        queryset = queryset.filter(urgency=filters.urgency)
    queryset = queryset.filter(status=filters.status) if filters.status else queryset.filter(status__in=OPEN_STATUSES)
    return queryset.annotate(urgency_order=_URGENCY_ORDER).order_by("urgency_order", "received_on", "id")


def tip_for_officer(*, officer, reference: str) -> Tip:
    tip = (
        _scoped(officer)
        .prefetch_related("messages__officer", "attachments", "actions__officer")
        .filter(reference=reference)
        .first()
    )
    if tip is None:
        raise NotFound(ERROR_TIP_NOT_FOUND)
    return tip


def tip_in_scope_locked(*, officer, reference: str) -> Tip:
    """The tip, locked for a write (call inside a transaction), if the officer's scope covers it."""
    tip = _scoped(officer).select_for_update(of=("self",)).filter(reference=reference).first()
    if tip is None:
        raise NotFound(ERROR_TIP_NOT_FOUND)
    return tip


def precinct_point(*, precinct_id: int) -> tuple[float, float, float]:
    """(lat, lon, radius in metres) of a precinct's representative point: where a comuna-only tip is placed."""
    with connection.cursor() as cursor:
        cursor.execute(_PRECINCT_POINT_SQL, [precinct_id])
        lat, lon, radius = cursor.fetchone()
    return lat, lon, round(radius)
