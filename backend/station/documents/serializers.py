from django.utils.translation import gettext
from rest_framework import serializers

from ..models import IssuedDocument
from .codes import code_format
from .qr import qr_payload, verification_url


def _translated(facts: list[dict]) -> list[dict]:
    return [
        {"label": gettext(fact["label"]), "value": gettext(fact["value"]) if fact.get("translate") else fact["value"]}
        for fact in facts
    ]


class FactSerializer(serializers.Serializer):
    label = serializers.CharField()
    value = serializers.CharField()


class PublicDocumentSerializer(serializers.ModelSerializer):
    """Only what a document certifies: never the full RUN, the address or the narrative."""

    title = serializers.SerializerMethodField()
    subtitle = serializers.SerializerMethodField()
    facts = serializers.SerializerMethodField()
    code = serializers.SerializerMethodField()
    issued_at = serializers.DateTimeField(source="created_at")

    class Meta:
        model = IssuedDocument
        fields = [
            "kind",
            "folio",
            "code",
            "title",
            "subtitle",
            "holder_run_masked",
            "issued_at",
            "valid_from",
            "valid_until",
            "status",
            "revoked_at",
            "facts",
        ]

    def get_title(self, document) -> str:
        return gettext(document.title)

    def get_subtitle(self, document) -> str:
        return gettext(document.subtitle) if document.subtitle else ""

    def get_code(self, document) -> str:
        return code_format(document.code)

    @staticmethod
    def _facts(document) -> list[dict]:
        return _translated(document.public_facts)

    def get_facts(self, document) -> list[FactSerializer]:
        return self._facts(document)


class HolderDocumentSerializer(PublicDocumentSerializer):
    """The holder's own copy: every fact, the signed token, the QR payload and where the PDF is."""

    holder_name = serializers.CharField()
    token = serializers.CharField()
    qr_payload = serializers.SerializerMethodField()
    verification_url = serializers.SerializerMethodField()
    pdf_ready = serializers.SerializerMethodField()

    class Meta(PublicDocumentSerializer.Meta):
        fields = [
            *PublicDocumentSerializer.Meta.fields,
            "holder_name",
            "token",
            "qr_payload",
            "verification_url",
            "pdf_ready",
        ]

    @staticmethod
    def _facts(document) -> list[dict]:
        return _translated(document.facts)

    def get_qr_payload(self, document) -> str:
        return qr_payload(code=document.code, token=document.token)

    def get_verification_url(self, document) -> str:
        return verification_url(document.code)

    def get_pdf_ready(self, document) -> bool:
        return bool(document.pdf)


class VerificationSerializer(serializers.Serializer):
    status = serializers.CharField()
    message = serializers.SerializerMethodField()
    code = serializers.CharField()
    key_id = serializers.SerializerMethodField()
    document = PublicDocumentSerializer(allow_null=True)

    def get_message(self, verification) -> str:
        return gettext(verification.message)

    def get_key_id(self, verification) -> str | None:
        return verification.token_check.key_id if verification.token_check else None


class TokenVerifySerializer(serializers.Serializer):
    token = serializers.CharField(max_length=4096)
