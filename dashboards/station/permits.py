"""Permit pages: ask for a permit, my permits, the officers' checkpoint and their list of permits a re-scan revoked
or flagged. Thin: serializers, services, selectors."""

import uuid

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.views.decorators.cache import never_cache

from backend.common.errors import DomainError
from backend.station.documents.pdf import document_context
from backend.station.permits.checkpoint import STATUS_REASONS, checkpoint_verify
from backend.station.permits.rules import PermitRefused
from backend.station.permits.selectors import permit_of, permit_types_active, permits_flagged, permits_of
from backend.station.permits.serializers import CheckpointVerifySerializer, PermitIssueSerializer
from backend.station.permits.services import PermitInput, permit_issue

from .forms import comuna_choices, error_summary, flat_errors
from .views import officer_required, verified_citizen_required

PERMIT_LABELS = {
    "permit_type": gettext_noop("Permit type"),
    "comuna": gettext_noop("Comuna you leave from"),
    "starts_at": gettext_noop("When you leave"),
    "destination": gettext_noop("Where you are going"),
    "reason": gettext_noop("Reason"),
}


@never_cache
@verified_citizen_required
def permit_request(request):
    values, errors, refusal = {}, {}, None
    if request.method == "POST":
        values = request.POST.dict()
        data = {name: values.get(name, "") for name in PERMIT_LABELS}
        data["submission_key"] = values.get("submission_key") or str(uuid.uuid4())
        serializer = PermitIssueSerializer(data=data)
        if serializer.is_valid():
            try:
                issue = permit_issue(requester=request.user, data=PermitInput(**serializer.validated_data))
            except PermitRefused as error:
                refusal = error
            except DomainError as error:
                errors = flat_errors({error.field or "non_field_errors": [error.message]})
            else:
                return redirect(f"{reverse('dashboards:station-permit', kwargs={'folio': issue.permit.folio})}?nuevo=1")
        else:
            errors = flat_errors(serializer.errors)
    if not values.get("starts_at"):
        values["starts_at"] = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    return render(
        request,
        "station/permits/request.html",
        {
            "types": [permit_type for permit_type in permit_types_active() if not permit_type.is_collective],
            "comunas": comuna_choices(),
            "values": values,
            "errors": errors,
            "summary": error_summary(errors, PERMIT_LABELS),
            "refusal": refusal,
            # A fresh key per refusal too: the person may change the form and send it again.
            "submission_key": uuid.uuid4(),
        },
        status=422 if refusal else 400 if errors else 200,
    )


@never_cache
@verified_citizen_required
def my_permits(request):
    return render(request, "station/permits/mine.html", {"permits": permits_of(requester=request.user)})


@never_cache
@verified_citizen_required
def permit_detail(request, folio: str):
    try:
        permit = permit_of(requester=request.user, folio=folio)
    except DomainError as error:
        raise Http404 from error
    return render(
        request,
        "station/permits/detail.html",
        {**document_context(permit.document), "permit": permit, "just_issued": request.GET.get("nuevo") == "1"},
    )


@never_cache
@officer_required
def checkpoint(request):
    result, errors, scanned = None, {}, ""
    if request.method == "POST":
        scanned = request.POST.get("scanned", "").strip()
        is_token = "." in scanned and len(scanned) > 40
        serializer = CheckpointVerifySerializer(data={"token": scanned if is_token else "",
                                                      "code": "" if is_token else scanned})  # fmt: skip
        if serializer.is_valid():
            result = checkpoint_verify(officer=request.user, **serializer.validated_data)
        else:
            errors = {"scanned": [gettext("Scan the QR code or type the verification code.")]}
    return render(
        request,
        "station/permits/checkpoint.html",
        {
            "result": result,
            "errors": errors,
            "scanned": scanned,
            "summary": error_summary(errors, {"scanned": gettext_noop("QR code or verification code")}),
        },
        status=400 if errors else 200,
    )


FLAGGED_PAGE_SIZE = 200


@never_cache
@officer_required
def flagged_permits(request):
    """Permits of the officer's precincts that a registry import revoked or flagged: whom to look out for."""
    permits = list(permits_flagged(officer=request.user)[:FLAGGED_PAGE_SIZE])
    for permit in permits:
        permit.reason = STATUS_REASONS.get(permit.status_code, permit.status_code)
    return render(request, "station/permits/flagged.html", {"permits": permits, "limit": FLAGGED_PAGE_SIZE})
