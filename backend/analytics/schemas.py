"""OpenAPI descriptions of the analytics bodies the selectors build as dicts (schema only)."""

from rest_framework import serializers

from backend.common.openapi import (
    PolygonGeometryField,
    geojson_feature,
    geojson_feature_collection,
    paginated,
)

from .models import LinkagePresetName
from .serializers import IncidentLinkSerializer

AREA_KINDS = ["precinct", "prefecture", "scope"]


class AreaSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=AREA_KINDS)
    code = serializers.CharField(allow_blank=True, help_text="empty for the whole scope")
    name = serializers.CharField(allow_blank=True)


class DarkFigureRowSerializer(serializers.Serializer):
    precinct = serializers.CharField()
    precinct_name = serializers.CharField(allow_blank=True)
    group = serializers.CharField()
    preset = serializers.ChoiceField(choices=LinkagePresetName.choices)
    linkage_computed = serializers.BooleanField()
    n1 = serializers.IntegerField(help_text="formal reports")
    n2 = serializers.IntegerField(help_text="informal alerts")
    m = serializers.IntegerField(help_text="linked pairs")
    observed = serializers.IntegerField()
    n_hat = serializers.FloatField()
    variance = serializers.FloatField()
    standard_error = serializers.FloatField()
    n_hat_low = serializers.FloatField()
    n_hat_high = serializers.FloatField()
    dark_figure = serializers.FloatField(allow_null=True)
    dark_figure_low = serializers.FloatField(allow_null=True)
    dark_figure_high = serializers.FloatField(allow_null=True)
    warnings = serializers.ListField(child=serializers.CharField())


class DarkFigurePresetSerializer(serializers.Serializer):
    preset = serializers.ChoiceField(choices=LinkagePresetName.choices)
    max_distance_m = serializers.FloatField()
    max_hours = serializers.FloatField()
    rows = DarkFigureRowSerializer(many=True)


class EnuscBaselineSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    non_reporting = serializers.FloatField()
    range = serializers.ListField(child=serializers.FloatField(), min_length=2, max_length=2)
    warnings = serializers.ListField(child=serializers.CharField())


class DarkFigureReportSerializer(serializers.Serializer):
    area = AreaSerializer()
    month = serializers.CharField(help_text="YYYY-MM")
    enusc_baseline = EnuscBaselineSerializer()
    pilot_baseline = serializers.FloatField()
    goal = serializers.FloatField()
    minimum_stratum_count = serializers.IntegerField()
    presets = DarkFigurePresetSerializer(many=True)


class PeriodSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()


class AdoptionRowSerializer(serializers.Serializer):
    label = serializers.CharField()
    registered = serializers.IntegerField()
    population = serializers.IntegerField()
    alerts = serializers.IntegerField()
    target = serializers.IntegerField()
    missing = serializers.IntegerField()
    compliance_percent = serializers.FloatField(allow_null=True)


class AdoptionSerializer(serializers.Serializer):
    period = PeriodSerializer()
    rows = AdoptionRowSerializer(many=True)


class ChangeSerializer(serializers.Serializer):
    current = serializers.IntegerField()
    prior = serializers.IntegerField()
    absolute_change = serializers.IntegerField()
    percent_change = serializers.FloatField(allow_null=True)
    percent_change_label = serializers.CharField()
    wheeler_z = serializers.FloatField()
    is_signal = serializers.BooleanField()


class WindowChangesSerializer(serializers.Serializer):
    last_7_days = ChangeSerializer()
    last_28_days = ChangeSerializer()
    year_to_date = ChangeSerializer()


class CountRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    label_es = serializers.CharField()
    label_en = serializers.CharField()
    group = serializers.CharField(allow_null=True)
    windows = WindowChangesSerializer()


class SideBySideSerializer(serializers.Serializer):
    group = serializers.CharField()
    formal = WindowChangesSerializer()
    informal = WindowChangesSerializer()


class MilestoneSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    median_seconds = serializers.FloatField(allow_null=True)
    p90_seconds = serializers.FloatField(allow_null=True)
    invalid = serializers.IntegerField(help_text="steps dated before their alert (a wrong clock)")


class ResponseTimeSummarySerializer(serializers.Serializer):
    window = PeriodSerializer()
    to_acknowledge = MilestoneSerializer()
    to_contact = MilestoneSerializer()
    to_on_scene = MilestoneSerializer()
    to_close = MilestoneSerializer()


class PrecinctNameSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class PackAreaSerializer(AreaSerializer):
    precincts = PrecinctNameSerializer(many=True)


class WindowsSerializer(serializers.Serializer):
    last_7_days = PeriodSerializer()
    last_28_days = PeriodSerializer()
    year_to_date = PeriodSerializer()


class StopPackSerializer(serializers.Serializer):
    area = PackAreaSerializer()
    end_date = serializers.DateField()
    month = serializers.CharField(help_text="YYYY-MM")
    windows = WindowsSerializer()
    formal = CountRowSerializer(many=True)
    informal = CountRowSerializer(many=True)
    side_by_side = SideBySideSerializer(many=True)
    response_times = ResponseTimeSummarySerializer()
    dark_figure = DarkFigureReportSerializer()
    adoption = AdoptionSerializer()
    map_url = serializers.CharField()


class HotspotPropertiesSerializer(serializers.Serializer):
    cell = serializers.CharField(help_text="H3 cell index")
    formal = serializers.IntegerField()
    informal = serializers.IntegerField()
    count = serializers.IntegerField()
    z = serializers.FloatField()
    p = serializers.FloatField()
    p_fdr = serializers.FloatField()
    bin = serializers.IntegerField(min_value=-3, max_value=3)


class HotspotCollectionPropertiesSerializer(serializers.Serializer):
    area = serializers.CharField(allow_blank=True)
    month = serializers.CharField()
    resolution = serializers.IntegerField()
    warnings = serializers.ListField(child=serializers.CharField())


HotspotFeatureSerializer = geojson_feature(
    "HotspotFeatureSerializer",
    properties=HotspotPropertiesSerializer(),
    geometry=PolygonGeometryField(),
    id_field=serializers.CharField(),
)
HotspotFeatureCollectionSerializer = geojson_feature_collection(
    "HotspotFeatureCollectionSerializer",
    feature=HotspotFeatureSerializer,
    properties=HotspotCollectionPropertiesSerializer(),
)
IncidentLinkPageSerializer = paginated("IncidentLinkPageSerializer", item=IncidentLinkSerializer)
