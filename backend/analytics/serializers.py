from rest_framework import serializers

from backend.analytics.estimation import LINKAGE_PRESETS

from .models import IncidentLink, LinkStatus

PACK_TABLES = ("counts", "response_times", "dark_figure", "adoption")


class AreaQuerySerializer(serializers.Serializer):
    precinct = serializers.CharField(required=False, max_length=32)
    prefecture = serializers.CharField(required=False, max_length=32)


class AreaMonthQuerySerializer(AreaQuerySerializer):
    # Parsed by selectors.areas.month_parse, which tells a malformed month (400) from an unknown one (404).
    month = serializers.CharField(max_length=16)


class StopPackQuerySerializer(AreaQuerySerializer):
    end = serializers.DateField(required=False)
    month = serializers.CharField(required=False, max_length=16)
    table = serializers.ChoiceField(choices=PACK_TABLES, default="counts")


class DateRangeQuerySerializer(AreaQuerySerializer):
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)


class LinkListQuerySerializer(AreaMonthQuerySerializer):
    preset = serializers.ChoiceField(choices=list(LINKAGE_PRESETS), required=False)
    status = serializers.ChoiceField(choices=LinkStatus.choices, required=False)


class LinkageRunInputSerializer(AreaMonthQuerySerializer):
    preset = serializers.ChoiceField(choices=list(LINKAGE_PRESETS), required=False)


class IncidentLinkSerializer(serializers.ModelSerializer):
    formal_report = serializers.SerializerMethodField()
    alert = serializers.SerializerMethodField()
    reviewed_by = serializers.CharField(source="reviewed_by.username", default=None, allow_null=True, read_only=True)

    class Meta:
        model = IncidentLink
        fields = [
            "id",
            "preset",
            "status",
            "distance_m",
            "hours_apart",
            "formal_report",
            "alert",
            "reviewed_by",
            "reviewed_at",
            "created_at",
        ]

    def get_formal_report(self, link: IncidentLink) -> dict:
        report = link.formal_report
        return {
            "id": report.id,
            "external_id": report.external_id,
            "source": report.source,
            "offense_type": report.offense_type.code,
            "occurred_at": report.occurred_at,
            "precinct": report.precinct.code,
            "lat": report.location.y,
            "lon": report.location.x,
        }

    def get_alert(self, link: IncidentLink) -> dict:
        alert = link.alert
        return {
            "id": alert.id,
            "category": alert.category.code,
            "created_at": alert.created_at,
            "status": alert.status,
            "lat": alert.location.y,
            "lon": alert.location.x,
        }


class LinkageSummarySerializer(serializers.Serializer):
    preset = serializers.CharField()
    formal_count = serializers.IntegerField()
    alert_count = serializers.IntegerField()
    confirmed_kept = serializers.IntegerField()
    proposed = serializers.IntegerField()
