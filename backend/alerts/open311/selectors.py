"""Reads for Open311: the services open to it, their definitions, requests (alerts of those services), tokens, keys.

Only alerts of categories an administrator opened to Open311 exist here: GET requests is public, so an alert of
a closed category (a robbery, domestic violence) is never listed, not even redacted.
"""

import hashlib
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Max, Prefetch, QuerySet
from django.utils import timezone

from backend.geo.models import Precinct

from ..incidents.services import CLOSED_STATUSES
from ..models import Alert, AlertStep, Open311ApiKey, Open311Attribute, Open311Request, Open311Service

# GeoReport v2 §GET Service Requests: "a span of 90 days or first 1000 requests returned, whichever is smallest".
DEFAULT_SPAN = timedelta(days=90)
MAX_RECORDS = 1000


def api_key_digest(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


def api_key_get(raw_key: str) -> Open311ApiKey | None:
    """The key with this value, usable or not (the caller tells a revoked key apart)."""
    if not raw_key:
        return None
    return Open311ApiKey.objects.select_related("reporter").filter(key_digest=api_key_digest(raw_key)).first()


def open311_services() -> QuerySet[Open311Service]:
    return (
        Open311Service.objects.filter(is_open=True, category__is_active=True)
        .select_related("category")
        .prefetch_related(Prefetch("attributes", queryset=Open311Attribute.objects.order_by("order", "id")))
        .order_by("category__priority", "category__code")
    )


def open311_service_get(code: str) -> Open311Service | None:
    return open311_services().filter(category__code=code).first()


def open311_changeset() -> datetime | None:
    """When the service list or a definition last changed (discovery's changeset)."""
    services = Open311Service.objects.aggregate(latest=Max("updated_at"))["latest"]
    attributes = Open311Attribute.objects.aggregate(latest=Max("updated_at"))["latest"]
    return max((moment for moment in (services, attributes) if moment is not None), default=None)


@dataclass(frozen=True)
class RequestFilters:
    service_request_ids: tuple[int, ...] = ()
    service_codes: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    statuses: tuple[str, ...] = ()


def _with_record_views(queryset: QuerySet[Alert]) -> QuerySet[Alert]:
    return queryset.select_related("category", "category__open311", "precinct", "open311_request").prefetch_related(
        Prefetch("steps", queryset=AlertStep.objects.order_by("created_at", "id"))
    )


def open311_alerts() -> QuerySet[Alert]:
    return Alert.objects.filter(category__open311__is_open=True, category__is_active=True)


def open311_requests(*, filters: RequestFilters, now: datetime | None = None) -> list[Alert]:
    """Requests newest first: the listed ids (which override every other filter), or the date span (at most 90
    days, the last 90 by default), service codes and statuses; at most 1,000."""
    queryset = open311_alerts()
    if filters.service_request_ids:
        queryset = queryset.filter(id__in=filters.service_request_ids)
    else:
        now = now or timezone.now()
        start, end = filters.start, filters.end
        if start is None and end is None:
            start, end = now - DEFAULT_SPAN, now
        elif start is None:
            start = end - DEFAULT_SPAN
        elif end is None:
            end = start + DEFAULT_SPAN
        queryset = queryset.filter(created_at__gte=start, created_at__lte=end)
        if filters.service_codes:
            queryset = queryset.filter(category__code__in=filters.service_codes)
        if set(filters.statuses) == {"open"}:
            queryset = queryset.exclude(status__in=CLOSED_STATUSES)
        elif set(filters.statuses) == {"closed"}:
            queryset = queryset.filter(status__in=CLOSED_STATUSES)
    return list(_with_record_views(queryset).order_by("-created_at", "-id")[:MAX_RECORDS])


def open311_request_get(request_id: int) -> Alert | None:
    return _with_record_views(open311_alerts().filter(id=request_id)).first()


def open311_token_requests(token: str) -> list[Open311Request]:
    """Every request posted with this client token (tokens are unique per key; two keys may pick the same one)."""
    return list(
        Open311Request.objects.filter(token=token, alert__in=open311_alerts())
        .order_by("alert_id")
        .only("alert_id", "token")
    )


def _folded(text: str) -> str:
    """Lower case without accents, so "San Ramon" finds San Ramón."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(character for character in decomposed if not unicodedata.combining(character))


@dataclass(frozen=True)
class ComunaPoint:
    name: str
    lat: float
    lon: float
    # The radius of a circle as large as the comuna: the honest accuracy of a point that stands for all of it.
    accuracy_meters: float


_COMUNA_POINT_SQL = """
    SELECT ST_Y(point), ST_X(point), sqrt(ST_Area(boundary::geography) / pi())
    FROM (SELECT ST_PointOnSurface(boundary) AS point, boundary FROM geo_precinct WHERE id = %s) AS comuna
"""


def comuna_for_address(address: str) -> ComunaPoint | None:
    """The precinct (comuna) named by one comma-separated part of ``address``, at its representative point.

    We have no street geocoder offline, so an address alone is located only as precisely as its comuna, and the
    alert says so with an accuracy of the comuna's size.
    """
    parts = {_folded(part) for part in address.split(",") if part.strip()}
    names = {_folded(name): (precinct_id, name) for precinct_id, name in Precinct.objects.values_list("id", "name")}
    matches = sorted(names[part] for part in parts if part in names)
    if not matches:
        return None
    precinct_id, name = matches[0]
    with connection.cursor() as cursor:
        cursor.execute(_COMUNA_POINT_SQL, [precinct_id])
        lat, lon, radius = cursor.fetchone()
    return ComunaPoint(name=name, lat=lat, lon=lon, accuracy_meters=round(radius))
