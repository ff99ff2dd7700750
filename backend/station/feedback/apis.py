"""Feedback about officers: filing and following it (the filer), answering it (the precinct's commander)."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.models import Role
from backend.accounts.permissions import HasRole

from ..permissions import FilingThrottle
from .selectors import feedback_for_commander, feedback_of, feedback_of_filer, feedback_queue
from .serializers import (
    CommanderFeedbackSerializer,
    FeedbackActionSerializer,
    FeedbackFileSerializer,
    FeedbackSerializer,
)
from .services import FeedbackInput, officer_feedback_act, officer_feedback_file

IsFeedbackCommander = HasRole.of(Role.COMMANDER, Role.ADMINISTRATOR)


class FeedbackListCreateApi(APIView):
    """POST files a complaint or commendation (ClaveÚnica or a verified account); a retry with the same
    submission_key answers 200 with the first filing. GET lists one's own."""

    throttle_classes = [FilingThrottle]

    @extend_schema(operation_id="station_feedback_mine", responses=FeedbackSerializer(many=True))
    def get(self, request):
        return Response(FeedbackSerializer(feedback_of_filer(filer=request.user), many=True).data)

    @extend_schema(
        operation_id="station_feedback_file",
        request=FeedbackFileSerializer,
        responses={201: FeedbackSerializer, 200: FeedbackSerializer},
    )
    def post(self, request):
        serializer = FeedbackFileSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        filing = officer_feedback_file(filer=request.user, data=FeedbackInput(**serializer.validated_data))
        body = FeedbackSerializer(feedback_of(filer=request.user, folio=filing.feedback.folio)).data
        return Response(body, status=status.HTTP_201_CREATED if filing.is_new else status.HTTP_200_OK)


class FeedbackDetailApi(APIView):
    @extend_schema(operation_id="station_feedback_one", responses=FeedbackSerializer)
    def get(self, request, folio: str):
        return Response(FeedbackSerializer(feedback_of(filer=request.user, folio=folio)).data)


class FeedbackQueueApi(APIView):
    """The open feedback of the commander's precincts."""

    permission_classes = [IsFeedbackCommander]

    @extend_schema(operation_id="station_feedback_queue", responses=CommanderFeedbackSerializer(many=True))
    def get(self, request):
        return Response(CommanderFeedbackSerializer(feedback_queue(commander=request.user), many=True).data)


class FeedbackReviewDetailApi(APIView):
    permission_classes = [IsFeedbackCommander]

    @extend_schema(operation_id="station_feedback_review", responses=CommanderFeedbackSerializer)
    def get(self, request, folio: str):
        return Response(CommanderFeedbackSerializer(feedback_for_commander(commander=request.user, folio=folio)).data)


class FeedbackActionApi(APIView):
    """start_review, answer (note: the answer, required), close (note required unless already answered)."""

    permission_classes = [IsFeedbackCommander]

    @extend_schema(
        operation_id="station_feedback_action", request=FeedbackActionSerializer, responses=CommanderFeedbackSerializer
    )
    def post(self, request, folio: str):
        serializer = FeedbackActionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        officer_feedback_act(commander=request.user, folio=folio, **serializer.validated_data)
        return Response(CommanderFeedbackSerializer(feedback_for_commander(commander=request.user, folio=folio)).data)
