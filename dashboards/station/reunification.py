"""Family reunification pages: the request form, the requester's requests (status and consented details only),
and the precinct's queue and request page where officers record each step and the found person's decision."""

import uuid

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop
from django.views.decorators.cache import never_cache

from backend.common.errors import DomainError
from backend.station.models import ConsentMethod, Relationship, ReunificationStatus
from backend.station.reunification.selectors import (
    reunification_for_officer,
    reunification_queue,
    reunification_related,
    reunification_request_of,
    reunification_requests_of,
)
from backend.station.reunification.serializers import (
    DecisionRecordSerializer,
    ReunificationFileSerializer,
    StepRecordSerializer,
)
from backend.station.reunification.services import (
    CLOSED_STATUSES,
    ReunificationInput,
    reunification_decision_record,
    reunification_request_file,
    reunification_step_record,
)

from .forms import comuna_choices, flat_errors
from .views import officer_required, verified_citizen_required

FORM_LABELS = {
    "sought_name": gettext_noop("Full name of the person you are looking for"),
    "sought_run": gettext_noop("Their RUN, if you know it"),
    "relationship": gettext_noop("Who they are to you"),
    "comuna": gettext_noop("Comuna of the last place you know they lived"),
    "last_known_place": gettext_noop("Address or sector, if you know it"),
    "last_contact_year": gettext_noop("Year of your last contact"),
    "how_contact_was_lost": gettext_noop("How you lost contact"),
    "is_not_missing": gettext_noop("This person is not missing"),
    "contact_email": gettext_noop("Email for updates"),
    "submission_key": gettext_noop("Form"),
}
SHARED_LABELS = {
    "phone": gettext_noop("Phone"),
    "email": gettext_noop("Email"),
    "place": gettext_noop("Where they are"),
    "message": gettext_noop("Their message for you"),
}


def _summary(errors: dict, labels: dict) -> list[dict]:
    return [
        {"anchor": f"id_{name}", "label": gettext(labels[name]) if name in labels else "", "message": text}
        for name, texts in errors.items()
        for text in texts
    ]


@never_cache
@verified_citizen_required
def request_form(request):
    values, errors = {"submission_key": str(uuid.uuid4()), "contact_email": request.user.email}, {}
    if request.method == "POST":
        values = request.POST.dict()
        data = {**values, "is_not_missing": values.get("is_not_missing") == "true"}
        if data.get("last_contact_year", "") == "":
            data["last_contact_year"] = None
        serializer = ReunificationFileSerializer(data=data)
        if serializer.is_valid():
            fields = {key: value for key, value in serializer.validated_data.items() if key != "is_not_missing"}
            try:
                filing = reunification_request_file(requester=request.user, data=ReunificationInput(**fields))
            except DomainError as error:
                errors = flat_errors({error.field or "non_field_errors": [error.message]})
            else:
                url = reverse("dashboards:station-reunification", kwargs={"folio": filing.request.folio})
                return redirect(f"{url}?nuevo=1")
        else:
            errors = flat_errors(serializer.errors)
    return render(
        request,
        "station/reunification/request_form.html",
        {
            "values": values,
            "errors": errors,
            "summary": _summary(errors, FORM_LABELS),
            "relationships": Relationship.choices,
            "comunas": comuna_choices(),
        },
        status=400 if errors else 200,
    )


@never_cache
@verified_citizen_required
def my_requests(request):
    return render(
        request,
        "station/reunification/my_requests.html",
        {"requests": reunification_requests_of(requester=request.user)},
    )


@never_cache
@verified_citizen_required
def request_status(request, folio: str):
    try:
        view = reunification_request_of(requester=request.user, folio=folio)
    except DomainError as error:
        raise Http404 from error
    shared = [(SHARED_LABELS[name], value) for name, value in (view.shared or {}).items()]
    return render(
        request,
        "station/reunification/request_status.html",
        {"view": view, "shared": shared, "relationship": Relationship(view.relationship).label,
         "just_filed": request.GET.get("nuevo") == "1"},
    )  # fmt: skip


@never_cache
@officer_required
def queue(request):
    return render(request, "station/reunification/queue.html", {"requests": reunification_queue(officer=request.user)})


@never_cache
@officer_required
def queue_detail(request, folio: str):
    try:
        found = reunification_for_officer(officer=request.user, folio=folio)
    except DomainError as error:
        raise Http404 from error
    errors, form = {}, None
    if request.method == "POST":
        form = request.POST.get("form")
        if form == "decision":
            data = {**request.POST.dict(), "consents": request.POST.get("consents") == "true"}
            serializer, record = DecisionRecordSerializer(data=data), reunification_decision_record
        else:
            serializer, record = StepRecordSerializer(data=request.POST), reunification_step_record
        if serializer.is_valid():
            try:
                record(officer=request.user, folio=folio, **serializer.validated_data)
            except DomainError as error:
                errors = flat_errors({error.field or "non_field_errors": [error.message]})
            else:
                messages.success(request, gettext("Saved in the request's record."))
                return redirect(request.path)
        else:
            errors = flat_errors(serializer.errors)
        found = reunification_for_officer(officer=request.user, folio=folio)
    return render(
        request,
        "station/reunification/queue_detail.html",
        {
            "request_": found,
            "related": reunification_related(officer=request.user, request=found),
            "is_open": found.status not in CLOSED_STATUSES,
            "is_found": found.status == ReunificationStatus.FOUND,
            "errors": errors,
            "form": form,
            "methods": ConsentMethod.choices,
            "step_actions": StepRecordSerializer().fields["action"].choices.items(),
        },
        status=400 if errors else 200,
    )
