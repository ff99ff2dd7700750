from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from backend.common.serializers import FieldsOnceModelSerializer

from ..documents.codes import code_format
from ..documents.qr import qr_payload, verification_url
from ..models import CollectivePermit, ComunaPhase, Permit, PermitRule, PermitType
from .services import MAX_WORKERS

MAX_TEXT = 200
_DATETIME = serializers.DateTimeField()  # DRF's rendering of a moment (the active time zone, ISO 8601)


class PermitRuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = PermitRule
        fields = ["phase", "quota", "quota_period", "weekdays"]


class PermitTypeSerializer(serializers.ModelSerializer):
    name = serializers.CharField()
    description = serializers.CharField()
    rules = PermitRuleSerializer(many=True)

    class Meta:
        model = PermitType
        fields = [
            "code",
            "name",
            "description",
            "window",
            "duration_minutes",
            "earliest_start",
            "latest_end",
            "weekdays",
            "effect_delay_minutes",
            "needs_destination",
            "needs_reason",
            "is_collective",
            "rules",
        ]


class ComunaPhaseSerializer(serializers.ModelSerializer):
    comuna = serializers.CharField(source="precinct.code")
    name = serializers.CharField(source="precinct.name")

    class Meta:
        model = ComunaPhase
        fields = ["comuna", "name", "phase", "since"]


class PermitCatalogueSerializer(serializers.Serializer):
    types = PermitTypeSerializer(many=True)
    phases = ComunaPhaseSerializer(many=True)


class PermitIssueSerializer(serializers.Serializer):
    permit_type = serializers.SlugField(max_length=40)
    comuna = serializers.CharField(max_length=10, help_text="The comuna's code (where the trip starts).")
    starts_at = serializers.DateTimeField(help_text="Wanted start; it takes effect no earlier than the type's delay.")
    destination = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True, default="")
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    submission_key = serializers.UUIDField(help_text="A fresh UUID per form; a retry with the same key issues nothing.")


class WorkerSerializer(serializers.Serializer):
    run = serializers.CharField(max_length=14)
    name = serializers.CharField(max_length=MAX_TEXT)


class CollectiveIssueSerializer(serializers.Serializer):
    permit_type = serializers.SlugField(max_length=40)
    comuna = serializers.CharField(max_length=10)
    starts_at = serializers.DateTimeField()
    employer_rut = serializers.CharField(max_length=14)
    employer_name = serializers.CharField(max_length=MAX_TEXT)
    activity_code = serializers.RegexField(r"^\d{6}$", help_text="The company's six-digit SII activity code.")
    workers = WorkerSerializer(many=True, allow_empty=False, max_length=MAX_WORKERS)
    submission_key = serializers.UUIDField()


class PermitSerializer(serializers.ModelSerializer):
    """The holder's (or the employer's) own permit: window, status, and the signed token its QR carries."""

    code = serializers.SerializerMethodField()
    permit_type = serializers.CharField(source="permit_type.code")
    permit_type_name = serializers.CharField(source="permit_type.name")
    comuna = serializers.CharField(source="precinct.code")
    run_masked = serializers.CharField(source="document.holder_run_masked")
    document_status = serializers.CharField(source="document.status")
    token = serializers.CharField(source="document.token")
    qr_payload = serializers.SerializerMethodField()
    verification_url = serializers.SerializerMethodField()

    class Meta:
        model = Permit
        fields = ["folio", "code", "permit_type", "permit_type_name", "holder_name", "run_masked", "comuna", "phase",
                  "destination", "starts_at", "ends_at", "status", "status_code", "status_changed_at",
                  "document_status", "token", "qr_payload", "verification_url", "created_at"]  # fmt: skip

    def get_code(self, permit) -> str:
        return code_format(permit.document.code)

    def get_qr_payload(self, permit) -> str:
        return qr_payload(code=permit.document.code, token=permit.document.token)

    def get_verification_url(self, permit) -> str:
        return verification_url(permit.document.code)

    def to_representation(self, permit) -> dict:
        """The fields above, written out: this answers every permit issued, and DRF's field-by-field walk (a copy
        of twenty fields per response) cost more than the rest of the response. The declarations still describe
        the schema; a test checks that this gives exactly what the walk gives."""
        document = permit.document
        return {
            "folio": permit.folio,
            "code": code_format(document.code),
            "permit_type": permit.permit_type.code,
            "permit_type_name": str(permit.permit_type.name),
            "holder_name": permit.holder_name,
            "run_masked": document.holder_run_masked,
            "comuna": permit.precinct.code,
            "phase": permit.phase,
            "destination": permit.destination,
            "starts_at": _DATETIME.to_representation(permit.starts_at),
            "ends_at": _DATETIME.to_representation(permit.ends_at),
            "status": str(permit.status),
            "status_code": permit.status_code,
            "status_changed_at": _DATETIME.to_representation(permit.status_changed_at)
            if permit.status_changed_at
            else None,
            "document_status": str(document.status),
            "token": document.token,
            "qr_payload": qr_payload(code=document.code, token=document.token),
            "verification_url": verification_url(document.code),
            "created_at": _DATETIME.to_representation(permit.created_at),
        }


class CollectivePermitSerializer(serializers.ModelSerializer):
    permit_type = serializers.CharField(source="permit_type.code")
    comuna = serializers.CharField(source="precinct.code")

    class Meta:
        model = CollectivePermit
        fields = ["id", "employer_rut", "employer_name", "activity_code", "permit_type", "comuna", "starts_at",
                  "ends_at", "worker_count", "created_at"]  # fmt: skip


class CollectiveIssueResultSerializer(serializers.Serializer):
    collective = CollectivePermitSerializer()
    permits = PermitSerializer(many=True)


class CheckpointVerifySerializer(serializers.Serializer):
    token = serializers.CharField(
        max_length=4096,
        required=False,
        allow_blank=True,
        default="",
        help_text="The signed token the QR carries (its ``t`` parameter), or the whole URL.",
    )
    code = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if not attrs["token"] and not attrs["code"]:
            raise serializers.ValidationError({"token": ["Send the QR's token or the verification code."]})
        return attrs


class RestrictionSerializer(serializers.Serializer):
    registry = serializers.CharField()
    code = serializers.CharField()
    kind = serializers.CharField()
    valid_from = serializers.DateField(allow_null=True)
    valid_until = serializers.DateField(allow_null=True)


class CheckpointPermitSerializer(FieldsOnceModelSerializer):
    """What the officer needs to match the permit to the person in front of them: name, masked RUN, window."""

    code = serializers.SerializerMethodField()
    permit_type = serializers.CharField(source="permit_type.code")
    permit_type_name = serializers.CharField(source="permit_type.name")
    comuna = serializers.CharField(source="precinct.name")
    run_masked = serializers.CharField(source="document.holder_run_masked")

    class Meta:
        model = Permit
        fields = ["folio", "code", "permit_type", "permit_type_name", "holder_name", "run_masked", "comuna",
                  "destination", "starts_at", "ends_at", "status", "status_code"]  # fmt: skip

    def get_code(self, permit) -> str:
        return code_format(permit.document.code)


class CheckpointResultSerializer(serializers.Serializer):
    status = serializers.CharField()
    message = serializers.CharField()
    signature = serializers.CharField(help_text="The offline check of the token: valid, expired, bad_signature, …")
    permit = CheckpointPermitSerializer(allow_null=True)
    restrictions = serializers.SerializerMethodField()
    unavailable = serializers.ListField(child=serializers.CharField())

    @extend_schema_field(RestrictionSerializer(many=True))
    def get_restrictions(self, result) -> list[dict]:
        return [restriction.as_dict() for restriction in result.restrictions]
