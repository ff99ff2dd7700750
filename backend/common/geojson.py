"""A DRF field for GeoJSON geometries from clients (longitude, latitude order, SRID 4326)."""

import json

from django.contrib.gis.geos import GEOSException, GEOSGeometry
from rest_framework import serializers


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
