"""The condolence book: public pages of fallen officers and their approved messages, writing without an account,
and the moderators' queue."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from backend.common.pagination import Pagination

from ..permissions import IsStationOfficer
from .selectors import condolences_published, fallen_officer, fallen_officers, moderation_queue
from .serializers import (
    CondolencePageSerializer,
    CondolenceSerializer,
    CondolenceWriteSerializer,
    CondolenceWrittenSerializer,
    FallenOfficerSerializer,
    ModerationDecisionSerializer,
    ModerationMessageSerializer,
)
from .services import condolence_moderate, condolence_write


def client_identity(request) -> str:
    """The client's address as DRF's throttles see it (``NUM_PROXIES`` decides whether X-Forwarded-For counts)."""
    return BaseThrottle().get_ident(request)


class CondolenceBookListApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(operation_id="station_condolence_books", responses=FallenOfficerSerializer(many=True))
    def get(self, request):
        return Response(FallenOfficerSerializer(fallen_officers(), many=True).data)


class CondolenceBookApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(operation_id="station_condolence_book", responses=FallenOfficerSerializer)
    def get(self, request, slug: str):
        return Response(FallenOfficerSerializer(fallen_officer(slug=slug)).data)


class CondolenceMessagesApi(APIView):
    """GET: the book's approved messages, newest first. POST: write one, no account needed; it is shown only
    after a moderator approves it. Throttled per client and for the whole book (429 with Retry-After)."""

    permission_classes = [AllowAny]

    @extend_schema(operation_id="station_condolence_messages", responses=CondolencePageSerializer)
    def get(self, request, slug: str):
        paginator = Pagination()
        page = paginator.paginate_queryset(condolences_published(officer=fallen_officer(slug=slug)), request, self)
        return paginator.get_paginated_response(CondolenceSerializer(page, many=True).data)

    @extend_schema(
        operation_id="station_condolence_write",
        request=CondolenceWriteSerializer,
        responses={201: CondolenceWrittenSerializer},
    )
    def post(self, request, slug: str):
        serializer = CondolenceWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        message = condolence_write(slug=slug, client=client_identity(request), **serializer.validated_data)
        return Response(CondolenceWrittenSerializer(message).data, status=status.HTTP_201_CREATED)


class ModerationQueueApi(APIView):
    permission_classes = [IsStationOfficer]

    @extend_schema(operation_id="station_condolence_moderation", responses=ModerationMessageSerializer(many=True))
    def get(self, request):
        return Response(ModerationMessageSerializer(moderation_queue(moderator=request.user), many=True).data)


class ModerationDecisionApi(APIView):
    permission_classes = [IsStationOfficer]

    @extend_schema(
        operation_id="station_condolence_moderate",
        request=ModerationDecisionSerializer,
        responses=ModerationMessageSerializer,
    )
    def post(self, request, message_id: int):
        serializer = ModerationDecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        message = condolence_moderate(moderator=request.user, message_id=message_id, **serializer.validated_data)
        return Response(ModerationMessageSerializer(message).data)
