"""GeoJSON in and out (RFC 7946): a DRF field for client geometries, and the one way we write geometries.

Every polygon the API, the event log or a map emits goes through ``geometry_geojson``, which winds
exterior rings counter-clockwise and holes clockwise as RFC 7946 §3.1.6 requires. The stored
boundaries keep whatever order their source used (the IDE Chile fixture, a client's drawing, a
PostGIS buffer), so orienting on output is the one place that makes them all agree.
"""

import json
from typing import Any

import shapely
import shapely.geometry
from django.contrib.gis.geos import GEOSException, GEOSGeometry
from rest_framework import serializers
from rest_framework_gis.fields import GeometryField

GEOJSON_MEDIA_TYPE = "application/geo+json"
GEOMETRY_TYPES = frozenset(
    {"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection"}
)
GEOJSON_TYPES = GEOMETRY_TYPES | {"Feature", "FeatureCollection"}


def geometry_geojson(geometry: GEOSGeometry | shapely.Geometry | dict[str, Any]) -> dict[str, Any]:
    """A geometry (GEOS, shapely or a GeoJSON mapping) as an RFC 7946 GeoJSON mapping with oriented rings."""
    if isinstance(geometry, GEOSGeometry):
        shape = shapely.from_wkb(bytes(geometry.wkb))
    elif isinstance(geometry, dict):
        shape = shapely.geometry.shape(geometry)
    else:
        shape = geometry
    return json.loads(shapely.to_geojson(shapely.orient_polygons(shape, exterior_cw=False)))


def feature(*, geometry: dict[str, Any] | None, properties: dict[str, Any], id: Any = None) -> dict[str, Any]:
    """A GeoJSON Feature; ``geometry`` is already GeoJSON (from ``geometry_geojson`` for polygons)."""
    body: dict[str, Any] = {"type": "Feature"}
    if id is not None:
        body["id"] = id
    body["geometry"] = geometry
    body["properties"] = properties
    return body


def feature_collection(features: list[dict[str, Any]], **members: Any) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features, **members}


def is_geojson(data: Any) -> bool:
    return isinstance(data, dict) and data.get("type") in GEOJSON_TYPES


class OrientedGeometryField(GeometryField):
    """rest_framework_gis' geometry field, written through ``geometry_geojson`` (for GeoFeatureModelSerializer)."""

    def to_representation(self, value):
        return None if value is None else geometry_geojson(value)


class GeoJSONGeometryField(serializers.JSONField):
    """A GeoJSON geometry of one of ``geometry_types``, returned as GEOS; validity is the service's to check."""

    def __init__(self, *, geometry_types: tuple[str, ...], error_message: str, **kwargs):
        self.geometry_types = geometry_types
        self.error_message = error_message
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        data = super().to_internal_value(data)
        if not isinstance(data, dict) or data.get("type") not in self.geometry_types:
            raise serializers.ValidationError(self.error_message)
        try:
            geometry = GEOSGeometry(json.dumps(data), srid=4326)
        except (GEOSException, ValueError, TypeError) as error:
            raise serializers.ValidationError(self.error_message) from error
        if geometry.empty:
            raise serializers.ValidationError(self.error_message)
        return geometry
