"""Writes for the community: the zones members follow."""

from django.contrib.auth import get_user_model
from django.contrib.gis.geos import Point, Polygon
from django.db import transaction
from django.utils.formats import number_format
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from backend.common.errors import DomainError, NotFound
from backend.common.ratelimit import Limit, rate_limit_consume
from backend.common.spatial import geography_area_square_meters, radius_polygon
from backend.geo.selectors import area_meets_jurisdiction

from ..models import Zone, ZoneKind

MIN_ZONE_RADIUS_METERS = 100
MAX_ZONE_RADIUS_METERS = 5_000
# A drawn zone is at least as large as the smallest circle; visibility is decided on ~100 m cells anyway.
MIN_ZONE_AREA_SQUARE_METERS = 31_000
MAX_ZONE_AREA_SQUARE_METERS = 25_000_000  # 25 km², about a comuna
MAX_ZONES_PER_MEMBER = 10
# Creating and deleting zones both count: following areas is slow-changing, probing them is not.
ZONE_CHANGE_LIMITS = (Limit(count=10, per_seconds=3_600), Limit(count=30, per_seconds=86_400))
# How far from every precinct a zone may lie: a home near the edge of the service area still follows it.
ZONE_JURISDICTION_MARGIN_METERS = 2_000
ERROR_RADIUS_RANGE = format_lazy(
    gettext_lazy("The radius must be between {minimum} and {maximum} metres."),
    minimum=MIN_ZONE_RADIUS_METERS,
    maximum=MAX_ZONE_RADIUS_METERS,
)
ERROR_POLYGON_INVALID = gettext_lazy("The polygon is not valid: {reason}.")
ERROR_POLYGON_TOO_SMALL = format_lazy(
    gettext_lazy("The zone must cover at least {area} m²."),
    area=lazy(number_format, str)(MIN_ZONE_AREA_SQUARE_METERS, force_grouping=True),
)
ERROR_POLYGON_TOO_LARGE = format_lazy(
    gettext_lazy("The zone may cover at most {area} km²."), area=MAX_ZONE_AREA_SQUARE_METERS // 1_000_000
)
ERROR_ZONE_OUTSIDE = gettext_lazy("The zone is outside the area the platform serves.")
ERROR_TOO_MANY_ZONES = format_lazy(
    gettext_lazy("A member can follow at most {count} zones."), count=MAX_ZONES_PER_MEMBER
)


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
