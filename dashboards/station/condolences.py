"""The condolence book's pages: the fallen officers, each one's book (read and write, no sign-in), and the
moderators' queue. Thin like the other station pages: the API's serializers validate, the services write."""

import logging

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext, gettext_noop
from django.views.decorators.cache import never_cache

from backend.common.errors import DomainError
from backend.common.ratelimit import RateLimited
from backend.station.condolences.apis import client_identity
from backend.station.condolences.selectors import (
    condolences_published,
    fallen_officer,
    fallen_officers,
    moderation_queue,
)
from backend.station.condolences.serializers import CondolenceWriteSerializer, ModerationDecisionSerializer
from backend.station.condolences.services import (
    MAX_AUTHOR_NAME_LENGTH,
    MAX_MESSAGE_LENGTH,
    condolence_moderate,
    condolence_write,
)

from ..access import STATION_REVIEW_ROLES, role_required
from .forms import error_summary, flat_errors

logger = logging.getLogger(__name__)
MESSAGES_PER_PAGE = 50
# A field no person sees or fills (hidden, out of the tab order and of the accessibility tree); bots fill it.
HONEYPOT_FIELD = "website"
LABELS = {"text": gettext_noop("Your message"), "author_name": gettext_noop("Your name")}


def condolence_books(request):
    return render(request, "station/condolences/books.html", {"officers": fallen_officers()})


@never_cache
def condolence_book(request, slug: str):
    try:
        officer = fallen_officer(slug=slug)
    except DomainError as error:
        raise Http404 from error
    values, errors, status = {}, {}, 200
    if request.method == "POST":
        values = {"text": request.POST.get("text", ""), "author_name": request.POST.get("author_name", "")}
        if request.POST.get(HONEYPOT_FIELD):
            # Answered like a real message, so the bot learns nothing; nothing is written.
            logger.info("Condolence honeypot filled on %s; nothing written.", slug)
            return redirect(f"{request.path}?enviado=1#write-heading")
        serializer = CondolenceWriteSerializer(data=values)
        if serializer.is_valid():
            try:
                condolence_write(slug=slug, client=client_identity(request), **serializer.validated_data)
            except RateLimited as error:
                errors, status = {"non_field_errors": [gettext(str(error.message))]}, 429
            except DomainError as error:
                errors, status = flat_errors({error.field or "non_field_errors": [error.message]}), 400
            else:
                return redirect(f"{request.path}?enviado=1#write-heading")
        else:
            errors, status = flat_errors(serializer.errors), 400
    page = Paginator(condolences_published(officer=officer), MESSAGES_PER_PAGE).get_page(request.GET.get("pagina"))
    return render(
        request,
        "station/condolences/book.html",
        {
            "officer": officer,
            "page": page,
            "values": values,
            "errors": errors,
            "summary": error_summary({name: found for name, found in errors.items() if name in LABELS}, LABELS),
            "sent": request.GET.get("enviado") == "1",
            "max_text": MAX_MESSAGE_LENGTH,
            "max_name": MAX_AUTHOR_NAME_LENGTH,
            "honeypot": HONEYPOT_FIELD,
        },
        status=status,
    )


@never_cache
@role_required(*STATION_REVIEW_ROLES)
def condolence_moderation(request):
    if request.method == "POST":
        serializer = ModerationDecisionSerializer(data=request.POST)
        message_id = request.POST.get("message", "")
        if serializer.is_valid() and message_id.isdigit():
            try:
                condolence_moderate(moderator=request.user, message_id=int(message_id), **serializer.validated_data)
            except DomainError as error:
                messages.error(request, gettext(str(error.message)))
            else:
                done = {
                    "approve": gettext("Approved: the message is on the book."),
                    "reject": gettext("Rejected: nobody will read it."),
                }
                messages.success(request, done[serializer.validated_data["decision"]])
        return redirect(request.path)
    return render(request, "station/condolences/moderation.html", {"pending": moderation_queue(moderator=request.user)})
