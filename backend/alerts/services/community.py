"""Writes for the community: zones members follow, and information they add to alerts."""

from django.contrib.auth import get_user_model
from django.contrib.gis.geos import GEOSGeometry, Point, Polygon
from django.db import connection, transaction

from backend.accounts.scope import staff_scope
from backend.common.errors import DomainError, Forbidden, NotFound
from backend.common.ratelimit import Limit, rate_limit_check, rate_limit_consume
from backend.geo.selectors import area_meets_jurisdiction

from ..events import EventType, alert_event_record, alert_events_information_hidden
from ..models import Alert, AlertInformation, Zone, ZoneKind
from ..photos import InspectedPhoto
from .alerts import ERROR_ALERT_NOT_FOUND
from .photos import photo_store, photos_sanitize, stored_files_delete

MIN_ZONE_RADIUS_METERS = 100
MAX_ZONE_RADIUS_METERS = 5_000
# A drawn zone is at least as large as the smallest circle; visibility is decided on ~100 m cells anyway.
MIN_ZONE_AREA_SQUARE_METERS = 31_000
MAX_ZONE_AREA_SQUARE_METERS = 25_000_000  # 25 km², about a comuna
MAX_ZONES_PER_MEMBER = 10
# Creating and deleting zones both count: following areas is slow-changing, probing them is not.
ZONE_CHANGE_LIMITS = (Limit(count=10, per_seconds=3_600), Limit(count=30, per_seconds=86_400))
INFORMATION_LIMITS = (Limit(count=10, per_seconds=600), Limit(count=50, per_seconds=86_400))
# How far from every precinct a zone may lie: a home near the edge of the service area still follows it.
ZONE_JURISDICTION_MARGIN_METERS = 2_000
MAX_INFORMATION_LENGTH = 2_000
ERROR_RADIUS_RANGE = f"The radius must be between {MIN_ZONE_RADIUS_METERS} and {MAX_ZONE_RADIUS_METERS} metres."
ERROR_POLYGON_INVALID = "The polygon is not valid: {reason}."
ERROR_POLYGON_TOO_SMALL = f"The zone must cover at least {MIN_ZONE_AREA_SQUARE_METERS:,} m²."
ERROR_POLYGON_TOO_LARGE = f"The zone may cover at most {MAX_ZONE_AREA_SQUARE_METERS // 1_000_000} km²."
ERROR_ZONE_OUTSIDE = "The zone is outside the area the platform serves."
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


def _member_lock(member) -> None:
    """Two concurrent creations by one member queue here, so both cannot pass the count check."""
    get_user_model().objects.select_for_update().filter(pk=member.pk).first()


def _zone_change_counted(member) -> None:
    rate_limit_consume(key=f"zone:{member.pk}", limits=ZONE_CHANGE_LIMITS)


def _radius_boundary(*, center: Point, radius_meters: int | None) -> Polygon:
    if radius_meters is None or not MIN_ZONE_RADIUS_METERS <= radius_meters <= MAX_ZONE_RADIUS_METERS:
        raise DomainError(ERROR_RADIUS_RANGE, field="radius_meters")
    # Checked before buffering: a circle round a pole or across the antimeridian is no valid polygon.
    if not area_meets_jurisdiction(area=center, within_meters=radius_meters + ZONE_JURISDICTION_MARGIN_METERS):
        raise DomainError(ERROR_ZONE_OUTSIDE, field="lat")
    boundary = radius_polygon(center=center, radius_meters=radius_meters)
    if not boundary.valid:
        raise DomainError(ERROR_ZONE_OUTSIDE, field="lat")
    return boundary


def _polygon_checked(boundary: Polygon) -> Polygon:
    boundary.srid = boundary.srid or 4326
    if not boundary.valid:
        raise DomainError(ERROR_POLYGON_INVALID.format(reason=boundary.valid_reason), field="boundary")
    area = geography_area_square_meters(boundary)
    if area < MIN_ZONE_AREA_SQUARE_METERS:
        raise DomainError(ERROR_POLYGON_TOO_SMALL, field="boundary")
    if area > MAX_ZONE_AREA_SQUARE_METERS:
        raise DomainError(ERROR_POLYGON_TOO_LARGE, field="boundary")
    if not area_meets_jurisdiction(area=boundary, within_meters=ZONE_JURISDICTION_MARGIN_METERS):
        raise DomainError(ERROR_ZONE_OUTSIDE, field="boundary")
    return boundary


@transaction.atomic
def zone_create(
    *,
    member,
    name: str,
    center: Point | None = None,
    radius_meters: int | None = None,
    boundary: Polygon | None = None,
) -> Zone:
    """Follow an area: a centre and radius (100 m to 5 km) or a drawn polygon (31,000 m² to 25 km²) that
    lies in the service area. Changes are rate-limited per member."""
    _member_lock(member)
    if Zone.objects.filter(member=member).count() >= MAX_ZONES_PER_MEMBER:
        raise DomainError(ERROR_TOO_MANY_ZONES)
    if boundary is None:
        if center is None:
            raise DomainError(ERROR_RADIUS_RANGE, field="radius_meters")
        zone = Zone(
            member=member,
            name=name,
            kind=ZoneKind.RADIUS,
            center=center,
            radius_meters=radius_meters,
            boundary=_radius_boundary(center=center, radius_meters=radius_meters),
        )
    else:
        zone = Zone(member=member, name=name, kind=ZoneKind.POLYGON, boundary=_polygon_checked(boundary))
    _zone_change_counted(member)
    zone.save()
    return zone


@transaction.atomic
def zone_delete(*, member, zone_id: int) -> None:
    deleted, _ = Zone.objects.filter(member=member, id=zone_id).delete()
    if not deleted:
        raise NotFound("No such zone.")
    _zone_change_counted(member)


def _alert_for_contributor(*, alert_id: int, author) -> Alert:
    """The alert, if ``author`` may add to it: its reporter, or a member whose zones hold its community cell."""
    alert = Alert.objects.filter(id=alert_id).first()
    if alert is None:
        raise NotFound(ERROR_ALERT_NOT_FOUND)
    if alert.reporter_id != author.id:
        in_zones = Zone.objects.filter(member=author, boundary__intersects=alert.community_location).exists()
        if not in_zones:
            raise Forbidden(ERROR_NOT_IN_ZONES)
    return alert


def information_add(
    *, alert_id: int, author, text: str, photos: list[InspectedPhoto] | None = None
) -> AlertInformation:
    """A member adds what they know to an alert in their zones (the reporter may too); rate-limited per author.

    Photos are decoded only once the cheap checks pass, and wait for dispatch approval before the community
    sees them."""
    rate_key = f"information:{author.pk}"
    sanitized = []
    if photos:
        _alert_for_contributor(alert_id=alert_id, author=author)
        rate_limit_check(key=rate_key, limits=INFORMATION_LIMITS)
        sanitized = photos_sanitize(photos)
    stored_paths: list[str] = []
    try:
        with transaction.atomic():
            alert = _alert_for_contributor(alert_id=alert_id, author=author)
            rate_limit_consume(key=rate_key, limits=INFORMATION_LIMITS)
            information = AlertInformation.objects.create(
                alert=alert, author=author, text=text[:MAX_INFORMATION_LENGTH]
            )
            for photo in sanitized:
                photo_store(
                    photo=photo, stored_paths=stored_paths, alert=alert, information=information, uploaded_by=author
                )
            alert_event_record(
                event_type=EventType.ALERT_INFORMATION_ADDED,
                alert_id=alert.id,
                extra={"information_id": information.id},
            )
    except BaseException:
        stored_files_delete(stored_paths)
        raise
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
        raise NotFound(ERROR_ALERT_NOT_FOUND)
    if not information.is_hidden:
        information.is_hidden = True
        information.hidden_by = actor
        information.save(update_fields=["is_hidden", "hidden_by"])
        alert_events_information_hidden(alert_id=alert_id, information_id=information.id)
        alert_event_record(
            event_type=EventType.ALERT_INFORMATION_HIDDEN,
            alert_id=alert_id,
            extra={"information_id": information.id},
        )
    return information
