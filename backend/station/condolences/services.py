"""Writes for the condolence book: anyone may write (length-limited, throttled), moderators approve or reject.

Writing needs no account, so the limits are what keeps the book from spam: a few messages per client (its
address, kept only as a keyed hash in the limiter's buckets) and a ceiling for the whole book, both counted
in the write's own transaction (``backend.common.ratelimit``): a refused message counts nothing. Nobody but
the moderators reads a message until one of them approves it.
"""

import hashlib
import hmac

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from backend.accounts.scope import staff_scope
from backend.common.errors import Conflict, DomainError, NotFound
from backend.common.ratelimit import Limit, rate_limit_consume

from ..models import CondolenceMessage, CondolenceStatus, FallenOfficer

MAX_MESSAGE_LENGTH = 1_000
MAX_AUTHOR_NAME_LENGTH = 80
CLIENT_LIMITS = (Limit(count=3, per_seconds=600), Limit(count=10, per_seconds=86_400))
GLOBAL_LIMITS = (Limit(count=120, per_seconds=3_600), Limit(count=1_000, per_seconds=86_400))
GLOBAL_KEY = "condolence:all"
ERROR_UNKNOWN_OFFICER = gettext_lazy("There is no such officer in the condolence book.")
ERROR_EMPTY_MESSAGE = gettext_lazy("Write your message.")
ERROR_MESSAGE_TOO_LONG = gettext_lazy("Your message is longer than {limit} characters.")
ERROR_NAME_TOO_LONG = gettext_lazy("The name is longer than {limit} characters.")
ERROR_MESSAGE_NOT_FOUND = gettext_lazy("No message with this number in the books you moderate.")
ERROR_ALREADY_MODERATED = gettext_lazy("This message was already moderated.")
DECISIONS = {"approve": CondolenceStatus.APPROVED, "reject": CondolenceStatus.REJECTED}


def client_rate_key(client: str) -> str:
    """The limiter's key for a client: a keyed hash, so the buckets never hold an address."""
    digest = hmac.new(settings.SECRET_KEY.encode(), client.encode(), hashlib.sha256).hexdigest()[:32]
    return f"condolence:client:{digest}"


@transaction.atomic
def condolence_write(*, slug: str, text: str, author_name: str = "", client: str) -> CondolenceMessage:
    """A visitor's message for a fallen officer's book, stored to await moderation."""
    officer = FallenOfficer.objects.filter(slug=slug, is_published=True).first()
    if officer is None:
        raise NotFound(ERROR_UNKNOWN_OFFICER)
    text, author_name = text.strip(), author_name.strip()
    if not text:
        raise DomainError(ERROR_EMPTY_MESSAGE, field="text")
    if len(text) > MAX_MESSAGE_LENGTH:
        raise DomainError(ERROR_MESSAGE_TOO_LONG.format(limit=MAX_MESSAGE_LENGTH), field="text")
    if len(author_name) > MAX_AUTHOR_NAME_LENGTH:
        raise DomainError(ERROR_NAME_TOO_LONG.format(limit=MAX_AUTHOR_NAME_LENGTH), field="author_name")
    rate_limit_consume(key=client_rate_key(client), limits=CLIENT_LIMITS)
    rate_limit_consume(key=GLOBAL_KEY, limits=GLOBAL_LIMITS)
    return CondolenceMessage.objects.create(officer=officer, text=text, author_name=author_name)


def moderates(moderator, officer: FallenOfficer) -> bool:
    """Station officers moderate the books of their precincts; a book without a precinct, administrators only."""
    scope = staff_scope(moderator)
    if officer.precinct_id is None:
        return scope.precinct_ids is None
    return scope.covers(precinct_id=officer.precinct_id)


@transaction.atomic
def condolence_moderate(*, moderator, message_id: int, decision: str) -> CondolenceMessage:
    """Approve (it appears on the book) or reject (nobody else ever reads it) a message awaiting moderation."""
    message = (
        CondolenceMessage.objects.select_for_update(of=("self",))
        .select_related("officer")
        .filter(id=message_id)
        .first()
    )
    if message is None or not moderates(moderator, message.officer):
        raise NotFound(ERROR_MESSAGE_NOT_FOUND)
    if message.status != CondolenceStatus.PENDING:
        raise Conflict(ERROR_ALREADY_MODERATED)
    message.status = DECISIONS[decision]
    message.moderated_at = timezone.now()
    message.moderated_by = moderator
    message.save(update_fields=["status", "moderated_at", "moderated_by"])
    return message
