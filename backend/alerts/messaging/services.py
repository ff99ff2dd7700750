"""Writes for mass messages: send to a polygon, a radius or a whole precinct; update and cancel them.

An update or a cancellation is a new row that ``replaces`` the current one, as CAP 1.2 models it
(msgType Update/Cancel with references). Every change appends an event in the same transaction, and
delivery (websockets, push) happens after commit.
"""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Point
from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from backend.accounts.models import Role
from backend.accounts.scope import staff_scope, user_has_role
from backend.common.errors import Conflict, DomainError, Forbidden, NotFound
from backend.common.spatial import geography_area_square_meters, radius_polygon
from backend.geo.models import Precinct
from backend.geo.selectors import area_clipped_to_precincts

from ..models import MassMessage, MessageStatus
from . import cap
from .events import EventType, message_event_record

TARGET_POLYGON = "polygon"
TARGET_RADIUS = "radius"
TARGET_PRECINCT = "precinct"
TARGETS = (TARGET_POLYGON, TARGET_RADIUS, TARGET_PRECINCT)
SENDER_ROLES = (Role.DISPATCHER, Role.COMMANDER, Role.ADMINISTRATOR)
MIN_RADIUS_METERS = 50
MAX_RADIUS_METERS = 10_000
MAX_POLYGON_AREA_SQUARE_METERS = 100_000_000  # 100 km², several comunas
MAX_BODY_LENGTH = 2_000
MAX_AREA_DESCRIPTION_LENGTH = 200

ERROR_ROLE = gettext_lazy("Only dispatchers and commanders may send mass messages.")
ERROR_UNKNOWN_PRECINCT = gettext_lazy("No such precinct.")
ERROR_OUT_OF_SCOPE = gettext_lazy("This precinct is outside your scope.")
ERROR_AREA_OUTSIDE_PRECINCT = gettext_lazy("The area must overlap the sending precinct.")
ERROR_AREA_OUTSIDE_SCOPE = gettext_lazy("The area lies entirely outside your precincts.")
# Less than this much removed by clipping (float noise on shared borders) leaves a circle a circle.
CLIP_TOLERANCE_SQUARE_METERS = 1.0
ERROR_UNKNOWN_TARGET = format_lazy(gettext_lazy("target must be one of {choices}."), choices=", ".join(TARGETS))
ERROR_POLYGON_MISSING = gettext_lazy("A polygon message needs an area (GeoJSON Polygon or MultiPolygon).")
ERROR_POLYGON_INVALID = gettext_lazy("The polygon is not valid: {reason}.")
ERROR_POLYGON_TYPE = gettext_lazy("The area must be a Polygon or MultiPolygon in WGS84 (lon, lat).")
ERROR_POLYGON_TOO_LARGE = format_lazy(
    gettext_lazy("The area may cover at most {area} km²."), area=MAX_POLYGON_AREA_SQUARE_METERS // 1_000_000
)
ERROR_RADIUS_RANGE = format_lazy(
    gettext_lazy("The radius must be between {minimum} and {maximum} metres."),
    minimum=MIN_RADIUS_METERS,
    maximum=MAX_RADIUS_METERS,
)
ERROR_CENTER_MISSING = gettext_lazy("A radius message needs a center (lat, lon).")
ERROR_COORDINATES = gettext_lazy("Coordinates must be lon in [-180, 180] and lat in [-90, 90].")
ERROR_CHOICE = gettext_lazy("{field} must be one of {choices}.")
ERROR_EXPIRES_PAST = gettext_lazy("expires_at must be in the future.")
ERROR_EMPTY = gettext_lazy("This field may not be blank.")
ERROR_NOT_CURRENT = gettext_lazy("This message was already replaced or cancelled; change the latest version.")
ERROR_MESSAGE_NOT_FOUND = gettext_lazy("No such message.")


@dataclass(frozen=True, kw_only=True)
class MessageContent:
    """What a message says; CAP's urgency, severity and certainty vocabularies apply."""

    headline: str
    body: str
    instruction: str = ""
    severity: str = "Moderate"
    urgency: str = "Expected"
    certainty: str = "Likely"
    expires_at: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class MessageTarget:
    """Where a message goes: ``polygon`` (area), ``radius`` (center + radius_meters) or the whole ``precinct``."""

    kind: str
    area: GEOSGeometry | None = None
    center: Point | None = None
    radius_meters: int | None = None
    description: str = ""


def _check_content(content: MessageContent) -> None:
    if not content.headline.strip():
        raise DomainError(ERROR_EMPTY, field="headline")
    if not content.body.strip():
        raise DomainError(ERROR_EMPTY, field="body")
    if len(content.body) > MAX_BODY_LENGTH:
        raise DomainError(f"The body may have at most {MAX_BODY_LENGTH} characters.", field="body")
    for field, value, choices in (
        ("severity", content.severity, cap.SEVERITIES),
        ("urgency", content.urgency, cap.URGENCIES),
        ("certainty", content.certainty, cap.CERTAINTIES),
    ):
        if value not in choices:
            raise DomainError(ERROR_CHOICE.format(field=field, choices=", ".join(choices)), field=field)
    if content.expires_at is not None and content.expires_at <= timezone.now():
        raise DomainError(ERROR_EXPIRES_PAST, field="expires_at")


def _in_range(point: Point) -> bool:
    return -180 <= point.x <= 180 and -90 <= point.y <= 90


def _target_area(target: MessageTarget, precinct: Precinct) -> tuple[MultiPolygon, str]:
    """The message area as a valid MultiPolygon, and a default description of it."""
    if target.kind == TARGET_PRECINCT:
        return precinct.boundary, precinct.name
    if target.kind == TARGET_RADIUS:
        if target.center is None:
            raise DomainError(ERROR_CENTER_MISSING, field="center")
        if not _in_range(target.center):
            raise DomainError(ERROR_COORDINATES, field="center")
        if target.radius_meters is None or not MIN_RADIUS_METERS <= target.radius_meters <= MAX_RADIUS_METERS:
            raise DomainError(ERROR_RADIUS_RANGE, field="radius_meters")
        target.center.srid = 4326
        circle = radius_polygon(center=target.center, radius_meters=target.radius_meters)
        return MultiPolygon(
            circle, srid=4326
        ), f"{target.radius_meters} m around {target.center.y:.5f}, {target.center.x:.5f}"
    if target.kind != TARGET_POLYGON:
        raise DomainError(ERROR_UNKNOWN_TARGET, field="target")
    area = target.area
    if area is None:
        raise DomainError(ERROR_POLYGON_MISSING, field="area")
    if area.geom_type not in ("Polygon", "MultiPolygon") or (area.srid not in (None, 4326)):
        raise DomainError(ERROR_POLYGON_TYPE, field="area")
    area.srid = 4326
    min_x, min_y, max_x, max_y = area.extent
    if not (_in_range(Point(min_x, min_y)) and _in_range(Point(max_x, max_y))):
        raise DomainError(ERROR_COORDINATES, field="area")
    if area.empty or not area.valid:
        raise DomainError(ERROR_POLYGON_INVALID.format(reason=area.valid_reason), field="area")
    if geography_area_square_meters(area) > MAX_POLYGON_AREA_SQUARE_METERS:
        raise DomainError(ERROR_POLYGON_TOO_LARGE, field="area")
    multipolygon = area if isinstance(area, MultiPolygon) else MultiPolygon(area, srid=4326)
    return multipolygon, f"Area in {precinct.name}"


@dataclass(frozen=True, kw_only=True)
class MessageArea:
    """Where a message will go: the requested area clipped to the sender's precincts."""

    precinct: Precinct
    area: MultiPolygon
    description: str
    circle_center: Point | None
    circle_radius_meters: int | None
    requested_square_meters: float
    square_meters: float

    @property
    def is_clipped(self) -> bool:
        return self.requested_square_meters - self.square_meters > CLIP_TOLERANCE_SQUARE_METERS


def mass_message_area(*, sender, precinct_id: int, target: MessageTarget) -> MessageArea:
    """The area a message would reach, without sending it: what the composer previews.

    A message never reaches people outside the sender's precincts: the requested area is clipped to them,
    and an area left empty is refused."""
    precinct = _precinct_in_scope(actor=sender, precinct_id=precinct_id)
    requested, default_description = _target_area(target, precinct)
    requested_square_meters = geography_area_square_meters(requested)
    area = requested
    scope = staff_scope(sender)
    if target.kind != TARGET_PRECINCT and scope.precinct_ids is not None:
        area = area_clipped_to_precincts(area=requested, precinct_ids=scope.precinct_ids)
        if area is None:
            raise Forbidden(ERROR_AREA_OUTSIDE_SCOPE, field="area")
    if target.kind != TARGET_PRECINCT and not area.intersects(precinct.boundary):
        raise Forbidden(ERROR_AREA_OUTSIDE_PRECINCT, field="area")
    square_meters = requested_square_meters if area is requested else geography_area_square_meters(area)
    is_circle = target.kind == TARGET_RADIUS and requested_square_meters - square_meters <= CLIP_TOLERANCE_SQUARE_METERS
    return MessageArea(
        precinct=precinct,
        area=requested if is_circle else area,
        description=(target.description.strip() or default_description)[:MAX_AREA_DESCRIPTION_LENGTH],
        # A clipped circle is no longer a circle: CAP then gets the polygon.
        circle_center=target.center if is_circle else None,
        circle_radius_meters=target.radius_meters if is_circle else None,
        requested_square_meters=requested_square_meters,
        square_meters=square_meters,
    )


def _precinct_in_scope(*, actor, precinct_id: int) -> Precinct:
    if not (actor.is_superuser or user_has_role(actor, *SENDER_ROLES)):
        raise Forbidden(ERROR_ROLE)
    precinct = Precinct.objects.filter(id=precinct_id).first()
    if precinct is None:
        raise DomainError(ERROR_UNKNOWN_PRECINCT, field="precinct")
    if not staff_scope(actor).covers(precinct_id=precinct.id):
        raise Forbidden(ERROR_OUT_OF_SCOPE)
    return precinct


@transaction.atomic
def mass_message_send(*, sender, precinct_id: int, content: MessageContent, target: MessageTarget) -> MassMessage:
    """Store a message to an area in the sender's precincts (clipped to them), and log it for delivery."""
    _check_content(content)
    where = mass_message_area(sender=sender, precinct_id=precinct_id, target=target)
    message = MassMessage.objects.create(
        sender=sender,
        precinct=where.precinct,
        headline=content.headline.strip(),
        body=content.body.strip(),
        instruction=content.instruction.strip(),
        severity=content.severity,
        urgency=content.urgency,
        certainty=content.certainty,
        area=where.area,
        area_description=where.description,
        circle_center=where.circle_center,
        circle_radius_meters=where.circle_radius_meters,
        sent_at=timezone.now(),
        expires_at=content.expires_at,
    )
    message_event_record(event_type=EventType.MESSAGE_SENT, message=message)
    return message


def _locked_current(*, actor, message_id: int) -> MassMessage:
    message = MassMessage.objects.select_for_update().filter(id=message_id).first()
    if message is None:
        raise NotFound(ERROR_MESSAGE_NOT_FOUND)
    _precinct_in_scope(actor=actor, precinct_id=message.precinct_id)
    # The row lock serialises concurrent updates; the loser sees the replacement and gets 409.
    if message.status != MessageStatus.ACTIVE or MassMessage.objects.filter(replaces=message).exists():
        raise Conflict(ERROR_NOT_CURRENT)
    return message


def _replacement(original: MassMessage, *, sender, content: MessageContent, status: str) -> MassMessage:
    return MassMessage.objects.create(
        sender=sender,
        precinct_id=original.precinct_id,
        headline=content.headline.strip(),
        body=content.body.strip(),
        instruction=content.instruction.strip(),
        severity=content.severity,
        urgency=content.urgency,
        certainty=content.certainty,
        area=original.area,
        area_description=original.area_description,
        circle_center=original.circle_center,
        circle_radius_meters=original.circle_radius_meters,
        status=status,
        replaces=original,
        sent_at=timezone.now(),
        expires_at=content.expires_at,
    )


@transaction.atomic
def mass_message_update(*, actor, message_id: int, content: MessageContent) -> MassMessage:
    """Replace the current version of a message with new wording (CAP Update); the area stays the same."""
    original = _locked_current(actor=actor, message_id=message_id)
    _check_content(content)
    update = _replacement(original, sender=actor, content=content, status=MessageStatus.ACTIVE)
    message_event_record(event_type=EventType.MESSAGE_UPDATED, message=update)
    return update


@transaction.atomic
def mass_message_cancel(*, actor, message_id: int, note: str = "") -> MassMessage:
    """Withdraw a message (CAP Cancel): the original is marked cancelled and a cancel notice references it."""
    original = _locked_current(actor=actor, message_id=message_id)
    original.status = MessageStatus.CANCELLED
    original.save(update_fields=["status"])
    content = MessageContent(
        headline=original.headline,
        body=note.strip() or original.body,
        severity=original.severity,
        urgency=original.urgency,
        certainty=original.certainty,
    )
    cancel = _replacement(original, sender=actor, content=content, status=MessageStatus.CANCELLED)
    message_event_record(event_type=EventType.MESSAGE_CANCELLED, message=cancel)
    return cancel
