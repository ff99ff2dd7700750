"""Pages for feedback about officers: the form, one's own filings, and the commander's queue with the answer.

Thin like the other station pages: the API's serializers validate, the station's services write."""

import uuid

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop
from django.views.decorators.cache import never_cache

from backend.accounts.models import Role
from backend.common.errors import DomainError
from backend.station.feedback.catalogue import FEEDBACK_FIELDS, FEEDBACK_KIND_DESCRIPTIONS
from backend.station.feedback.selectors import feedback_for_commander, feedback_of, feedback_of_filer, feedback_queue
from backend.station.feedback.serializers import FeedbackActionSerializer, FeedbackFileSerializer
from backend.station.feedback.services import (
    ACTIONS,
    TRANSITIONS,
    FeedbackInput,
    officer_feedback_act,
    officer_feedback_file,
)
from backend.station.models import FeedbackKind, FeedbackStatus

from ..access import role_required
from ..page_config import base_config
from .forms import comuna_choices, error_summary, flat_errors
from .views import login_required_here, verified_citizen_required

FEEDBACK_COMMANDER_ROLES = (Role.COMMANDER, Role.ADMINISTRATOR)
TEXT_FIELDS = ("kind", "precinct", "lat", "lon", "occurred_at", "officer_name", "officer_rank", "officer_badge",
               "unit", "narrative", "contact_email")  # fmt: skip
LABELS = {field.name: field.label for field in FEEDBACK_FIELDS} | {"location": gettext_noop("Where it happened")}
# What the filer reads next to each status (English msgids).
NEXT_STEPS = {
    FeedbackStatus.RECEIVED: gettext_noop("The commander of the precinct concerned will read it and answer you."),
    FeedbackStatus.UNDER_REVIEW: gettext_noop("The commander is looking into it."),
    FeedbackStatus.ANSWERED: gettext_noop("The commander answered. Read the answer below."),
    FeedbackStatus.CLOSED: gettext_noop("This case is closed."),
}


def _feedback_data(post, *, submission_key: str) -> dict:
    data = {name: post.get(name, "") for name in TEXT_FIELDS}
    for name in ("lat", "lon"):
        data[name] = data[name] or None
    return {**data, "submission_key": submission_key}


def _summary(errors: dict) -> list[dict]:
    summary = error_summary(errors, LABELS)
    for entry in summary:
        # The place is chosen from the list or on the map; the list is what a keyboard reaches first.
        if entry["anchor"] in ("id_address", "id_location"):
            entry["anchor"] = "id_precinct"
        if entry["anchor"] == "id_kind":
            entry["anchor"] = "id_kind_complaint"
    return summary


@never_cache
@verified_citizen_required
def feedback_form(request):
    values: dict = {"kind": request.GET.get("tipo", ""), "contact_email": request.user.email}
    submission_key = str(uuid.uuid4())
    errors: dict = {}
    if request.method == "POST":
        values = request.POST.dict()
        submission_key = request.POST.get("submission_key") or submission_key
        serializer = FeedbackFileSerializer(data=_feedback_data(request.POST, submission_key=submission_key))
        if serializer.is_valid():
            try:
                filing = officer_feedback_file(filer=request.user, data=FeedbackInput(**serializer.validated_data))
            except DomainError as error:
                errors = flat_errors({error.field or "non_field_errors": [error.message]})
            else:
                url = reverse("dashboards:station-feedback-detail", kwargs={"folio": filing.feedback.folio})
                return redirect(f"{url}?nuevo=1")
        else:
            errors = flat_errors(serializer.errors)
    return render(
        request,
        "station/feedback/form.html",
        {
            "values": values,
            "errors": errors,
            "summary": _summary(errors),
            "kinds": [(kind.value, kind.label, FEEDBACK_KIND_DESCRIPTIONS[kind]) for kind in FeedbackKind],
            "precincts": comuna_choices(),
            "submission_key": submission_key,
            "config": base_config(request),
        },
        status=400 if errors else 200,
    )


@never_cache
@login_required_here
def feedback_mine(request):
    return render(request, "station/feedback/mine.html", {"filings": feedback_of_filer(filer=request.user)})


@never_cache
@login_required_here
def feedback_detail(request, folio: str):
    try:
        feedback = feedback_of(filer=request.user, folio=folio)
    except DomainError as error:
        raise Http404 from error
    return render(
        request,
        "station/feedback/detail.html",
        {"feedback": feedback, "next_step": NEXT_STEPS[feedback.status], "just_filed": request.GET.get("nuevo") == "1"},
    )


@never_cache
@role_required(*FEEDBACK_COMMANDER_ROLES)
def feedback_queue_page(request):
    return render(request, "station/feedback/queue.html", {"filings": feedback_queue(commander=request.user)})


@never_cache
@role_required(*FEEDBACK_COMMANDER_ROLES)
def feedback_review(request, folio: str):
    try:
        feedback = feedback_for_commander(commander=request.user, folio=folio)
    except DomainError as error:
        raise Http404 from error
    errors: dict = {}
    note = ""
    if request.method == "POST":
        note = request.POST.get("note", "")
        serializer = FeedbackActionSerializer(data=request.POST)
        if serializer.is_valid():
            try:
                officer_feedback_act(commander=request.user, folio=folio, **serializer.validated_data)
            except DomainError as error:
                errors = flat_errors({error.field or "non_field_errors": [error.message]})
            else:
                messages.success(request, gettext("Saved. The person who wrote gets an email."))
                return redirect(request.path)
        else:
            errors = flat_errors(serializer.errors)
    allowed = [action for action, target in ACTIONS.items() if target in TRANSITIONS[feedback.status]]
    choices = FeedbackActionSerializer().fields["action"].choices
    return render(
        request,
        "station/feedback/review.html",
        {
            "feedback": feedback,
            "actions": [(action, label) for action, label in choices.items() if action in allowed],
            "errors": errors,
            "note": note,
        },
        status=400 if errors else 200,
    )
