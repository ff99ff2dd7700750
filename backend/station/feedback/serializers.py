from collections.abc import Mapping

from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..fields import MAX_NARRATIVE, _not_future
from ..models import FeedbackKind, FeedbackStatusChange, OfficerFeedback

MAX_ANSWER = 4000
ERROR_NO_PRECINCT = gettext_lazy("Choose the precinct concerned, or mark the place on the map.")
ERROR_HALF_POINT = gettext_lazy("Send both lat and lon, or neither.")


class FeedbackFileSerializer(serializers.Serializer):
    """A complaint or commendation about an officer or a unit; the precinct is chosen or comes from the point."""

    kind = serializers.ChoiceField(choices=FeedbackKind.choices)
    precinct = serializers.CharField(
        max_length=32, required=False, allow_blank=True, default="", help_text="The precinct code (see /api/geo/)."
    )
    lat = serializers.FloatField(min_value=-90, max_value=90, required=False, allow_null=True, default=None)
    lon = serializers.FloatField(min_value=-180, max_value=180, required=False, allow_null=True, default=None)
    occurred_at = serializers.DateTimeField(validators=[_not_future])
    officer_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    officer_rank = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    officer_badge = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    unit = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    narrative = serializers.CharField(max_length=MAX_NARRATIVE)
    contact_email = serializers.EmailField(required=False, allow_blank=True, default="")
    submission_key = serializers.UUIDField(help_text="A fresh UUID per form; a retry with the same key files nothing.")

    @staticmethod
    def place_errors(lat, lon, precinct) -> dict:
        def missing(value):
            return value is None or value == ""

        if missing(lat) != missing(lon):
            return {"location": [ERROR_HALF_POINT]}
        if missing(lat) and missing(precinct):
            return {"precinct": [ERROR_NO_PRECINCT]}
        return {}

    def to_internal_value(self, data):
        # The place is checked even when other answers are wrong, so the person sees every problem at once.
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as error:
            detail = dict(error.detail)
            if isinstance(data, Mapping) and not {"lat", "lon", "precinct"} & set(detail):
                detail.update(self.place_errors(data.get("lat"), data.get("lon"), data.get("precinct")))
            raise serializers.ValidationError(detail) from error

    def validate(self, attrs):
        errors = self.place_errors(attrs["lat"], attrs["lon"], attrs["precinct"])
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class FeedbackActionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(
        choices=[
            ("start_review", _("Start the review")),
            ("answer", _("Send the answer")),
            ("close", _("Close the case")),
        ]
    )
    note = serializers.CharField(
        max_length=MAX_ANSWER,
        required=False,
        allow_blank=True,
        default="",
        help_text="The answer (required to answer), or why it is closed unanswered.",
    )


class FeedbackStatusChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = FeedbackStatusChange
        fields = ["status", "note", "created_at"]


class FeedbackSerializer(serializers.ModelSerializer):
    """Feedback as its filer sees it, the commander's answer included."""

    precinct = serializers.CharField(source="precinct.name")
    precinct_code = serializers.CharField(source="precinct.code")
    lat = serializers.SerializerMethodField()
    lon = serializers.SerializerMethodField()
    history = FeedbackStatusChangeSerializer(many=True)

    class Meta:
        model = OfficerFeedback
        fields = [
            "folio",
            "kind",
            "status",
            "precinct",
            "precinct_code",
            "lat",
            "lon",
            "occurred_at",
            "officer_name",
            "officer_rank",
            "officer_badge",
            "unit",
            "narrative",
            "answer",
            "answered_at",
            "created_at",
            "history",
        ]

    def get_lat(self, feedback) -> float | None:
        return feedback.location.y if feedback.location else None

    def get_lon(self, feedback) -> float | None:
        return feedback.location.x if feedback.location else None


class CommanderFeedbackSerializer(FeedbackSerializer):
    """What the commander sees: who wrote, to answer them."""

    filer_name = serializers.CharField(source="filer.get_full_name")
    filer_run = serializers.CharField(source="filer.rut")
    contact_email = serializers.EmailField()
    is_overlap = serializers.BooleanField()
    is_gap = serializers.BooleanField()

    class Meta(FeedbackSerializer.Meta):
        fields = [*FeedbackSerializer.Meta.fields, "filer_name", "filer_run", "contact_email", "is_overlap", "is_gap"]
