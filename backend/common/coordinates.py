"""Parsing and validating WGS84 coordinates from user input."""

from django.contrib.gis.geos import Point
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from .fields import ERROR_NOT_FINITE, FiniteFloatField

__all__ = ["ERROR_NOT_FINITE", "FiniteFloatField", "LatitudeField", "LocationSerializer", "LongitudeField", "point"]

ERROR_LATITUDE_RANGE = gettext_lazy("Latitude must be between -90 and 90.")
ERROR_LONGITUDE_RANGE = gettext_lazy("Longitude must be between -180 and 180.")


class LatitudeField(FiniteFloatField):
    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", -90.0)
        kwargs.setdefault("max_value", 90.0)
        super().__init__(**kwargs)
        self.error_messages["min_value"] = self.error_messages["max_value"] = ERROR_LATITUDE_RANGE


class LongitudeField(FiniteFloatField):
    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", -180.0)
        kwargs.setdefault("max_value", 180.0)
        super().__init__(**kwargs)
        self.error_messages["min_value"] = self.error_messages["max_value"] = ERROR_LONGITUDE_RANGE


class LocationSerializer(serializers.Serializer):
    lat = LatitudeField()
    lon = LongitudeField()


def point(lat: float, lon: float) -> Point:
    return Point(lon, lat, srid=4326)
