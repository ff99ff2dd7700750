"""Reads for complaints: a complainant sees only their own; an officer only their precincts'."""

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils.translation import gettext_lazy

from backend.accounts.scope import staff_scope
from backend.common.errors import NotFound

from ..models import Complaint, ComplaintStatus
from .services import OPEN_STATUSES

ERROR_NOT_FOUND = gettext_lazy("No complaint with this folio among yours.")


def _complaints() -> QuerySet[Complaint]:
    return Complaint.objects.select_related("document", "precinct", "complainant").prefetch_related("history")


def complaints_of(*, complainant) -> QuerySet[Complaint]:
    return _complaints().filter(complainant=complainant).order_by("-created_at")


def complaint_of(*, complainant, folio: str) -> Complaint:
    complaint = _complaints().filter(complainant=complainant, folio=folio).first()
    if complaint is None:
        raise NotFound(ERROR_NOT_FOUND)
    return complaint


def review_queue(*, officer, statuses: frozenset[str] = OPEN_STATUSES) -> QuerySet[Complaint]:
    """Open complaints of the officer's precincts, new ones first in line, then the oldest."""
    order = Case(
        When(status=ComplaintStatus.RECEIVED, then=Value(0)),
        When(status=ComplaintStatus.UNDER_REVIEW, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    queryset = _complaints().filter(status__in=statuses).annotate(queue_order=order)
    return staff_scope(officer).filter(queryset).order_by("queue_order", "created_at")


def review_complaint(*, officer, folio: str) -> Complaint:
    complaint = staff_scope(officer).filter(_complaints().filter(folio=folio)).first()
    if complaint is None:
        raise NotFound("No complaint with this folio in your precincts.")
    return complaint


def complaint_for_analytics(*, folio: str) -> Complaint | None:
    """The one read analytics makes of a complaint to mirror it as a formal report."""
    return Complaint.objects.select_related("precinct").filter(folio=folio).first()


def complaints_for_analytics() -> QuerySet[Complaint]:
    return Complaint.objects.only("folio", "status", "updated_at")
