"""Reads for permits: the configured catalogue, a person's own permits, and the officers' queue of flagged ones."""

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy

from backend.accounts.scope import staff_scope
from backend.common.errors import NotFound

from ..models import ComunaPhase, Permit, PermitRule, PermitStatus, PermitType

ERROR_NOT_FOUND = gettext_lazy("No permit with this folio among yours.")


def permit_types_active() -> QuerySet[PermitType]:
    return PermitType.objects.filter(is_active=True).prefetch_related(
        Prefetch("rules", queryset=PermitRule.objects.order_by("phase"))
    )


def comuna_phases() -> QuerySet[ComunaPhase]:
    return ComunaPhase.objects.select_related("precinct").order_by("precinct__name")


def _permits() -> QuerySet[Permit]:
    return Permit.objects.select_related("permit_type", "precinct", "document")


def permits_of(*, requester) -> QuerySet[Permit]:
    return _permits().filter(requester=requester).order_by("-created_at")


def permit_of(*, requester, folio: str) -> Permit:
    permit = _permits().filter(requester=requester, folio=folio).first()
    if permit is None:
        raise NotFound(ERROR_NOT_FOUND)
    return permit


def permits_flagged(*, officer) -> QuerySet[Permit]:
    """Permits a re-scan revoked or flagged, in the officer's precincts (by the permit's comuna), newest first."""
    queryset = _permits().filter(status__in=[PermitStatus.REVOKED, PermitStatus.FLAGGED])
    return staff_scope(officer).filter(queryset).order_by("-status_changed_at", "-id")
