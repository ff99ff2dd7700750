"""OpenAPI building blocks shared by every app: the error format and GeoJSON (RFC 7946) shapes.

Views that build their bodies by hand (presenters, selectors) describe them with serializers made
from these pieces, used only for the schema; the contract test (tests/contract) checks that every
response matches what is declared here.
"""

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema_field
from rest_framework import serializers

from .geojson import GEOJSON_MEDIA_TYPE

JSON_MEDIA_TYPE = "application/json"
POSITION = {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 3}
LINEAR_RING = {"type": "array", "items": POSITION, "minItems": 4}
POLYGON_COORDINATES = {"type": "array", "items": LINEAR_RING, "minItems": 1}


def _geometry(kind: str, coordinates: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {"type": {"type": "string", "enum": [kind]}, "coordinates": coordinates},
        "required": ["type", "coordinates"],
    }


POINT = _geometry("Point", POSITION)
POLYGON = _geometry("Polygon", POLYGON_COORDINATES)
MULTIPOLYGON = _geometry("MultiPolygon", {"type": "array", "items": POLYGON_COORDINATES, "minItems": 1})


@extend_schema_field(POINT)
class PointGeometryField(serializers.JSONField):
    pass


@extend_schema_field(POLYGON)
class PolygonGeometryField(serializers.JSONField):
    pass


@extend_schema_field(MULTIPOLYGON)
class MultiPolygonGeometryField(serializers.JSONField):
    pass


@extend_schema_field({"type": "string", "enum": ["Feature"]})
class FeatureTypeField(serializers.CharField):
    pass


@extend_schema_field({"type": "string", "enum": ["FeatureCollection"]})
class FeatureCollectionTypeField(serializers.CharField):
    pass


def geojson_feature(
    name: str, *, properties: serializers.Serializer, geometry: serializers.Field, id_field: serializers.Field | None
) -> type[serializers.Serializer]:
    """A named Feature component: ``{"type": "Feature", "id"?, "geometry", "properties"}``."""
    fields: dict[str, Any] = {"type": FeatureTypeField(), "geometry": geometry, "properties": properties}
    if id_field is not None:
        fields["id"] = id_field
    return type(name, (serializers.Serializer,), fields)


def geojson_feature_collection(
    name: str, *, feature: type[serializers.Serializer], paginated: bool = False, **members: serializers.Field
) -> type[serializers.Serializer]:
    """A named FeatureCollection component; ``paginated`` adds the count and links of GeoJsonPagination."""
    fields: dict[str, Any] = {"type": FeatureCollectionTypeField(), "features": feature(many=True), **members}
    if paginated:
        fields["count"] = serializers.IntegerField(min_value=0)
        fields["next"] = serializers.URLField(allow_null=True)
        fields["previous"] = serializers.URLField(allow_null=True)
    return type(name, (serializers.Serializer,), fields)


def paginated(name: str, *, item: type[serializers.Serializer]) -> type[serializers.Serializer]:
    """A named page of the project's PageNumberPagination: ``{"count", "next", "previous", "results"}``."""
    return type(
        name,
        (serializers.Serializer,),
        {
            "count": serializers.IntegerField(min_value=0),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": item(many=True),
        },
    )


def geojson_or_json(*, json_body: Any, geojson_body: Any, status_code: int = 200) -> dict[tuple[int, str], Any]:
    """Responses of a view whose plain body has a GeoJSON form (``Accept: application/geo+json``)."""
    return {(status_code, JSON_MEDIA_TYPE): json_body, (status_code, GEOJSON_MEDIA_TYPE): geojson_body}


FORMAT_PARAMETER = OpenApiParameter(
    "format",
    str,
    OpenApiParameter.QUERY,
    enum=["json", "geojson"],
    description=(
        "`geojson` (or `Accept: application/geo+json`) returns the GeoJSON form: a Feature for one place, "
        "a FeatureCollection for a list."
    ),
)

ERROR_SCHEMA = {
    "type": "object",
    "description": "Every error: a code, a message, and the fields at fault when specific inputs are.",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {
                    "type": "object",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            },
            "required": ["code", "message"],
        }
    },
    "required": ["error"],
}


def error_responses_hook(result: dict[str, Any], generator, request, public) -> dict[str, Any]:
    """drf-spectacular postprocessing: every operation declares its 4XX answers in the one error format."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"$ref": "#/components/schemas/Error"}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if isinstance(operation, dict) and "responses" in operation:
                operation["responses"].setdefault(
                    "4XX",
                    {
                        "description": "Client error in the one error format.",
                        "content": {JSON_MEDIA_TYPE: {"schema": reference}},
                    },
                )
    return result
