from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from backend.common.openapi import paginated

from ..models import CondolenceMessage, FallenOfficer
from .services import MAX_AUTHOR_NAME_LENGTH, MAX_MESSAGE_LENGTH


class CondolenceWriteSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=MAX_MESSAGE_LENGTH)
    author_name = serializers.CharField(
        max_length=MAX_AUTHOR_NAME_LENGTH, required=False, allow_blank=True, default="", help_text="Optional."
    )


class ModerationDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])


class FallenOfficerSerializer(serializers.ModelSerializer):
    message_count = serializers.IntegerField(help_text="Approved messages.")

    class Meta:
        model = FallenOfficer
        fields = ["slug", "name", "rank", "unit", "died_on", "biography", "message_count"]


class CondolenceSerializer(serializers.ModelSerializer):
    """A message as the public reads it (approved ones only ever reach this)."""

    published_at = serializers.DateTimeField(source="moderated_at")

    class Meta:
        model = CondolenceMessage
        fields = ["id", "author_name", "text", "published_at"]


CondolencePageSerializer = paginated("CondolencePage", item=CondolenceSerializer)


class CondolenceWrittenSerializer(serializers.ModelSerializer):
    """What the writer gets back: their message, awaiting moderation."""

    class Meta:
        model = CondolenceMessage
        fields = ["id", "author_name", "text", "status", "created_at"]


class ModerationMessageSerializer(serializers.ModelSerializer):
    officer = serializers.CharField(source="officer.slug")
    officer_name = serializers.CharField(source="officer.__str__")

    class Meta:
        model = CondolenceMessage
        fields = ["id", "officer", "officer_name", "author_name", "text", "status", "created_at", "moderated_at"]
