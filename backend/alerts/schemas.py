"""OpenAPI descriptions of the bodies presenters.py builds (schema only: the presenters stay the one source).

tests/contract runs schemathesis against the live server, so any drift between a presenter and
its description here fails the build.
"""

from rest_framework import serializers

from backend.accounts.models import Agency
from backend.common.openapi import (
    MultiPolygonGeometryField,
    PointGeometryField,
    PolygonGeometryField,
    geojson_feature,
    geojson_feature_collection,
)

from .models import AlertStatus, DeviceKind, MessageStatus, ZoneKind
from .vocabularies import SEVERITIES, URGENCIES


class CategoryViewSerializer(serializers.Serializer):
    code = serializers.CharField()
    label_es = serializers.CharField()
    label_en = serializers.CharField()
    priority = serializers.IntegerField()


class LocationViewSerializer(serializers.Serializer):
    lat = serializers.FloatField()
    lon = serializers.FloatField()


class PersonViewSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ReporterViewSerializer(PersonViewSerializer):
    phone = serializers.CharField(allow_blank=True)


class PrecinctRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class PhotoViewSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField()
    thumbnail_url = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    is_approved = serializers.BooleanField()
    source = serializers.ChoiceField(choices=["reporter", "dispatch", "community"])


class StepViewSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=AlertStatus.choices)
    created_at = serializers.DateTimeField()
    note = serializers.CharField(allow_blank=True)
    actor = PersonViewSerializer(allow_null=True)
    photos = serializers.ListField(child=serializers.IntegerField(), help_text="ids of the alert's photos")


class RedactedStepViewSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=AlertStatus.choices)
    created_at = serializers.DateTimeField()


class InformationViewSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    created_at = serializers.DateTimeField()
    photos = PhotoViewSerializer(many=True)
    author = PersonViewSerializer(allow_null=True)
    is_hidden = serializers.BooleanField()


class RedactedInformationViewSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    created_at = serializers.DateTimeField()
    photos = PhotoViewSerializer(many=True)


class AlertFullSerializer(serializers.Serializer):
    """The full alert, for dispatch in scope and for its reporter."""

    id = serializers.IntegerField()
    category = CategoryViewSerializer()
    agency = serializers.ChoiceField(choices=Agency.choices)
    status = serializers.ChoiceField(choices=AlertStatus.choices)
    location = LocationViewSerializer()
    accuracy_meters = serializers.FloatField()
    description = serializers.CharField(allow_blank=True)
    precinct = PrecinctRefSerializer()
    is_overlap = serializers.BooleanField()
    is_gap = serializers.BooleanField()
    reporter = ReporterViewSerializer()
    merged_into = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()
    photos = PhotoViewSerializer(many=True)
    steps = StepViewSerializer(many=True)
    information = InformationViewSerializer(many=True)


class AlertRedactedSerializer(serializers.Serializer):
    """What community members see: no reporter or notes, the location snapped to ~100 m, approved photos only."""

    id = serializers.IntegerField()
    category = CategoryViewSerializer()
    agency = serializers.ChoiceField(choices=Agency.choices)
    status = serializers.ChoiceField(choices=AlertStatus.choices)
    location = LocationViewSerializer()
    created_at = serializers.DateTimeField()
    merged_into = serializers.IntegerField(allow_null=True)
    photos = PhotoViewSerializer(many=True)
    steps = RedactedStepViewSerializer(many=True)
    information = RedactedInformationViewSerializer(many=True)


class ResponseTimesSerializer(serializers.Serializer):
    to_acknowledge = serializers.FloatField(allow_null=True, help_text="seconds")
    to_contact = serializers.FloatField(allow_null=True, help_text="seconds")
    to_on_scene = serializers.FloatField(allow_null=True, help_text="seconds")
    to_close = serializers.FloatField(allow_null=True, help_text="seconds")


class AlertDetailSerializer(AlertFullSerializer):
    """The full alert; dispatch also gets possible duplicates and response times."""

    possible_duplicates = AlertFullSerializer(many=True, required=False)
    response_times = ResponseTimesSerializer(required=False)


class BoundaryFlagsSerializer(serializers.Serializer):
    is_overlap = serializers.BooleanField()
    is_gap = serializers.BooleanField()
    is_boundary_case = serializers.BooleanField()


class AlertCreatedSerializer(AlertFullSerializer):
    flags = BoundaryFlagsSerializer()


AlertFeatureSerializer = geojson_feature(
    "AlertFeatureSerializer",
    properties=AlertFullSerializer(),
    geometry=PointGeometryField(),
    id_field=serializers.IntegerField(),
)
AlertDetailFeatureSerializer = geojson_feature(
    "AlertDetailFeatureSerializer",
    properties=AlertDetailSerializer(),
    geometry=PointGeometryField(),
    id_field=serializers.IntegerField(),
)
AlertRedactedFeatureSerializer = geojson_feature(
    "AlertRedactedFeatureSerializer",
    properties=AlertRedactedSerializer(),
    geometry=PointGeometryField(),
    id_field=serializers.IntegerField(),
)
AlertFeatureCollectionSerializer = geojson_feature_collection(
    "AlertFeatureCollectionSerializer", feature=AlertFeatureSerializer, paginated=True
)
AlertRedactedFeatureCollectionSerializer = geojson_feature_collection(
    "AlertRedactedFeatureCollectionSerializer", feature=AlertRedactedFeatureSerializer, paginated=True
)


class InformationCreatedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    alert = serializers.IntegerField()


class InformationHiddenSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    is_hidden = serializers.BooleanField()


class ZonePropertiesSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=ZoneKind.choices)
    center = LocationViewSerializer(allow_null=True)
    radius_meters = serializers.IntegerField(allow_null=True)


class ZoneSerializer(ZonePropertiesSerializer):
    boundary = PolygonGeometryField()


ZoneFeatureSerializer = geojson_feature(
    "ZoneFeatureSerializer",
    properties=ZonePropertiesSerializer(),
    geometry=PolygonGeometryField(),
    id_field=serializers.IntegerField(),
)
ZoneFeatureCollectionSerializer = geojson_feature_collection(
    "ZoneFeatureCollectionSerializer", feature=ZoneFeatureSerializer
)


class MessagePropertiesSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    identifier = serializers.UUIDField()
    headline = serializers.CharField()
    body = serializers.CharField()
    instruction = serializers.CharField(allow_blank=True)
    severity = serializers.ChoiceField(choices=SEVERITIES)
    urgency = serializers.ChoiceField(choices=URGENCIES)
    status = serializers.ChoiceField(choices=MessageStatus.choices)
    area_description = serializers.CharField(allow_blank=True)
    precinct = serializers.IntegerField()
    replaces = serializers.IntegerField(allow_null=True)
    sent_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField(allow_null=True)
    msg_type = serializers.ChoiceField(choices=["Alert", "Update", "Cancel"], help_text="the CAP msgType")
    cap_url = serializers.URLField(help_text="the CAP 1.2 document")


class MessageSerializer(MessagePropertiesSerializer):
    area = MultiPolygonGeometryField()


class MessageListSerializer(serializers.Serializer):
    messages = MessageSerializer(many=True)


MessageFeatureSerializer = geojson_feature(
    "MessageFeatureSerializer",
    properties=MessagePropertiesSerializer(),
    geometry=MultiPolygonGeometryField(),
    id_field=serializers.IntegerField(),
)
MessageFeatureCollectionSerializer = geojson_feature_collection(
    "MessageFeatureCollectionSerializer", feature=MessageFeatureSerializer
)


class DeviceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=DeviceKind.choices)
    created_at = serializers.DateTimeField()


class DeviceListSerializer(serializers.Serializer):
    devices = DeviceSerializer(many=True)


class WebPushKeySerializer(serializers.Serializer):
    public_key = serializers.CharField(allow_blank=True, help_text="VAPID public key; empty when Web Push is off")


class PushPreferencesViewSerializer(serializers.Serializer):
    preferences = serializers.DictField(child=serializers.BooleanField(), help_text="category code: push on or off")
