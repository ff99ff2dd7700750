"""The Comisaría Virtual pages. Thin: each view calls the station's serializers, services and selectors."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from backend.accounts.scope import user_has_role
from backend.common.errors import DomainError
from backend.station.complaints.apis import complaint_input
from backend.station.complaints.catalogue import COMPLAINT_TYPES
from backend.station.complaints.selectors import review_complaint, review_queue
from backend.station.complaints.serializers import ComplaintActionSerializer, ComplaintFileSerializer
from backend.station.complaints.services import ACTIONS, TRANSITIONS, complaint_file, complaint_reply, complaint_review
from backend.station.constancias.catalogue import CONSTANCIA_KINDS
from backend.station.constancias.serializers import ConstanciaIssueSerializer
from backend.station.constancias.services import ConstanciaInput, constancia_issue
from backend.station.documents.codes import code_format
from backend.station.documents.pdf import document_context
from backend.station.documents.selectors import document_verify, documents_of
from backend.station.documents.services import document_pdf_request
from backend.station.drafts.services import draft_discard, draft_get, draft_save
from backend.station.models import ComplaintStatus, IssuedDocument
from backend.station.permissions import VerificationThrottle

from ..access import STATION_REVIEW_ROLES
from ..page_config import base_config, url_pattern
from .forms import (
    COMPLAINT_LABELS,
    ITEM_ROWS,
    complaint_data,
    comuna_choices,
    constancia_data,
    error_summary,
    field_views,
    flat_errors,
)

REVIEW_ROLES = STATION_REVIEW_ROLES
# What the person reads next to each status (English msgids).
NEXT_STEPS = {
    ComplaintStatus.RECEIVED: gettext_noop(
        "Staff of your precinct will review your complaint. We write to you at each change."
    ),
    ComplaintStatus.UNDER_REVIEW: gettext_noop("An officer is reviewing your complaint."),
    ComplaintStatus.INFORMATION_REQUESTED: gettext_noop("The officer needs more information. Answer below."),
    ComplaintStatus.ACCEPTED: gettext_noop("Your complaint was accepted. It will be sent to the Fiscalía."),
    ComplaintStatus.FORWARDED: gettext_noop("The Fiscalía now leads the case. Ask them about it with your folio."),
    ComplaintStatus.REJECTED: gettext_noop("Your complaint was rejected. Read the reason below."),
}


def verified_citizen_required(view):
    """Anonymous people log in; accounts without a verified identity are asked to use ClaveÚnica."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_identity_verified:
            return render(request, "station/verify_identity.html", {"next": request.get_full_path()}, status=403)
        return view(request, *args, **kwargs)

    return wrapper


def login_required_here(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


def officer_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not user_has_role(request.user, *REVIEW_ROLES):
            return render(request, "dashboards/forbidden.html", {"allowed_roles": REVIEW_ROLES}, status=403)
        return view(request, *args, **kwargs)

    return wrapper


def _idle_session(request) -> int:
    request.session.set_expiry(settings.STATION_SESSION_IDLE_SECONDS)
    return settings.STATION_SESSION_IDLE_SECONDS


def _form_config(request, form_name: str) -> dict:
    return {
        **base_config(request),
        "form": form_name,
        "session_seconds": settings.STATION_SESSION_IDLE_SECONDS,
        "urls": {
            **base_config(request)["urls"],
            "draft": url_pattern("station:draft", "form").replace("{form}", form_name),
            "keepalive": reverse("dashboards:station-keepalive"),
        },
    }


def services(request):
    return render(
        request,
        "station/services.html",
        {"complaint_types": COMPLAINT_TYPES.values(), "constancia_kinds": CONSTANCIA_KINDS.values()},
    )


@never_cache
@verified_citizen_required
def complaint_form(request, code: str):
    complaint_type = COMPLAINT_TYPES.get(code) or _not_found()
    form_name = f"complaint:{code}"
    draft = draft_get(user=request.user, form=form_name)
    values, errors = dict(draft.data), {}
    if request.method == "POST":
        values = request.POST.dict()
        if request.POST.get("action") == "save":
            draft_save(user=request.user, form=form_name, data=values)
            messages.success(request, gettext("Saved. You can close this page and continue later."))
            return redirect(request.path)
        serializer = ComplaintFileSerializer(
            data=complaint_data(
                request.POST, request.FILES, complaint_type=complaint_type, submission_key=draft.submission_key
            )
        )
        if serializer.is_valid():
            try:
                filing = complaint_file(complainant=request.user, data=complaint_input(serializer.validated_data))
            except DomainError as error:
                errors = flat_errors({error.field or "non_field_errors": [error.message]})
            else:
                draft_discard(user=request.user, form=form_name)
                return _confirmation(filing.complaint.folio)
        else:
            errors = flat_errors(serializer.errors)
        draft_save(user=request.user, form=form_name, data=values)
    if not values.get("contact_email"):
        values["contact_email"] = request.user.email
    labels = {**COMPLAINT_LABELS, "items": complaint_type.items_label}
    labels.update({f"details.{spec.name}": spec.label for spec in complaint_type.fields})
    _idle_session(request)
    return render(
        request,
        "station/complaint_form.html",
        {
            "complaint_type": complaint_type,
            "values": values,
            "errors": errors,
            "summary": error_summary(errors, labels),
            "details": field_views(complaint_type.fields, prefix="details", values=values, errors=errors),
            "item_rows": [
                {
                    "index": row,
                    "description": values.get(f"items-{row}-description", ""),
                    "value": values.get(f"items-{row}-value", ""),
                    "errors": errors.get(f"items[{row}].description", []) + errors.get(f"items[{row}].value", []),
                }
                for row in range(ITEM_ROWS)
            ],
            "comunas": comuna_choices(),
            "submission_key": draft.submission_key,
            "config": _form_config(request, form_name),
        },
        status=400 if errors else 200,
    )


@never_cache
@verified_citizen_required
def constancia_form(request, code: str):
    kind = CONSTANCIA_KINDS.get(code) or _not_found()
    form_name = f"constancia:{code}"
    draft = draft_get(user=request.user, form=form_name)
    values, errors = dict(draft.data), {}
    if request.method == "POST":
        values = request.POST.dict()
        if request.POST.get("action") == "save":
            draft_save(user=request.user, form=form_name, data=values)
            messages.success(request, gettext("Saved. You can close this page and continue later."))
            return redirect(request.path)
        serializer = ConstanciaIssueSerializer(
            data=constancia_data(request.POST, kind=kind, submission_key=draft.submission_key)
        )
        if serializer.is_valid():
            try:
                issue = constancia_issue(citizen=request.user, data=ConstanciaInput(**serializer.validated_data))
            except DomainError as error:
                errors = flat_errors({error.field or "non_field_errors": [error.message]})
            else:
                draft_discard(user=request.user, form=form_name)
                return _confirmation(issue.constancia.folio)
        else:
            errors = flat_errors(serializer.errors)
        draft_save(user=request.user, form=form_name, data=values)
    if not values.get("contact_email"):
        values["contact_email"] = request.user.email
    labels = {"contact_email": "Email for updates", **{f"answers.{spec.name}": spec.label for spec in kind.fields}}
    _idle_session(request)
    return render(
        request,
        "station/constancia_form.html",
        {
            "kind": kind,
            "values": values,
            "errors": errors,
            "summary": error_summary(errors, labels),
            "answers": field_views(kind.fields, prefix="answers", values=values, errors=errors),
            "submission_key": draft.submission_key,
            "config": _form_config(request, form_name),
        },
        status=400 if errors else 200,
    )


def _confirmation(folio: str):
    # Post/redirect/get: reloading the confirmation never sends the form again.
    return redirect(f"{reverse('dashboards:station-document', kwargs={'folio': folio})}?nuevo=1")


def _not_found():
    raise Http404


def _owned_document(request, folio: str) -> IssuedDocument:
    document = (
        IssuedDocument.objects.select_related("complaint__precinct", "constancia")
        .filter(owner=request.user, folio=folio)
        .first()
    )
    if document is None:
        raise Http404
    return document


@never_cache
@login_required_here
def document_detail(request, folio: str):
    """The confirmation page and, later, the status page: folio, code, QR, what happens next."""
    document = _owned_document(request, folio)
    complaint = getattr(document, "complaint", None)
    reply_errors = {}
    if request.method == "POST" and complaint is not None:
        information = request.POST.get("information", "").strip()
        if not information:
            reply_errors = {"information": [gettext("Write your answer.")]}
        else:
            try:
                complaint_reply(complainant=request.user, folio=folio, information=information)
            except DomainError as error:
                reply_errors = {"information": [gettext(error.message)]}
            else:
                messages.success(request, gettext("Thank you. We sent your answer to the officer."))
                return redirect(request.path)
    return render(
        request,
        "station/document.html",
        {
            **document_context(document),
            "complaint": complaint,
            "history": list(complaint.history.all()) if complaint else [],
            "next_step": NEXT_STEPS.get(complaint.status) if complaint else None,
            "reply_errors": reply_errors,
            "just_filed": request.GET.get("nuevo") == "1",
        },
        status=400 if reply_errors else 200,
    )


@never_cache
@login_required_here
def document_pdf(request, folio: str):
    document = _owned_document(request, folio)
    if not document.pdf:
        document_pdf_request(document=document)
        return render(request, "station/pdf_pending.html", {"document": document}, status=202)
    return FileResponse(
        document.pdf.open("rb"), content_type="application/pdf", as_attachment=True, filename=f"{document.folio}.pdf"
    )


@never_cache
@login_required_here
def my_documents(request):
    return render(request, "station/my_documents.html", {"documents": documents_of(owner=request.user)})


@require_POST
@login_required_here
def session_keepalive(request):
    _idle_session(request)
    return HttpResponse(status=204)


@never_cache
@officer_required
def review_list(request):
    return render(request, "station/review_queue.html", {"complaints": review_queue(officer=request.user)})


@never_cache
@officer_required
def review_detail(request, folio: str):
    try:
        complaint = review_complaint(officer=request.user, folio=folio)
    except DomainError as error:
        raise Http404 from error
    errors = {}
    if request.method == "POST":
        serializer = ComplaintActionSerializer(data=request.POST)
        if serializer.is_valid():
            try:
                complaint_review(officer=request.user, folio=folio, **serializer.validated_data)
            except DomainError as error:
                errors = flat_errors({error.field or "non_field_errors": [error.message]})
            else:
                messages.success(request, gettext("Saved. The complainant gets an email."))
                return redirect(request.path)
        else:
            errors = flat_errors(serializer.errors)
    allowed = [action for action, target in ACTIONS.items() if target in TRANSITIONS[complaint.status]]
    return render(
        request,
        "station/review_detail.html",
        {
            "complaint": complaint,
            "document": complaint.document,
            "code": code_format(complaint.document.code),
            "actions": [
                (action, label)
                for action, label in ComplaintActionSerializer().fields["action"].choices.items()
                if action in allowed
            ],
            "errors": errors,
            "complaint_type": COMPLAINT_TYPES.get(complaint.offense),
        },
        status=400 if errors else 200,
    )


@officer_required
def review_evidence(request, folio: str, evidence_id: int):
    try:
        complaint = review_complaint(officer=request.user, folio=folio)
    except DomainError as error:
        raise Http404 from error
    evidence = complaint.evidence.filter(id=evidence_id).first() or _not_found()
    return FileResponse(evidence.file.open("rb"), content_type=evidence.content_type)


@never_cache
def verify(request, code: str | None = None):
    """The public check: anyone, no login. Shows only what the document certifies."""
    if code is None and request.GET.get("codigo"):
        return redirect("dashboards:station-verify-code", code=request.GET["codigo"].strip().replace(" ", "-"))
    if code is not None and not VerificationThrottle().allow_request(request, None):
        return render(request, "station/verify.html", {"throttled": True}, status=429)
    verification = document_verify(code_text=code, token=request.GET.get("t")) if code is not None else None
    return render(request, "station/verify.html", {"verification": verification, "typed": code or ""})
