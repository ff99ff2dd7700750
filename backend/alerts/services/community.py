"""Writes for the community: zones members follow, and information they add to alerts."""

from django.contrib.gis.geos import GEOSGeometry, Point, Polygon
from django.db import connection, transaction

from backend.accounts.scope import staff_scope
from backend.common.errors import DomainError, Forbidden, NotFound
from backend.common.photos import SanitizedPhoto

from ..events import EventType, alert_event_record
from ..models import Alert, AlertInformation, Zone, ZoneKind
from .alerts import ERROR_OUT_OF_SCOPE
from .photos import photo_store, stored_files_delete

MIN_ZONE_RADIUS_METERS = 100
MAX_ZONE_RADIUS_METERS = 5_000
MAX_ZONE_AREA_SQUARE_METERS = 25_000_000  # 25 km², about a comuna
MAX_ZONES_PER_MEMBER = 10
MAX_INFORMATION_LENGTH = 2_000
ERROR_RADIUS_RANGE = f"The radius must be between {MIN_ZONE_RADIUS_METERS} and {MAX_ZONE_RADIUS_METERS} metres."
ERROR_POLYGON_INVALID = "The polygon is not valid: {reason}."
ERROR_POLYGON_TOO_LARGE = f"The zone may cover at most {MAX_ZONE_AREA_SQUARE_METERS // 1_000_000} km²."
ERROR_TOO_MANY_ZONES = f"A member can follow at most {MAX_ZONES_PER_MEMBER} zones."
ERROR_NOT_IN_ZONES = "You can add information only to alerts in your zones."
ERROR_INFORMATION_NOT_FOUND = "No such information on this alert."


def geography_area_square_meters(geometry: GEOSGeometry) -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT ST_Area(ST_GeomFromEWKB(%s)::geography)", [bytes(geometry.ewkb)])
        return cursor.fetchone()[0]


def radius_polygon(*, center: Point, radius_meters: float) -> Polygon:
    """A geodesic buffer of ``radius_meters`` around ``center``, as a 4326 polygon."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_AsEWKT(ST_Buffer(ST_GeomFromEWKB(%s)::geography, %s, 'quad_segs=16')::geometry)",
            [bytes(center.ewkb), radius_meters],
        )
        return GEOSGeometry(cursor.fetchone()[0])


@transaction.atomic
def zone_create(
    *,
    member,
    name: str,
    center: Point | None = None,
    radius_meters: int | None = None,
    boundary: Polygon | None = None,
) -> Zone:
    """Follow an area: a centre and radius (100 m to 5 km) or a drawn polygon with a capped area."""
    # Lock the member's row so two concurrent creations cannot both pass the count check.
    type(member).objects.select_for_update().filter(pk=member.pk).first()
    if Zone.objects.filter(member=member).count() >= MAX_ZONES_PER_MEMBER:
        raise DomainError(ERROR_TOO_MANY_ZONES)
    if boundary is None:
        if center is None or radius_meters is None:
            raise DomainError(ERROR_RADIUS_RANGE, field="radius_meters")
        if not MIN_ZONE_RADIUS_METERS <= radius_meters <= MAX_ZONE_RADIUS_METERS:
            raise DomainError(ERROR_RADIUS_RANGE, field="radius_meters")
        return Zone.objects.create(
            member=member,
            name=name,
            kind=ZoneKind.RADIUS,
            center=center,
            radius_meters=radius_meters,
            boundary=radius_polygon(center=center, radius_meters=radius_meters),
        )
    boundary.srid = boundary.srid or 4326
    if not boundary.valid:
        raise DomainError(ERROR_POLYGON_INVALID.format(reason=boundary.valid_reason), field="boundary")
    if geography_area_square_meters(boundary) > MAX_ZONE_AREA_SQUARE_METERS:
        raise DomainError(ERROR_POLYGON_TOO_LARGE, field="boundary")
    return Zone.objects.create(member=member, name=name, kind=ZoneKind.POLYGON, boundary=boundary)


@transaction.atomic
def zone_delete(*, member, zone_id: int) -> None:
    deleted, _ = Zone.objects.filter(member=member, id=zone_id).delete()
    if not deleted:
        raise NotFound("No such zone.")


@transaction.atomic
def information_add(
    *, alert_id: int, author, text: str, photos: list[SanitizedPhoto] | None = None
) -> AlertInformation:
    """A member adds what they know to an alert in their zones (the reporter may too)."""
    alert = Alert.objects.filter(id=alert_id).first()
    if alert is None:
        raise NotFound("No such alert.")
    in_zones = Zone.objects.filter(member=author, boundary__intersects=alert.location).exists()
    if alert.reporter_id != author.id and not in_zones:
        raise Forbidden(ERROR_NOT_IN_ZONES)
    information = AlertInformation.objects.create(alert=alert, author=author, text=text[:MAX_INFORMATION_LENGTH])
    stored_paths: list[str] = []
    try:
        for photo in photos or []:
            # Member photos wait for dispatch approval before the community sees them.
            photo_store(
                photo=photo, stored_paths=stored_paths, alert=alert, information=information, uploaded_by=author
            )
    except BaseException:
        stored_files_delete(stored_paths)
        raise
    information_id = information.id
    alert_event_record(
        event_type=EventType.ALERT_INFORMATION_ADDED,
        alert_id=alert.id,
        extra={"information_id": information_id},
    )
    return information


@transaction.atomic
def information_hide(*, alert_id: int, information_id: int, actor) -> AlertInformation:
    """Dispatch hides an abusive addition from the community."""
    information = (
        AlertInformation.objects.select_for_update()
        .select_related("alert")
        .filter(id=information_id, alert_id=alert_id)
        .first()
    )
    if information is None:
        raise NotFound(ERROR_INFORMATION_NOT_FOUND)
    if not staff_scope(actor).covers(precinct_id=information.alert.precinct_id, agency=information.alert.agency):
        raise Forbidden(ERROR_OUT_OF_SCOPE)
    if not information.is_hidden:
        information.is_hidden = True
        information.hidden_by = actor
        information.save(update_fields=["is_hidden", "hidden_by"])
        alert_event_record(
            event_type=EventType.ALERT_INFORMATION_HIDDEN,
            alert_id=alert_id,
            extra={"information_id": information.id},
        )
    return information
