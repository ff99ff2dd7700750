from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..fields import MAX_MONEY, MAX_NARRATIVE, JsonInForms, _not_future, serializer_for
from ..models import Complaint, ComplaintStatusChange
from .catalogue import COMPLAINT_TYPES

MAX_ITEMS = 20
MAX_EVIDENCE_FILES = 5
ERROR_NO_PLACE = gettext_lazy("Mark the place on the map, or write the address and choose the comuna.")
ERROR_HALF_POINT = gettext_lazy("Send both lat and lon, or neither.")
ERROR_COMUNA_REQUIRED = gettext_lazy("Choose the comuna of the address.")
ERROR_ITEMS_REQUIRED = gettext_lazy("Write at least one thing, with its value in pesos.")


class ItemSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=200)
    value = serializers.IntegerField(min_value=0, max_value=MAX_MONEY, help_text="In Chilean pesos.")


@extend_schema_field(ItemSerializer(many=True))
class ItemsField(JsonInForms):
    def __init__(self, **kwargs):
        super().__init__(serializers.ListField(child=ItemSerializer(), max_length=MAX_ITEMS, default=list), **kwargs)


@extend_schema_field(OpenApiTypes.OBJECT)
class DetailsField(JsonInForms):
    """The type's own answers, e.g. {"animal_type": "dog", "how": "..."}; GET /api/station/services/ lists them."""

    def __init__(self, **kwargs):
        super().__init__(serializers.DictField(default=dict), **kwargs)


class ComplaintFileSerializer(serializers.Serializer):
    """A complaint as the form and the apps send it; ``details`` holds the type's own fields (see the catalogue)."""

    offense = serializers.ChoiceField(choices=[(code, kind.title) for code, kind in COMPLAINT_TYPES.items()])
    occurred_at = serializers.DateTimeField(validators=[_not_future])
    lat = serializers.FloatField(min_value=-90, max_value=90, required=False, allow_null=True, default=None)
    lon = serializers.FloatField(min_value=-180, max_value=180, required=False, allow_null=True, default=None)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    comuna = serializers.CharField(
        max_length=32, required=False, allow_blank=True, default="", help_text="The precinct code of the comuna."
    )
    narrative = serializers.CharField(max_length=MAX_NARRATIVE)
    items = ItemsField(required=False, default=list)
    details = DetailsField(required=False, default=dict)
    reported_elsewhere = serializers.BooleanField(help_text="True refuses the complaint: a fact is reported once.")
    contact_email = serializers.EmailField(required=False, allow_blank=True, default="")
    submission_key = serializers.UUIDField(help_text="A fresh UUID per form; a retry with the same key files nothing.")
    evidence = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, max_length=MAX_EVIDENCE_FILES
    )

    def validate(self, attrs):
        complaint_type = COMPLAINT_TYPES[attrs["offense"]]
        errors = {}
        details = serializer_for(f"{complaint_type.code}_details", complaint_type.fields)(data=attrs["details"] or {})
        if details.is_valid():
            attrs["details"] = dict(details.validated_data)
        else:
            errors["details"] = details.errors
        if (attrs["lat"] is None) != (attrs["lon"] is None):
            errors["location"] = [ERROR_HALF_POINT]
        elif attrs["lat"] is None and not attrs["address"].strip():
            errors["location"] = [ERROR_NO_PLACE]
        elif attrs["lat"] is None and not attrs["comuna"]:
            errors["comuna"] = [ERROR_COMUNA_REQUIRED]
        if complaint_type.items_required and not attrs["items"]:
            errors["items"] = [ERROR_ITEMS_REQUIRED]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class ComplaintActionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(
        choices=[
            ("start_review", _("Start the review")),
            ("request_information", _("Ask for more information")),
            ("accept", _("Accept")),
            ("reject", _("Reject")),
            ("forward", _("Forward to the Fiscalía")),
        ]
    )
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ComplaintReplySerializer(serializers.Serializer):
    information = serializers.CharField(max_length=MAX_NARRATIVE)


class StatusChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ComplaintStatusChange
        fields = ["status", "note", "created_at"]


class ComplaintSerializer(serializers.ModelSerializer):
    """A complaint as its complainant sees it."""

    code = serializers.CharField(source="document.code")
    history = StatusChangeSerializer(many=True)
    precinct = serializers.CharField(source="precinct.name")
    lat = serializers.SerializerMethodField()
    lon = serializers.SerializerMethodField()
    evidence_count = serializers.IntegerField(source="evidence.count")

    class Meta:
        model = Complaint
        fields = [
            "folio",
            "code",
            "offense",
            "status",
            "status_note",
            "occurred_at",
            "lat",
            "lon",
            "address",
            "precinct",
            "narrative",
            "items",
            "total_value",
            "details",
            "evidence_count",
            "created_at",
            "history",
        ]

    def get_lat(self, complaint) -> float | None:
        return complaint.location.y if complaint.location else None

    def get_lon(self, complaint) -> float | None:
        return complaint.location.x if complaint.location else None


class OfficerComplaintSerializer(ComplaintSerializer):
    """What a station officer sees: the complainant too."""

    complainant_name = serializers.CharField(source="complainant.get_full_name")
    complainant_run = serializers.CharField(source="complainant.rut")
    contact_email = serializers.EmailField()

    class Meta(ComplaintSerializer.Meta):
        fields = [*ComplaintSerializer.Meta.fields, "complainant_name", "complainant_run", "contact_email"]
