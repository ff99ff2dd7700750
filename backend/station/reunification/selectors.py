"""Reads for family reunification. The requester's view is built here and nowhere else: a status out of four, and
the consented details after a consent. Searching and found both read "in progress" (a found person may still be
deciding), and a refusal reads exactly like a search that found no one: "closed". So a requester never learns
whether, or where, someone who cut contact on purpose was found."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy, gettext_noop

from backend.accounts.scope import staff_scope
from backend.common.errors import NotFound

from ..models import ReunificationRequest, ReunificationStatus
from .services import ERROR_NOT_FOUND, OPEN_STATUSES

S = ReunificationStatus
ERROR_NOT_YOURS = gettext_lazy("No reunification request with this folio among yours.")
REQUESTER_STATUS = {
    S.RECEIVED: "received",
    S.SEARCHING: "in_progress",
    S.FOUND: "in_progress",
    S.CONTACT_SHARED: "contact_shared",
    S.CONTACT_REFUSED: "closed",
    S.NOT_FOUND: "closed",
}
REQUESTER_STATUS_LABELS = {
    "received": gettext_noop("Received"),
    "in_progress": gettext_noop("In progress"),
    "contact_shared": gettext_noop("Closed: the person agreed to share contact"),
    "closed": gettext_noop("Closed"),
}
REQUESTER_NEXT_STEPS = {
    "received": gettext_noop("Officers of the precinct of the last known place will start the search."),
    "in_progress": gettext_noop("Officers are searching. We show nothing about the person until the search ends."),
    "contact_shared": gettext_noop("The person agreed to pass on the details below. They chose what to share."),
    "closed": gettext_noop(
        "The search ended. We do not say why: a person's decision and whereabouts are theirs. "
        "You can file a new request if something changes."
    ),
}


@dataclass(frozen=True)
class RequesterView:
    """What a requester may read of their request: their own answers, a coarse status, consented details only."""

    folio: str
    created_at: object
    sought_name: str
    relationship: str
    comuna: str
    status: str
    shared: dict[str, str] | None

    @property
    def status_label(self) -> str:
        return REQUESTER_STATUS_LABELS[self.status]

    @property
    def next_step(self) -> str:
        return REQUESTER_NEXT_STEPS[self.status]


def requester_view(request: ReunificationRequest) -> RequesterView:
    status = REQUESTER_STATUS[request.status]
    shared = None
    if status == "contact_shared":
        decision = request.decision
        values = {
            "phone": decision.shared_phone,
            "email": decision.shared_email,
            "place": decision.shared_place,
            "message": decision.shared_message,
        }
        shared = {name: value for name, value in values.items() if value}
    return RequesterView(
        folio=request.folio,
        created_at=request.created_at,
        sought_name=request.sought_name,
        relationship=request.relationship,
        comuna=request.precinct.name,
        status=status,
        shared=shared,
    )


def _own(requester) -> QuerySet[ReunificationRequest]:
    return ReunificationRequest.objects.select_related("precinct", "decision").filter(requester=requester)


def reunification_requests_of(*, requester) -> list[RequesterView]:
    return [requester_view(request) for request in _own(requester).order_by("-created_at")]


def reunification_request_of(*, requester, folio: str) -> RequesterView:
    request = _own(requester).filter(folio=folio).first()
    if request is None:
        raise NotFound(ERROR_NOT_YOURS)
    return requester_view(request)


def _for_officers() -> QuerySet[ReunificationRequest]:
    return ReunificationRequest.objects.select_related("precinct", "requester", "decision").prefetch_related(
        "steps__actor"
    )


def reunification_queue(*, officer) -> QuerySet[ReunificationRequest]:
    """Open requests of the officer's precincts: new ones first, then those in search, then found; oldest first."""
    order = Case(
        When(status=S.RECEIVED, then=Value(0)),
        When(status=S.SEARCHING, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    queryset = _for_officers().filter(status__in=OPEN_STATUSES).annotate(queue_order=order)
    return staff_scope(officer).filter(queryset).order_by("queue_order", "created_at")


def reunification_for_officer(*, officer, folio: str) -> ReunificationRequest:
    request = staff_scope(officer).filter(_for_officers().filter(folio=folio)).first()
    if request is None:
        raise NotFound(ERROR_NOT_FOUND)
    return request


def reunification_related(*, officer, request: ReunificationRequest) -> list[ReunificationRequest]:
    """Earlier requests of the same requester, or for the same RUN, in the officer's scope: a refusal on record
    there is something the officer must know before contacting anyone again."""
    condition = Q(requester_id=request.requester_id)
    if request.sought_run:
        condition |= Q(sought_run=request.sought_run)
    queryset = ReunificationRequest.objects.select_related("decision").filter(condition).exclude(id=request.id)
    return list(staff_scope(officer).filter(queryset).order_by("-created_at"))
