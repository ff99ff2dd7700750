"""Mass messages: dispatch and command send, update and cancel; anyone may read them as CAP 1.2.

The feed of messages in force is ``GET /api/messages/active/``: a JSON list of message views, each
with its CAP msgType and the absolute URL of its CAP document (``/api/messages/<id>.cap``).
"""

from django.contrib.gis.geos import Point
from django.http import HttpResponse
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.permissions import IsCommand
from backend.common.geojson import feature_collection
from backend.common.openapi import FORMAT_PARAMETER, geojson_or_json
from backend.common.renderers import JSON_FIRST, wants_geojson

from .. import presenters, schemas
from .cap import CAP_CONTENT_TYPE
from .selectors import message_cap_document, message_cap_type, message_get, messages_active
from .serializers import (
    MessageAreaPreviewResponseSerializer,
    MessageAreaPreviewSerializer,
    MessageCancelSerializer,
    MessageContentSerializer,
    MessageSendSerializer,
)
from .services import (
    MessageContent,
    MessageTarget,
    mass_message_area,
    mass_message_cancel,
    mass_message_send,
    mass_message_update,
)

CONTENT_FIELDS = ("headline", "body", "instruction", "severity", "urgency", "certainty", "expires_at")


def _view(request, message) -> dict:
    view = presenters.message_view(message)
    return {**view, "msg_type": message_cap_type(message), "cap_url": request.build_absolute_uri(view["cap_url"])}


def _content(data: dict) -> MessageContent:
    return MessageContent(**{name: data[name] for name in CONTENT_FIELDS})


def _target(data: dict) -> MessageTarget:
    center = data.get("center")
    return MessageTarget(
        kind=data["target"],
        area=data.get("area"),
        center=Point(center["lon"], center["lat"], srid=4326) if center else None,
        radius_meters=data.get("radius_meters"),
        description=data["area_description"],
    )


class MessageSendApi(APIView):
    """Send a message to a polygon, a radius or a whole precinct in your scope; the area is clipped to your
    precincts (preview it with ``messages/preview/``)."""

    permission_classes = [IsCommand]

    @extend_schema(request=MessageSendSerializer, responses={201: schemas.MessageSerializer})
    def post(self, request):
        serializer = MessageSendSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        target = _target(data)
        message = mass_message_send(
            sender=request.user, precinct_id=data["precinct"], content=_content(data), target=target
        )
        return Response(_view(request, message), status=status.HTTP_201_CREATED)


class MessageAreaPreviewApi(APIView):
    """The area a message would reach, clipped to your precincts, without sending anything."""

    permission_classes = [IsCommand]

    @extend_schema(request=MessageAreaPreviewSerializer, responses=MessageAreaPreviewResponseSerializer)
    def post(self, request):
        serializer = MessageAreaPreviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        where = mass_message_area(sender=request.user, precinct_id=data["precinct"], target=_target(data))
        return Response(
            {
                "area": {"type": "MultiPolygon", "coordinates": where.area.coords},
                "is_clipped": where.is_clipped,
                "requested_square_meters": round(where.requested_square_meters),
                "square_meters": round(where.square_meters),
                "area_description": where.description,
            }
        )


class MessageUpdateApi(APIView):
    """Replace the current version's wording (CAP Update); the area stays."""

    permission_classes = [IsCommand]

    @extend_schema(request=MessageContentSerializer, responses={201: schemas.MessageSerializer})
    def post(self, request, message_id: int):
        serializer = MessageContentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        update = mass_message_update(
            actor=request.user, message_id=message_id, content=_content(serializer.validated_data)
        )
        return Response(_view(request, update), status=status.HTTP_201_CREATED)


class MessageCancelApi(APIView):
    """Withdraw a message (CAP Cancel)."""

    permission_classes = [IsCommand]

    @extend_schema(request=MessageCancelSerializer, responses={201: schemas.MessageSerializer})
    def post(self, request, message_id: int):
        serializer = MessageCancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        cancel = mass_message_cancel(actor=request.user, message_id=message_id, note=serializer.validated_data["note"])
        return Response(_view(request, cancel), status=status.HTTP_201_CREATED)


class MessageCapApi(APIView):
    """One message as an OASIS CAP 1.2 document. Public: mass messages are public warnings."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(responses={(200, CAP_CONTENT_TYPE): OpenApiTypes.STR})
    def get(self, request, message_id: int):
        return HttpResponse(message_cap_document(message_get(message_id=message_id)), content_type=CAP_CONTENT_TYPE)


class MessageActiveListApi(APIView):
    """The messages in force, newest first, with links to their CAP documents."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    renderer_classes = JSON_FIRST

    @extend_schema(
        parameters=[FORMAT_PARAMETER],
        responses=geojson_or_json(
            json_body=schemas.MessageListSerializer, geojson_body=schemas.MessageFeatureCollectionSerializer
        ),
    )
    def get(self, request):
        views = [_view(request, message) for message in messages_active()]
        if wants_geojson(request):
            return Response(feature_collection([presenters.message_feature(view) for view in views]))
        return Response({"messages": views})


urlpatterns = [
    path("messages/", MessageSendApi.as_view(), name="message-send"),
    path("messages/active/", MessageActiveListApi.as_view(), name="message-active"),
    path("messages/preview/", MessageAreaPreviewApi.as_view(), name="message-preview"),
    path("messages/<int:message_id>.cap", MessageCapApi.as_view(), name="message-cap"),
    path("messages/<int:message_id>/update/", MessageUpdateApi.as_view(), name="message-update"),
    path("messages/<int:message_id>/cancel/", MessageCancelApi.as_view(), name="message-cancel"),
]
