"""Input validation for the alerts API. Output shapes live in presenters.py (shared with the event log)."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from backend.accounts.models import Agency
from backend.common.coordinates import LatitudeField, LongitudeField
from backend.common.fields import FiniteFloatField, IntegerField
from backend.common.validation import check_flat

from ..models import AlertStatus, Category

MAX_ACCURACY_METERS = 10_000
MAX_DESCRIPTION_LENGTH = 2_000
MAX_NOTE_LENGTH = 2_000
IDEMPOTENCY_KEY_MAX_LENGTH = 128
ERROR_IDEMPOTENCY_KEY = format_lazy(
    gettext_lazy("Idempotency-Key must be 1 to {limit} printable ASCII characters."), limit=IDEMPOTENCY_KEY_MAX_LENGTH
)
ERROR_BBOX = gettext_lazy("bbox must be four numbers: min_lon,min_lat,max_lon,max_lat.")
ERROR_GEOMETRY = gettext_lazy("Must be a GeoJSON Polygon in longitude, latitude order.")


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["code", "label_es", "label_en", "agency", "priority"]


class PhotoListField(serializers.ListField):
    child = serializers.FileField(allow_empty_file=False)


@check_flat  # validated field by field on the hot path (common.validation), never instantiated there
class AlertCreateSerializer(serializers.Serializer):
    category = serializers.SlugField(max_length=40)
    lat = LatitudeField()
    lon = LongitudeField()
    accuracy_meters = FiniteFloatField(min_value=0, max_value=MAX_ACCURACY_METERS)
    description = serializers.CharField(required=False, allow_blank=True, max_length=MAX_DESCRIPTION_LENGTH, default="")
    photos = PhotoListField(required=False, default=list)


def idempotency_key_valid(value: str) -> bool:
    return 0 < len(value) <= IDEMPOTENCY_KEY_MAX_LENGTH and value.isascii() and value.isprintable()


class StepSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[status for status in AlertStatus if status != AlertStatus.DUPLICATE])
    note = serializers.CharField(required=False, allow_blank=True, max_length=MAX_NOTE_LENGTH, default="")
    photos = PhotoListField(required=False, default=list)


class MergeSerializer(serializers.Serializer):
    into = IntegerField(min_value=1)
    note = serializers.CharField(required=False, allow_blank=True, max_length=MAX_NOTE_LENGTH, default="")


class InformationSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=MAX_DESCRIPTION_LENGTH)
    photos = PhotoListField(required=False, default=list)


class DispatchFilterSerializer(serializers.Serializer):
    status = serializers.MultipleChoiceField(choices=AlertStatus.choices, required=False)
    category = serializers.CharField(required=False, help_text="comma-separated category codes")
    agency = serializers.ChoiceField(choices=Agency.choices, required=False)
    since = serializers.DateTimeField(required=False)
    until = serializers.DateTimeField(required=False)
    bbox = serializers.CharField(required=False, help_text="min_lon,min_lat,max_lon,max_lat")

    def validate_bbox(self, value: str) -> tuple[float, float, float, float]:
        try:
            numbers = tuple(float(part) for part in value.split(","))
        except ValueError as error:
            raise serializers.ValidationError(ERROR_BBOX) from error
        if len(numbers) != 4 or not (-180 <= numbers[0] < numbers[2] <= 180 and -90 <= numbers[1] < numbers[3] <= 90):
            raise serializers.ValidationError(ERROR_BBOX)
        return numbers

    def validate(self, data: dict) -> dict:
        if data.get("since") and data.get("until") and data["since"] >= data["until"]:
            raise serializers.ValidationError({"until": "until must be after since."})
        return data
