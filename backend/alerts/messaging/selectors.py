"""Reads for mass messages as CAP 1.2: one message's document, and the feed of active messages.

A message row's CAP msgType follows from its place in the replacement chain: the first row is an
Alert; a row that replaces another is an Update, or the Cancel notice when it is itself cancelled and
nothing replaced it (a cancelled Update always has its Cancel notice as a replacement).
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from backend.common.errors import NotFound

from ..models import MassMessage, MessageStatus
from .cap import CapMessage, CapReference, cap_xml

CAP_EVENT = "Aviso de seguridad a la comunidad"
CAP_CATEGORY = "Security"
CAP_IDENTIFIER_PREFIX = "vigia-message-"
ERROR_MESSAGE_NOT_FOUND = gettext_lazy("No such message.")


def message_cap_type(message: MassMessage) -> str:
    if message.replaces_id is None:
        return "Alert"
    is_replaced = MassMessage.objects.filter(replaces_id=message.id).exists()
    return "Cancel" if message.status == MessageStatus.CANCELLED and not is_replaced else "Update"


def cap_identifier(message: MassMessage) -> str:
    return f"{CAP_IDENTIFIER_PREFIX}{message.identifier}"


def message_get(*, message_id: int) -> MassMessage:
    message = MassMessage.objects.select_related("precinct", "replaces").filter(id=message_id).first()
    if message is None:
        raise NotFound(ERROR_MESSAGE_NOT_FOUND)
    return message


def message_cap_document(message: MassMessage) -> bytes:
    """The message as a CAP 1.2 XML document; Updates and Cancels reference every earlier version."""
    references = []
    earlier = message.replaces
    while earlier is not None:
        references.append(
            CapReference(sender=settings.CAP_SENDER, identifier=cap_identifier(earlier), sent=earlier.sent_at)
        )
        earlier = earlier.replaces
    is_circle = message.circle_center is not None and message.circle_radius_meters is not None
    return cap_xml(
        CapMessage(
            identifier=cap_identifier(message),
            sender=settings.CAP_SENDER,
            sent=message.sent_at,
            msg_type=message_cap_type(message),
            references=list(reversed(references)),
            event=CAP_EVENT,
            category=CAP_CATEGORY,
            urgency=message.urgency,
            severity=message.severity,
            certainty=message.certainty,
            sender_name=message.precinct.name,
            headline=message.headline,
            description=message.body,
            instruction=message.instruction,
            expires=message.expires_at,
            area_description=message.area_description,
            # CAP polygons have no holes: the outer ring of each part.
            polygons=[] if is_circle else [polygon.exterior_ring.coords for polygon in message.area],
            circles=[((message.circle_center.x, message.circle_center.y), message.circle_radius_meters / 1000)]
            if is_circle
            else [],
        )
    )


def messages_active(*, now=None) -> QuerySet[MassMessage]:
    """Messages in force: active, not replaced by a newer version, not expired; newest first."""
    now = now or timezone.now()
    return (
        MassMessage.objects.filter(status=MessageStatus.ACTIVE)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .exclude(Exists(MassMessage.objects.filter(replaces_id=OuterRef("id"))))
        .select_related("precinct")
        .order_by("-sent_at", "-id")
    )


def messages_for_cap_feed(*, now=None) -> list[MassMessage]:
    """What the CAP feed lists: the messages in force, and Cancel notices of the last ``CAP_FEED_CANCEL_HOURS``
    (a hub that polls must hear that a warning was withdrawn); newest first."""
    now = now or timezone.now()
    cancelled = (
        MassMessage.objects.filter(
            status=MessageStatus.CANCELLED,
            replaces__isnull=False,
            sent_at__gte=now - timedelta(hours=settings.CAP_FEED_CANCEL_HOURS),
        )
        .exclude(Exists(MassMessage.objects.filter(replaces_id=OuterRef("id"))))
        .select_related("precinct", "replaces")
    )
    active = messages_active(now=now).select_related("replaces")
    return sorted([*active, *cancelled], key=lambda message: (message.sent_at, message.id), reverse=True)


def message_references(message: MassMessage) -> list[MassMessage]:
    """The earlier versions an Update or Cancel replaces, oldest first."""
    earlier, chain = message.replaces, []
    while earlier is not None:
        chain.append(earlier)
        earlier = earlier.replaces
    return list(reversed(chain))
