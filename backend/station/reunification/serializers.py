from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from backend.accounts.rut import InvalidRut, normalize_rut

from ..fields import ERROR_INVALID_RUT, MAX_NARRATIVE
from ..models import ConsentMethod, Relationship, ReunificationDecision, ReunificationRequest, ReunificationStep
from ..templatetags.station import run_display

OLDEST_CONTACT_YEAR = 1900
ERROR_YEAR = _("Write a year between {oldest} and this year.")
ERROR_NOT_MISSING = _(
    "This service is for contact lost for personal reasons. If you fear for the person's safety, report them "
    "missing at any police unit or call 133."
)


class ReunificationFileSerializer(serializers.Serializer):
    sought_name = serializers.CharField(max_length=200, help_text="The full name of the person you are looking for.")
    sought_run = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    relationship = serializers.ChoiceField(choices=Relationship.choices)
    comuna = serializers.CharField(max_length=32, help_text="Code of the comuna of the last known place.")
    last_known_place = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    last_contact_year = serializers.IntegerField(required=False, allow_null=True, default=None)
    how_contact_was_lost = serializers.CharField(max_length=MAX_NARRATIVE)
    is_not_missing = serializers.BooleanField(
        help_text="True: contact was lost for personal reasons; this is not a missing person (those go to 133)."
    )
    contact_email = serializers.EmailField(required=False, allow_blank=True, default="")
    submission_key = serializers.UUIDField(help_text="A fresh UUID per form; a retry with the same key files nothing.")

    def validate_sought_run(self, value: str) -> str:
        if not value.strip():
            return ""
        try:
            return normalize_rut(value)
        except InvalidRut as error:
            raise serializers.ValidationError(ERROR_INVALID_RUT) from error

    def validate_last_contact_year(self, value):
        if value is not None and not OLDEST_CONTACT_YEAR <= value <= timezone.localdate().year:
            raise serializers.ValidationError(ERROR_YEAR.format(oldest=OLDEST_CONTACT_YEAR))
        return value

    def validate_is_not_missing(self, value: bool) -> bool:
        if not value:
            raise serializers.ValidationError(ERROR_NOT_MISSING)
        return value


class SharedSerializer(serializers.Serializer):
    phone = serializers.CharField(required=False)
    email = serializers.CharField(required=False)
    place = serializers.CharField(required=False)
    message = serializers.CharField(required=False)


class RequesterReunificationSerializer(serializers.Serializer):
    """A request as its requester sees it: their own answers, a coarse status, and consented details only."""

    folio = serializers.CharField()
    created_at = serializers.DateTimeField()
    sought_name = serializers.CharField()
    relationship = serializers.CharField()
    comuna = serializers.CharField()
    status = serializers.ChoiceField(choices=["received", "in_progress", "contact_shared", "closed"])
    status_label = serializers.SerializerMethodField()
    next_step = serializers.SerializerMethodField()
    shared = SharedSerializer(allow_null=True, help_text="Only after a recorded consent: exactly what was consented.")

    def get_status_label(self, view) -> str:
        return gettext(view.status_label)

    def get_next_step(self, view) -> str:
        return gettext(view.next_step)


class StepSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.get_full_name")

    class Meta:
        model = ReunificationStep
        fields = ["action", "status", "note", "actor", "created_at"]


class DecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReunificationDecision
        fields = ["consents", "method", "shared_phone", "shared_email", "shared_place", "shared_message", "recorded_at"]


class RelatedRequestSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReunificationRequest
        fields = ["folio", "sought_name", "status", "created_at"]


class OfficerReunificationSerializer(serializers.ModelSerializer):
    """What officers of the precinct see: the request, the requester, every step and the decision."""

    precinct = serializers.CharField(source="precinct.name")
    requester_name = serializers.CharField(source="requester.get_full_name")
    requester_run = serializers.SerializerMethodField()
    steps = StepSerializer(many=True)
    decision = serializers.SerializerMethodField()

    class Meta:
        model = ReunificationRequest
        fields = [
            "folio",
            "status",
            "sought_name",
            "sought_run",
            "relationship",
            "precinct",
            "last_known_place",
            "last_contact_year",
            "how_contact_was_lost",
            "requester_name",
            "requester_run",
            "contact_email",
            "created_at",
            "steps",
            "decision",
        ]

    def get_requester_run(self, request) -> str:
        return run_display(request.requester.rut or "")

    @extend_schema_field(DecisionSerializer(allow_null=True))
    def get_decision(self, request):
        decision = getattr(request, "decision", None)
        return DecisionSerializer(decision).data if decision else None


class OfficerReunificationDetailSerializer(OfficerReunificationSerializer):
    related = RelatedRequestSerializer(many=True, source="related_requests")

    class Meta(OfficerReunificationSerializer.Meta):
        fields = [*OfficerReunificationSerializer.Meta.fields, "related"]


class StepRecordSerializer(serializers.Serializer):
    action = serializers.ChoiceField(
        choices=[
            ("step", _("Record a search step")),
            ("found", _("The person was found")),
            ("not_found", _("End the search: not found")),
        ]
    )
    note = serializers.CharField(max_length=MAX_NARRATIVE, allow_blank=True)


class DecisionRecordSerializer(serializers.Serializer):
    consents = serializers.BooleanField(help_text="True: they agreed to share the details given; false: they refused.")
    method = serializers.ChoiceField(choices=ConsentMethod.choices)
    shared_phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    shared_email = serializers.EmailField(required=False, allow_blank=True, default="")
    shared_place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    shared_message = serializers.CharField(max_length=MAX_NARRATIVE, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=MAX_NARRATIVE, required=False, allow_blank=True, default="")
