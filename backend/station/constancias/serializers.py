from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..fields import JsonInForms, serializer_for
from ..models import Constancia
from .catalogue import CONSTANCIA_KINDS


@extend_schema_field(OpenApiTypes.OBJECT)
class AnswersField(JsonInForms):
    """The kind's own answers, e.g. {"occurred_on": "2025-05-01", "comuna": "13105"}; see GET /api/station/services/."""

    def __init__(self, **kwargs):
        super().__init__(serializers.DictField(default=dict), **kwargs)


class ConstanciaIssueSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[(code, kind.title) for code, kind in CONSTANCIA_KINDS.items()])
    answers = AnswersField(required=False, default=dict)
    contact_email = serializers.EmailField(required=False, allow_blank=True, default="")
    submission_key = serializers.UUIDField(help_text="A fresh UUID per form; a retry with the same key issues nothing.")

    def validate(self, attrs):
        kind = CONSTANCIA_KINDS[attrs["kind"]]
        answers = serializer_for(f"{kind.code}_answers", kind.fields)(data=attrs["answers"] or {})
        if not answers.is_valid():
            raise serializers.ValidationError({"answers": answers.errors})
        attrs["answers"] = dict(answers.validated_data)
        return attrs


class ConstanciaSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="document.code")
    status = serializers.CharField(source="document.status")
    valid_until = serializers.DateTimeField(source="document.valid_until")

    class Meta:
        model = Constancia
        fields = ["folio", "code", "kind", "status", "occurred_on", "details", "valid_until", "created_at"]
