from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..fields import MAX_NARRATIVE
from ..models import Tip, TipAttachment, TipMessage, TipMessageKind, TipStatus, TipUrgency
from .attachments import MAX_ATTACHMENTS
from .catalogue import TIP_CATEGORIES
from .receipts import MAX_TYPED_LENGTH
from .selectors import NO_PLACE

MAX_MESSAGE = 4000
MAX_SUMMARY = 1500
ERROR_HALF_POINT = gettext_lazy("Send both lat and lon, or neither.")
ERROR_UNKNOWN_CATEGORY = gettext_lazy("Choose one of the categories offered.")


class TipSendSerializer(serializers.Serializer):
    """A tip as the form and the apps send it. Nothing here can identify the sender: do not write who you are."""

    category = serializers.ChoiceField(
        choices=[(code, category.title) for code, category in TIP_CATEGORIES.items()],
        error_messages={"invalid_choice": ERROR_UNKNOWN_CATEGORY},
    )
    text = serializers.CharField(max_length=MAX_NARRATIVE, help_text="What you know: who, what, where, when.")
    lat = serializers.FloatField(min_value=-90, max_value=90, required=False, allow_null=True, default=None)
    lon = serializers.FloatField(min_value=-180, max_value=180, required=False, allow_null=True, default=None)
    comuna = serializers.CharField(
        max_length=32, required=False, allow_blank=True, default="", help_text="The precinct code of the comuna."
    )
    address = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    urgency = serializers.ChoiceField(choices=TipUrgency.choices, required=False, allow_blank=True, default="")
    attachments = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, max_length=MAX_ATTACHMENTS,
        help_text="Photos only (JPEG, PNG, WebP); they are re-encoded without any metadata.",
    )  # fmt: skip
    submission_key = serializers.UUIDField(
        required=False, allow_null=True, default=None,
        help_text=(
            "Optional: a fresh random UUID (version 4) per tip, sent again if you retry after a lost response. The "
            "same key with the same content answers 200 and files nothing; with other content, 409. A retry cannot "
            "give the receipt code back (it is shown once and not kept): keep the one from the first answer. Only "
            "a keyed digest of the key is stored, which cannot be matched to it after the day (UTC); a retry that "
            "crosses midnight UTC files a second tip."
        ),
    )  # fmt: skip

    def validate(self, attrs):
        if (attrs["lat"] is None) != (attrs["lon"] is None):
            raise serializers.ValidationError({"location": [ERROR_HALF_POINT]})
        return attrs


class TipReceiptSerializer(serializers.Serializer):
    receipt_code = serializers.CharField(
        help_text="Shown once, when the tip was sent. Keep it: it is the only way back to your tip."
    )
    category = serializers.CharField()
    received_on = serializers.DateField()


class TipAlreadyReceivedSerializer(serializers.Serializer):
    """The answer to a retry with the same submission key: nothing the first answer did not say, and no code."""

    already_received = serializers.BooleanField(help_text="Always true: this tip was filed by an earlier request.")
    message = serializers.CharField()
    category = serializers.CharField()
    received_on = serializers.DateField()


class ReceiptCodeSerializer(serializers.Serializer):
    receipt_code = serializers.CharField(max_length=MAX_TYPED_LENGTH, help_text="Hyphens and spaces are ignored.")


class TipAnswerSerializer(ReceiptCodeSerializer):
    body = serializers.CharField(max_length=MAX_MESSAGE)


class MailboxMessageSerializer(serializers.ModelSerializer):
    """A message as the tipster sees it: never which officer wrote it."""

    class Meta:
        model = TipMessage
        fields = ["author", "kind", "body", "sent_on"]


class MailboxSerializer(serializers.ModelSerializer):
    """A tip as its tipster sees it, with the receipt code and nothing else."""

    messages = MailboxMessageSerializer(many=True)

    class Meta:
        model = Tip
        fields = ["category", "text", "urgency", "status", "received_on", "messages"]


class OfficerMessageSerializer(serializers.ModelSerializer):
    officer_name = serializers.SerializerMethodField()

    class Meta:
        model = TipMessage
        fields = ["author", "kind", "body", "sent_on", "officer_name"]

    def get_officer_name(self, message) -> str:
        return message.officer.get_full_name() if message.officer_id else ""


class OfficerAttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = TipAttachment
        fields = ["id", "content_type", "size", "width", "height"]


class OfficerTipListSerializer(serializers.ModelSerializer):
    precinct = serializers.CharField(source="precinct.code", allow_null=True, default=None)
    precinct_name = serializers.CharField(source="precinct.name", allow_null=True, default=None)
    lat = serializers.SerializerMethodField()
    lon = serializers.SerializerMethodField()

    class Meta:
        model = Tip
        fields = ["reference", "category", "urgency", "status", "received_on", "precinct", "precinct_name",
                  "address", "lat", "lon", "is_overlap", "is_gap"]  # fmt: skip

    def get_lat(self, tip) -> float | None:
        return tip.location.y if tip.location else None

    def get_lon(self, tip) -> float | None:
        return tip.location.x if tip.location else None


class OfficerTipSerializer(OfficerTipListSerializer):
    """A tip as a station officer sees it: the text, photos and mailbox; there is nothing about its sender."""

    messages = OfficerMessageSerializer(many=True)
    attachments = OfficerAttachmentSerializer(many=True)

    class Meta(OfficerTipListSerializer.Meta):
        fields = [*OfficerTipListSerializer.Meta.fields, "text", "messages", "attachments"]


class TipQueueFilterSerializer(serializers.Serializer):
    precinct = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=f"A precinct code, or '{NO_PLACE}' for no place."
    )
    category = serializers.ChoiceField(
        choices=list(TIP_CATEGORIES), required=False, allow_blank=True, default="",
        error_messages={"invalid_choice": ERROR_UNKNOWN_CATEGORY},
    )  # fmt: skip
    urgency = serializers.ChoiceField(choices=TipUrgency.choices, required=False, allow_blank=True, default="")
    status = serializers.ChoiceField(choices=TipStatus.choices, required=False, allow_blank=True, default="")


class TipTriageSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[(TipStatus.IN_REVIEW, _("Being looked into")), (TipStatus.CLOSED, _("Closed"))],
        required=False, allow_blank=True, default="",
    )  # fmt: skip
    urgency = serializers.ChoiceField(choices=TipUrgency.choices, required=False, allow_blank=True, default="")


class TipOfficerMessageSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=[(TipMessageKind.REPLY, _("Reply")), (TipMessageKind.QUESTION, _("Question"))]
    )
    body = serializers.CharField(max_length=MAX_MESSAGE)


class TipPlaceSerializer(serializers.Serializer):
    lat = serializers.FloatField(min_value=-90, max_value=90, help_text="Latitude (WGS84) of where the tip happens.")
    lon = serializers.FloatField(min_value=-180, max_value=180, help_text="Longitude (WGS84).")


class TipForwardSerializer(serializers.Serializer):
    summary = serializers.CharField(
        max_length=MAX_SUMMARY, help_text="What dispatch reads. Leave out anything that could identify the tipster."
    )
