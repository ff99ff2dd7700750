"""Writes for geography: importing boundaries and registering home addresses."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.gis.db.models import Union
from django.contrib.gis.geos import MultiPolygon, Point
from django.db import transaction
from django.db.models import Sum

from backend.common.errors import DomainError

from .boundary_files import BoundaryRecord
from .models import Precinct, Prefecture, RegisteredAddress
from .selectors import precinct_for_point

ERROR_NO_PREFECTURE = "Feature {code} names no prefecture; pass --prefecture CODE."
# Boundaries within a few centimetres count as unchanged, so re-running an import is a no-op.
GEOMETRY_TOLERANCE_DEGREES = 1e-9


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int


def _as_multipolygon(geometry) -> MultiPolygon:
    if geometry.geom_type == "Polygon":
        return MultiPolygon(geometry, srid=4326)
    return geometry


@transaction.atomic
def precincts_import(
    *,
    records: Iterable[BoundaryRecord],
    default_prefecture: tuple[str, str] | None = None,
    keep_existing_prefecture: bool = False,
    progress: Callable[[BoundaryRecord], None] | None = None,
) -> ImportResult:
    """Create or update precincts by code in one transaction, then refresh their prefectures' outlines."""
    created = updated = unchanged = 0
    prefectures: dict[str, Prefecture] = {}
    for record in records:
        prefecture_code, prefecture_name = (
            (record.prefecture_code, record.prefecture_name or record.prefecture_code)
            if record.prefecture_code
            else (default_prefecture or (None, None))
        )
        if not prefecture_code:
            raise DomainError(ERROR_NO_PREFECTURE.format(code=record.code))
        if prefecture_code not in prefectures:
            prefectures[prefecture_code], _ = Prefecture.objects.get_or_create(
                code=prefecture_code, defaults={"name": prefecture_name, "boundary": record.boundary}
            )
        prefecture = prefectures[prefecture_code]
        existing = Precinct.objects.select_for_update().filter(code=record.code).first()
        values = {
            "name": record.name,
            "boundary": record.boundary,
            "population": record.population,
            "census_year": record.census_year,
        }
        if existing is None:
            Precinct.objects.create(code=record.code, prefecture=prefecture, **values)
            created += 1
        else:
            # A file without census data does not erase the census data already loaded.
            values = {name: value for name, value in values.items() if value is not None}
            if not keep_existing_prefecture:
                values["prefecture"] = prefecture
            changed = [
                name
                for name, value in values.items()
                if (
                    not existing.boundary.equals_exact(value, GEOMETRY_TOLERANCE_DEGREES)
                    if name == "boundary"
                    else getattr(existing, name) != value
                )
            ]
            if changed:
                for name in changed:
                    setattr(existing, name, values[name])
                existing.save(update_fields=[*changed, "updated_at"])
                updated += 1
            else:
                unchanged += 1
        if progress:
            progress(record)
    for prefecture in prefectures.values():
        prefecture_refresh_outline(prefecture=prefecture)
    return ImportResult(created=created, updated=updated, unchanged=unchanged)


def prefecture_refresh_outline(*, prefecture: Prefecture) -> None:
    """Recompute a prefecture's boundary and population from its precincts."""
    totals = prefecture.precincts.aggregate(outline=Union("boundary"), population=Sum("population"))
    outline = _as_multipolygon(totals["outline"]) if totals["outline"] else prefecture.boundary
    if not outline.valid:
        outline = _as_multipolygon(outline.buffer(0))
    fields = {"boundary": outline, "population": totals["population"]}
    census_years = set(prefecture.precincts.values_list("census_year", flat=True))
    fields["census_year"] = census_years.pop() if len(census_years) == 1 else None
    if prefecture.boundary.equals_exact(outline, GEOMETRY_TOLERANCE_DEGREES) and all(
        getattr(prefecture, name) == value for name, value in fields.items() if name != "boundary"
    ):
        return
    for name, value in fields.items():
        setattr(prefecture, name, value)
    prefecture.save()


@transaction.atomic
def address_register(*, user, lat: float, lon: float) -> RegisteredAddress:
    """Set a neighbor's one home point, routed to its precinct."""
    match = precinct_for_point(lat=lat, lon=lon)
    address, _ = RegisteredAddress.objects.update_or_create(
        user=user,
        defaults={
            "location": Point(lon, lat, srid=4326),
            "precinct_id": match.precinct_id,
            "is_boundary_case": match.is_boundary_case,
        },
    )
    return address
