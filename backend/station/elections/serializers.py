from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..models import EXCUSE_MINIMUM_METERS, VoterExcuse
from ..templatetags.station import run_display


class PositionSerializer(serializers.Serializer):
    lat = serializers.FloatField(min_value=-90, max_value=90)
    lon = serializers.FloatField(min_value=-180, max_value=180)


class ExcuseFileSerializer(PositionSerializer):
    position_source = serializers.ChoiceField(
        choices=[("device", _("This device's location")), ("map", _("A point chosen on the map"))],
        help_text="Where lat/lon came from: the browser's geolocation, or a point the voter chose on the map.",
    )
    contact_email = serializers.EmailField(help_text="The issued excuse is emailed here (ClaveÚnica gives no email).")


class ElectionSerializer(serializers.Serializer):
    name = serializers.CharField()
    election_date = serializers.DateField()


class StationSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    address = serializers.CharField()
    comuna = serializers.CharField()


class ExcuseCheckSerializer(serializers.Serializer):
    """The distance check shown before filing (filing checks again)."""

    election = ElectionSerializer()
    station = StationSerializer()
    distance_meters = serializers.SerializerMethodField()
    minimum_meters = serializers.SerializerMethodField()
    is_far_enough = serializers.BooleanField()

    def get_distance_meters(self, check) -> int:
        return round(check.distance_meters)

    def get_minimum_meters(self, check) -> int:
        return EXCUSE_MINIMUM_METERS


class VoterExcuseSerializer(serializers.ModelSerializer):
    """An excuse request as its voter sees it."""

    election = ElectionSerializer()
    station = StationSerializer()
    lat = serializers.SerializerMethodField()
    lon = serializers.SerializerMethodField()
    document_folio = serializers.CharField(source="document.folio", default=None)
    document_code = serializers.CharField(source="document.code", default=None)

    class Meta:
        model = VoterExcuse
        fields = [
            "folio",
            "status",
            "election",
            "station",
            "lat",
            "lon",
            "position_source",
            "distance_meters",
            "contact_email",
            "created_at",
            "confirmed_at",
            "confirmed_unit",
            "document_folio",
            "document_code",
        ]

    def get_lat(self, excuse) -> float:
        return excuse.location.y

    def get_lon(self, excuse) -> float:
        return excuse.location.x


class DeskExcuseSerializer(VoterExcuseSerializer):
    """What the officer at the desk sees: who the request says the voter is, to compare with the identity card."""

    voter_name = serializers.CharField(source="voter.get_full_name")
    run = serializers.SerializerMethodField()

    class Meta(VoterExcuseSerializer.Meta):
        fields = [*VoterExcuseSerializer.Meta.fields, "voter_name", "run"]

    def get_run(self, excuse) -> str:
        return run_display(excuse.voter.rut)


class DeskQuerySerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, default="", max_length=20)


class ExcuseConfirmSerializer(serializers.Serializer):
    card_run = serializers.CharField(max_length=20, help_text="The RUN printed on the identity card the voter showed.")
