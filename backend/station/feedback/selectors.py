"""Reads for feedback about officers: a filer sees only their own; a commander only their precincts'."""

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils.translation import gettext_lazy

from backend.accounts.scope import staff_scope
from backend.common.errors import NotFound

from ..models import FeedbackStatus, OfficerFeedback
from .services import ERROR_NOT_FOUND, OPEN_STATUSES

ERROR_NOT_YOURS = gettext_lazy("No feedback with this folio among yours.")


def _feedback() -> QuerySet[OfficerFeedback]:
    return OfficerFeedback.objects.select_related("precinct", "filer").prefetch_related("history")


def feedback_of_filer(*, filer) -> QuerySet[OfficerFeedback]:
    return _feedback().filter(filer=filer).order_by("-created_at")


def feedback_of(*, filer, folio: str) -> OfficerFeedback:
    feedback = _feedback().filter(filer=filer, folio=folio).first()
    if feedback is None:
        raise NotFound(ERROR_NOT_YOURS)
    return feedback


def feedback_queue(*, commander, statuses: frozenset[str] = OPEN_STATUSES) -> QuerySet[OfficerFeedback]:
    """Open feedback of the commander's precincts: new first, then under review, then answered; oldest first."""
    order = Case(
        When(status=FeedbackStatus.RECEIVED, then=Value(0)),
        When(status=FeedbackStatus.UNDER_REVIEW, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    queryset = _feedback().filter(status__in=statuses).annotate(queue_order=order)
    return staff_scope(commander).filter(queryset).order_by("queue_order", "created_at")


def feedback_for_commander(*, commander, folio: str) -> OfficerFeedback:
    feedback = staff_scope(commander).filter(_feedback().filter(folio=folio)).first()
    if feedback is None:
        raise NotFound(ERROR_NOT_FOUND)
    return feedback
