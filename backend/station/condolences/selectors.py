"""Reads for the condolence book: the public sees approved messages only; moderators their books' pending ones."""

from django.db.models import Count, Q, QuerySet

from backend.accounts.scope import staff_scope
from backend.common.errors import NotFound

from ..models import CondolenceMessage, CondolenceStatus, FallenOfficer
from .services import ERROR_UNKNOWN_OFFICER


def fallen_officers() -> QuerySet[FallenOfficer]:
    approved = Count("messages", filter=Q(messages__status=CondolenceStatus.APPROVED))
    return FallenOfficer.objects.filter(is_published=True).annotate(message_count=approved)


def fallen_officer(*, slug: str) -> FallenOfficer:
    officer = fallen_officers().filter(slug=slug).first()
    if officer is None:
        raise NotFound(ERROR_UNKNOWN_OFFICER)
    return officer


def condolences_published(*, officer: FallenOfficer) -> QuerySet[CondolenceMessage]:
    """The approved messages of a book, newest first."""
    return officer.messages.filter(status=CondolenceStatus.APPROVED).order_by("-moderated_at", "-id")


def moderation_queue(*, moderator) -> QuerySet[CondolenceMessage]:
    """Messages awaiting moderation in the books the moderator moderates, oldest first."""
    pending = CondolenceMessage.objects.filter(status=CondolenceStatus.PENDING).select_related("officer")
    scope = staff_scope(moderator)
    if scope.precinct_ids is None:
        return pending.order_by("created_at", "id")
    return pending.filter(officer__precinct_id__in=scope.precinct_ids).order_by("created_at", "id")
