"""Input validation for mass messages."""

from django.utils.translation import gettext_lazy
from rest_framework import serializers

from backend.common.coordinates import LatitudeField, LongitudeField
from backend.common.fields import IntegerField
from backend.common.geojson import GeoJSONGeometryField

from . import cap
from .services import MAX_BODY_LENGTH, TARGETS

MAX_HEADLINE_LENGTH = 160
MAX_INSTRUCTION_LENGTH = 1_000
MAX_NOTE_LENGTH = 1_000
ERROR_AREA_GEOJSON = gettext_lazy("Must be a GeoJSON Polygon or MultiPolygon in longitude, latitude order.")
ERROR_TARGET_FIELDS = gettext_lazy("target '{target}' needs: {fields}.")


class CenterSerializer(serializers.Serializer):
    lat = LatitudeField()
    lon = LongitudeField()


class MessageContentSerializer(serializers.Serializer):
    headline = serializers.CharField(max_length=MAX_HEADLINE_LENGTH)
    body = serializers.CharField(max_length=MAX_BODY_LENGTH)
    instruction = serializers.CharField(max_length=MAX_INSTRUCTION_LENGTH, required=False, allow_blank=True, default="")
    severity = serializers.ChoiceField(choices=cap.SEVERITIES, default="Moderate")
    urgency = serializers.ChoiceField(choices=cap.URGENCIES, default="Expected")
    certainty = serializers.ChoiceField(choices=cap.CERTAINTIES, default="Likely")
    expires_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class MessageTargetSerializer(serializers.Serializer):
    """``target``: ``polygon`` (+ ``area``), ``radius`` (+ ``center`` and ``radius_meters``) or ``precinct``."""

    precinct = IntegerField(min_value=1)
    target = serializers.ChoiceField(choices=TARGETS)
    area = GeoJSONGeometryField(
        geometry_types=("Polygon", "MultiPolygon"), error_message=ERROR_AREA_GEOJSON, required=False
    )
    center = CenterSerializer(required=False)
    radius_meters = IntegerField(required=False)
    area_description = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    def validate(self, data: dict) -> dict:
        needed = {"polygon": ("area",), "radius": ("center", "radius_meters"), "precinct": ()}[data["target"]]
        missing = [name for name in needed if name not in data]
        if missing:
            message = ERROR_TARGET_FIELDS.format(target=data["target"], fields=", ".join(needed))
            raise serializers.ValidationError(dict.fromkeys(missing, message))
        return data


class MessageSendSerializer(MessageContentSerializer, MessageTargetSerializer):
    """A message's wording and where it goes."""


class MessageAreaPreviewSerializer(MessageTargetSerializer):
    """Where a message would go (no wording needed)."""


class MessageAreaPreviewResponseSerializer(serializers.Serializer):
    area = serializers.JSONField(help_text="GeoJSON MultiPolygon, clipped to your precincts")
    is_clipped = serializers.BooleanField()
    requested_square_meters = serializers.IntegerField()
    square_meters = serializers.IntegerField()
    area_description = serializers.CharField()


class MessageCancelSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=MAX_NOTE_LENGTH, required=False, allow_blank=True, default="")
