"""What community members see (always redacted) and the zones they follow."""

from django.contrib.gis.geos import Point
from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.common.geojson import feature, feature_collection, geometry_geojson
from backend.common.openapi import FORMAT_PARAMETER, geojson_or_json
from backend.common.renderers import GEOJSON_FIRST, JSON_FIRST, wants_geojson

from .. import presenters, schemas
from ..models import Zone
from ..presenters import GeoJsonPage
from .selectors import community_alert_get, community_alerts
from .serializers import ZoneCreateSerializer
from .services import zone_create, zone_delete


def zone_view(zone: Zone) -> dict:
    return {
        "id": zone.id,
        "name": zone.name,
        "kind": zone.kind,
        "center": {"lat": zone.center.y, "lon": zone.center.x} if zone.center else None,
        "radius_meters": zone.radius_meters,
        "boundary": geometry_geojson(zone.boundary),
    }


def zone_feature(zone: Zone) -> dict:
    view = zone_view(zone)
    return feature(id=zone.id, geometry=view.pop("boundary"), properties=view)


class CommunityAlertListApi(APIView):
    """Recent alerts in my zones, redacted, as paginated GeoJSON."""

    renderer_classes = GEOJSON_FIRST

    @extend_schema(operation_id="community_alerts_list", responses=schemas.AlertRedactedFeatureCollectionSerializer)
    def get(self, request):
        paginator = GeoJsonPage()
        page = paginator.paginate_queryset(community_alerts(member=request.user), request, view=self)
        return paginator.respond(page, audience=presenters.AUDIENCE_COMMUNITY)


class CommunityAlertDetailApi(APIView):
    renderer_classes = JSON_FIRST

    @extend_schema(
        parameters=[FORMAT_PARAMETER],
        responses=geojson_or_json(
            json_body=schemas.AlertRedactedSerializer, geojson_body=schemas.AlertRedactedFeatureSerializer
        ),
    )
    def get(self, request, alert_id: int):
        view = presenters.alert_redacted(community_alert_get(member=request.user, alert_id=alert_id))
        return Response(presenters.alert_feature(view) if wants_geojson(request) else view)


class ZoneListCreateApi(APIView):
    renderer_classes = JSON_FIRST

    @extend_schema(
        parameters=[FORMAT_PARAMETER],
        responses=geojson_or_json(
            json_body=schemas.ZoneSerializer(many=True), geojson_body=schemas.ZoneFeatureCollectionSerializer
        ),
    )
    def get(self, request):
        zones = Zone.objects.filter(member=request.user)
        if wants_geojson(request):
            return Response(feature_collection([zone_feature(zone) for zone in zones]))
        return Response([zone_view(zone) for zone in zones])

    @extend_schema(
        request=ZoneCreateSerializer,
        parameters=[FORMAT_PARAMETER],
        responses=geojson_or_json(
            json_body=schemas.ZoneSerializer, geojson_body=schemas.ZoneFeatureSerializer, status_code=201
        ),
    )
    def post(self, request):
        serializer = ZoneCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        zone = zone_create(
            member=request.user,
            name=data["name"],
            center=Point(data["lon"], data["lat"], srid=4326) if "lat" in data else None,
            radius_meters=data.get("radius_meters"),
            boundary=data.get("boundary"),
        )
        return Response(
            zone_feature(zone) if wants_geojson(request) else zone_view(zone), status=status.HTTP_201_CREATED
        )


class ZoneDetailApi(APIView):
    renderer_classes = JSON_FIRST

    @extend_schema(
        operation_id="community_zone_retrieve",
        parameters=[FORMAT_PARAMETER],
        responses=geojson_or_json(json_body=schemas.ZoneSerializer, geojson_body=schemas.ZoneFeatureSerializer),
    )
    def get(self, request, zone_id: int):
        zone = get_object_or_404(Zone, member=request.user, id=zone_id)
        return Response(zone_feature(zone) if wants_geojson(request) else zone_view(zone))

    @extend_schema(responses={204: None})
    def delete(self, request, zone_id: int):
        zone_delete(member=request.user, zone_id=zone_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns = [
    path("community/alerts/", CommunityAlertListApi.as_view(), name="community-alerts"),
    path("community/alerts/<int:alert_id>/", CommunityAlertDetailApi.as_view(), name="community-alert"),
    path("community/zones/", ZoneListCreateApi.as_view(), name="zones"),
    path("community/zones/<int:zone_id>/", ZoneDetailApi.as_view(), name="zone"),
]
