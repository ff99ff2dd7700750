"""Reading boundary files (GeoJSON, Shapefile, GeoPackage) through GDAL into validated records."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.gis.gdal import DataSource, GDALException
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Polygon

ERROR_UNREADABLE = "Cannot read {path}: {reason}"
ERROR_NO_FEATURES = "{path} has no features."
ERROR_MISSING_ATTRIBUTE = "Feature {feature} has no '{attribute}' attribute."
ERROR_EMPTY_GEOMETRY = "Feature {feature} has an empty or missing geometry."
ERROR_WRONG_TYPE = "Feature {feature} is a {geom_type}; boundaries must be Polygon or MultiPolygon."
ERROR_INVALID_GEOMETRY = "Feature {feature} has an invalid geometry: {reason}."
ERROR_BAD_NUMBER = "Feature {feature} has a non-numeric '{attribute}': {value!r}."


class BoundaryFileError(ValueError):
    pass


@dataclass(frozen=True)
class AttributeMap:
    """Which source attribute fills which of our fields."""

    code: str = "code"
    name: str = "name"
    population: str | None = "population"
    census_year: str | None = "census_year"
    prefecture_code: str | None = "prefecture_code"
    prefecture_name: str | None = "prefecture_name"


@dataclass(frozen=True)
class BoundaryRecord:
    code: str
    name: str
    boundary: MultiPolygon
    population: int | None = None
    census_year: int | None = None
    prefecture_code: str | None = None
    prefecture_name: str | None = None
    extra: dict = field(default_factory=dict)


def _label(index: int, code: str | None) -> str:
    return f"#{index + 1}" + (f" (code {code})" if code else "")


def _integer(feature_label: str, attribute: str, value) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(float(value))
    except (TypeError, ValueError) as error:
        raise BoundaryFileError(
            ERROR_BAD_NUMBER.format(feature=feature_label, attribute=attribute, value=value)
        ) from error


def _geometry(feature_label: str, geometry: GEOSGeometry) -> MultiPolygon:
    if geometry.empty:
        raise BoundaryFileError(ERROR_EMPTY_GEOMETRY.format(feature=feature_label))
    if isinstance(geometry, Polygon):
        geometry = MultiPolygon(geometry, srid=geometry.srid)
    if not isinstance(geometry, MultiPolygon):
        raise BoundaryFileError(ERROR_WRONG_TYPE.format(feature=feature_label, geom_type=geometry.geom_type))
    if not geometry.valid:
        raise BoundaryFileError(ERROR_INVALID_GEOMETRY.format(feature=feature_label, reason=geometry.valid_reason))
    if geometry.srid and geometry.srid != 4326:
        geometry.transform(4326)
    geometry.srid = 4326
    return geometry


def read_boundary_file(path: Path, attributes: AttributeMap = AttributeMap()) -> Iterator[BoundaryRecord]:
    """Yield one validated record per feature; raise BoundaryFileError naming the first bad feature."""
    try:
        layer = DataSource(str(path))[0]
    except (GDALException, IndexError) as error:
        raise BoundaryFileError(ERROR_UNREADABLE.format(path=path, reason=error)) from error
    if len(layer) == 0:
        raise BoundaryFileError(ERROR_NO_FEATURES.format(path=path))
    fields = set(layer.fields)
    for required in (attributes.code, attributes.name):
        if required not in fields:
            raise BoundaryFileError(ERROR_MISSING_ATTRIBUTE.format(feature=_label(0, None), attribute=required))

    def optional(feature, attribute: str | None):
        return feature.get(attribute) if attribute and attribute in fields else None

    for index, feature in enumerate(layer):
        code = str(feature.get(attributes.code) or "").strip()
        feature_label = _label(index, code)
        if not code:
            raise BoundaryFileError(ERROR_MISSING_ATTRIBUTE.format(feature=feature_label, attribute=attributes.code))
        try:
            source_geometry = feature.geom.geos
        except GDALException as error:
            # OGR hands back a null geometry for empty or absent ones.
            raise BoundaryFileError(ERROR_EMPTY_GEOMETRY.format(feature=feature_label)) from error
        except (ValueError, TypeError) as error:
            raise BoundaryFileError(ERROR_INVALID_GEOMETRY.format(feature=feature_label, reason=error)) from error
        if layer.srs is not None and source_geometry.srid is None:
            source_geometry.srid = layer.srs.srid or 4326
        yield BoundaryRecord(
            code=code,
            name=str(feature.get(attributes.name) or code).strip(),
            boundary=_geometry(feature_label, source_geometry),
            population=_integer(feature_label, "population", optional(feature, attributes.population)),
            census_year=_integer(feature_label, "census_year", optional(feature, attributes.census_year)),
            prefecture_code=optional(feature, attributes.prefecture_code) or None,
            prefecture_name=optional(feature, attributes.prefecture_name) or None,
        )
