"""Anonymous tip pages: send one, read its mailbox with the receipt code, and the officers' queue.

The public pages (``/comisaria/denuncia-anonima/...``) take no session and set no cookie (TipPrivacyMiddleware),
so they cannot use CSRF cookies either: they are CSRF-exempt, which costs nothing here, since a forged request
carries no one's credentials (there are none) and reading or answering needs the receipt code itself. The code
goes in POST bodies only, never in a URL, and every answer is ``no-store``.
"""

import uuid

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from backend.accounts.scope import staff_scope
from backend.common.errors import DomainError
from backend.station.models import TipMessageKind, TipStatus, TipUrgency
from backend.station.tips.apis import tip_input
from backend.station.tips.catalogue import TIP_CATEGORIES, URGENCY_HELP
from backend.station.tips.privacy import page_language_activate
from backend.station.tips.receipts import SealInvalid, receipt_format, receipt_new, receipt_seal, receipt_unseal
from backend.station.tips.selectors import NO_PLACE, TipFilters, tip_for_officer, tip_queue
from backend.station.tips.serializers import (
    ReceiptCodeSerializer,
    TipAnswerSerializer,
    TipForwardSerializer,
    TipOfficerMessageSerializer,
    TipPlaceSerializer,
    TipQueueFilterSerializer,
    TipSendSerializer,
    TipTriageSerializer,
)
from backend.station.tips.services import (
    MESSAGE_ALREADY_RECEIVED,
    SETTABLE_STATUSES,
    TipClosed,
    tip_answer,
    tip_forward,
    tip_mailbox_open,
    tip_message_send,
    tip_place,
    tip_submit,
    tip_triage,
)

from ..page_config import base_config
from .forms import comuna_choices, error_summary, flat_errors
from .views import officer_required

ERROR_FORM_CHANGED = gettext_lazy("This form was changed or comes from elsewhere. Reload the page and write it again.")
TIP_LABELS = {
    "category": gettext_lazy("What it is about"),
    "text": gettext_lazy("What you know"),
    "location": gettext_lazy("Where it happens"),
    "comuna": gettext_lazy("Comuna"),
    "address": gettext_lazy("Street or landmark"),
    "urgency": gettext_lazy("How urgent it is"),
    "attachments": gettext_lazy("Photos"),
    "receipt": gettext_lazy("Form"),
    "submission_key": gettext_lazy("Form"),
    "receipt_code": gettext_lazy("Receipt code"),
    "body": gettext_lazy("Your message"),
}


# Errors of hidden fields point at the first field the person can see.
SUMMARY_ANCHORS = {"id_location": "id_comuna", "id_receipt": "id_text", "id_submission_key": "id_text"}


def _languages() -> list[tuple[str, str]]:
    return list(settings.LANGUAGES)


def _blank_to_none(value):
    return None if value in (None, "") else value


def _tip_data(post, files) -> dict:
    return {
        "category": post.get("category", ""),
        "text": post.get("text", ""),
        "lat": _blank_to_none(post.get("lat")),
        "lon": _blank_to_none(post.get("lon")),
        "comuna": post.get("comuna", ""),
        "address": post.get("address", ""),
        "urgency": post.get("urgency", ""),
        "attachments": files.getlist("attachments"),
        "submission_key": _blank_to_none(post.get("submission_key")),
    }


def _summary(errors: dict) -> list[dict]:
    summary = error_summary(errors, {name: str(label) for name, label in TIP_LABELS.items()})
    for entry in summary:
        entry["anchor"] = SUMMARY_ANCHORS.get(entry["anchor"], entry["anchor"])
    return summary


@csrf_exempt
@never_cache
def tip_form(request):
    page_language_activate(request)
    values, errors = {}, {}
    # The page sends both keys an app may: its sealed code (see receipts.py) and a submission key.
    sealed, submission_key = receipt_seal(receipt_new()), str(uuid.uuid4())
    if request.method == "POST":
        values = request.POST.dict()
        sealed = request.POST.get("receipt", "")
        submission_key = request.POST.get("submission_key", "")
        serializer = TipSendSerializer(data=_tip_data(request.POST, request.FILES))
        try:
            code = receipt_unseal(sealed)
        except SealInvalid:
            errors = {"receipt": [str(ERROR_FORM_CHANGED)]}
            sealed, submission_key = receipt_seal(receipt_new()), str(uuid.uuid4())
        else:
            if serializer.is_valid():
                try:
                    submission = tip_submit(
                        data=tip_input(serializer.validated_data),
                        client_key=request.tip_client_key,
                        receipt_code=code,
                        submission_key=serializer.validated_data["submission_key"],
                    )
                except DomainError as error:
                    errors = flat_errors({error.field or "non_field_errors": [error.message]})
                else:
                    shown = receipt_format(submission.receipt_code) if submission.receipt_code else ""
                    return render(
                        request,
                        "station/tips/receipt.html",
                        {"code": shown, "tip": submission.tip, "already_received": MESSAGE_ALREADY_RECEIVED,
                         "languages": _languages()},
                    )  # fmt: skip
            else:
                errors = flat_errors(serializer.errors)
    return render(
        request,
        "station/tips/form.html",
        {
            "categories": TIP_CATEGORIES.values(),
            "urgencies": [(value, label, gettext(URGENCY_HELP[value])) for value, label in TipUrgency.choices],
            "comunas": comuna_choices(),
            "values": values,
            "errors": errors,
            "summary": _summary(errors),
            "receipt": sealed,
            "submission_key": submission_key,
            "languages": _languages(),
            "config": {**base_config(request), "csrf_token": ""},
        },
        status=400 if errors else 200,
    )


@csrf_exempt
@never_cache
def tip_mailbox(request):
    page_language_activate(request)
    tip, errors, status, typed, sent = None, {}, 200, "", False
    if request.method == "POST":
        typed = request.POST.get("receipt_code", "")
        answering = request.POST.get("action") == "answer"
        serializer = (TipAnswerSerializer if answering else ReceiptCodeSerializer)(data=request.POST)
        try:
            if serializer.is_valid():
                if answering:
                    tip, sent = tip_answer(client_key=request.tip_client_key, **serializer.validated_data), True
                else:
                    tip = tip_mailbox_open(client_key=request.tip_client_key, **serializer.validated_data)
            else:
                errors, status = flat_errors(serializer.errors), 400
                if "receipt_code" not in errors:
                    tip = tip_mailbox_open(client_key=request.tip_client_key, receipt_code=typed)
        except TipClosed as error:
            errors, status = flat_errors({"body": [error.message]}), error.status_code
            tip = tip_mailbox_open(client_key=request.tip_client_key, receipt_code=typed)
        except DomainError as error:
            # A wrong code, or too many tries: the same page, the same words, whatever the reason.
            errors, status, tip = flat_errors({"receipt_code": [error.message]}), error.status_code, None
    return render(
        request,
        "station/tips/mailbox.html",
        {
            "tip": tip,
            "typed": typed if tip is not None else "",
            "errors": errors,
            "summary": _summary(errors),
            "sent": sent,
            "category": TIP_CATEGORIES.get(tip.category) if tip else None,
            "is_closed": tip is not None and tip.status == TipStatus.CLOSED,
            "languages": _languages(),
        },
        status=status,
    )


# Officers


@never_cache
@officer_required
def tip_review_list(request):
    filters = TipQueueFilterSerializer(data=request.GET)
    chosen = filters.validated_data if filters.is_valid() else {}
    tips = list(tip_queue(officer=request.user, filters=TipFilters(**chosen)))
    for tip in tips:
        tip.category_title = gettext(TIP_CATEGORIES[tip.category].title) if tip.category in TIP_CATEGORIES else ""
    return render(
        request,
        "station/tips/queue.html",
        {
            "tips": tips,
            "chosen": chosen,
            "categories": TIP_CATEGORIES.values(),
            "precincts": comuna_choices(),
            "no_place": NO_PLACE,
            "urgencies": TipUrgency.choices,
            "statuses": TipStatus.choices,
            "filter_errors": flat_errors(filters.errors) if filters.errors else {},
        },
    )


ACTION_SERIALIZERS = {"triage": TipTriageSerializer, "message": TipOfficerMessageSerializer,
                      "place": TipPlaceSerializer, "forward": TipForwardSerializer}  # fmt: skip
ACTION_SERVICES = {"triage": tip_triage, "message": tip_message_send, "place": tip_place, "forward": tip_forward}
ACTION_DONE = {
    "triage": gettext_lazy("Saved."),
    "place": gettext_lazy("Place saved. The tip is now in the queue of that point's precinct."),
    "message": gettext_lazy("Sent. The tipster reads it with their receipt code."),
    "forward": gettext_lazy("Forwarded. Dispatch gets the alert in a moment."),
}


def _map_focus(request, tip) -> list[int] | None:
    """The precincts the place map opens on: the tip's comuna if it names one, else the officer's (None: all)."""
    if tip.precinct_id is not None:
        return [tip.precinct_id]
    scope = staff_scope(request.user)
    return None if scope.precinct_ids is None else sorted(scope.precinct_ids)


def _officer_tip(request, reference: str):
    try:
        return tip_for_officer(officer=request.user, reference=reference)
    except DomainError as error:
        raise Http404 from error


@never_cache
@officer_required
def tip_review_detail(request, reference: str):
    tip = _officer_tip(request, reference)
    errors, action = {}, request.POST.get("action", "")
    if request.method == "POST" and action in ACTION_SERIALIZERS:
        serializer = ACTION_SERIALIZERS[action](data=request.POST)
        if serializer.is_valid():
            try:
                ACTION_SERVICES[action](officer=request.user, reference=reference, **serializer.validated_data)
            except DomainError as error:
                errors = flat_errors({error.field or "non_field_errors": [error.message]})
            else:
                messages.success(request, str(ACTION_DONE[action]))
                return redirect(request.path)
        else:
            errors = flat_errors(serializer.errors)
    return render(
        request,
        "station/tips/detail.html",
        {
            "tip": tip,
            "category": TIP_CATEGORIES.get(tip.category),
            "errors": errors,
            "failed_action": action if errors else "",
            "statuses": [(value, label) for value, label in TipStatus.choices if value in SETTABLE_STATUSES],
            "urgencies": TipUrgency.choices,
            "kinds": [(TipMessageKind.REPLY, gettext("Reply")), (TipMessageKind.QUESTION, gettext("Ask a question"))],
            "can_forward": tip.alert_key is None and tip.precinct_id is not None,
            "can_place": tip.alert_key is None and tip.location is None,
            "values": request.POST if action == "place" else {},
            "config": {**base_config(request), "map_focus": _map_focus(request, tip)},
        },
        status=400 if errors else 200,
    )


@officer_required
def tip_review_attachment(request, reference: str, attachment_id: int):
    tip = _officer_tip(request, reference)
    attachment = next((item for item in tip.attachments.all() if item.id == attachment_id), None)
    if attachment is None:
        raise Http404
    return FileResponse(attachment.file.open("rb"), content_type=attachment.content_type)
