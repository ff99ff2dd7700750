"""Input validation for community zones."""

from django.utils.translation import gettext_lazy
from rest_framework import serializers

from backend.common.coordinates import LatitudeField, LongitudeField
from backend.common.fields import IntegerField
from backend.common.geojson import GeoJSONGeometryField

ERROR_GEOMETRY = gettext_lazy("Must be a GeoJSON Polygon in longitude, latitude order.")


class ZoneCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=80)
    lat = LatitudeField(required=False)
    lon = LongitudeField(required=False)
    radius_meters = IntegerField(required=False)
    boundary = GeoJSONGeometryField(geometry_types=("Polygon",), error_message=ERROR_GEOMETRY, required=False)

    def validate(self, data: dict) -> dict:
        has_circle = all(key in data for key in ("lat", "lon", "radius_meters"))
        if has_circle == ("boundary" in data):
            raise serializers.ValidationError("Give either lat, lon and radius_meters, or a boundary polygon.")
        return data
