"""Anonymous tips over HTTP: sending and the mailbox (anyone, no account), and the officers' queue.

The public endpoints take no authentication at all (``authentication_classes = []``; TipPrivacyMiddleware has
already removed cookies and Authorization), so a tip is never tied to an account, even a signed-in one.
"""

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.common.errors import NotFound

from ..permissions import IsStationOfficer
from .attachments import attachments_sanitize
from .selectors import TipFilters, tip_for_officer, tip_queue
from .serializers import (
    MailboxSerializer,
    OfficerTipListSerializer,
    OfficerTipSerializer,
    ReceiptCodeSerializer,
    TipAlreadyReceivedSerializer,
    TipAnswerSerializer,
    TipForwardSerializer,
    TipOfficerMessageSerializer,
    TipPlaceSerializer,
    TipQueueFilterSerializer,
    TipReceiptSerializer,
    TipSendSerializer,
    TipTriageSerializer,
)
from .services import (
    MESSAGE_ALREADY_RECEIVED,
    TipInput,
    tip_answer,
    tip_forward,
    tip_mailbox_open,
    tip_message_send,
    tip_place,
    tip_submit,
    tip_triage,
)

ERROR_NO_ATTACHMENT = "No such attachment on this tip."


def tip_input(validated: dict) -> TipInput:
    """The service's input; photos are checked and cleaned here, before anything is written."""
    fields = {key: value for key, value in validated.items() if key not in {"attachments", "submission_key"}}
    return TipInput(**fields, attachments=attachments_sanitize(validated.get("attachments", [])))


class _Anonymous(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]


class TipSendApi(_Anonymous):
    """Send an anonymous tip. The answer holds the receipt code, once: we keep only its digest.

    A retry with the same ``submission_key`` and content answers 200 with the tip's category and day and no code
    (we do not have it), and files nothing; the same key with other content answers 409.
    """

    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        operation_id="station_tip_send",
        request={"multipart/form-data": TipSendSerializer, "application/json": TipSendSerializer},
        responses={201: TipReceiptSerializer, 200: TipAlreadyReceivedSerializer},
    )
    def post(self, request):
        data = request.data.copy() if hasattr(request.data, "getlist") else request.data
        if hasattr(data, "setlist"):
            data.setlist("attachments", request.FILES.getlist("attachments"))
        serializer = TipSendSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        submission = tip_submit(
            data=tip_input(serializer.validated_data),
            client_key=request.tip_client_key,
            submission_key=serializer.validated_data["submission_key"],
        )
        if not submission.is_new:
            body = {"already_received": True, "message": MESSAGE_ALREADY_RECEIVED,
                    "category": submission.tip.category, "received_on": submission.tip.received_on}  # fmt: skip
            return Response(TipAlreadyReceivedSerializer(body).data, status=status.HTTP_200_OK)
        body = {
            "receipt_code": submission.receipt_code,
            "category": submission.tip.category,
            "received_on": submission.tip.received_on,
        }
        return Response(TipReceiptSerializer(body).data, status=status.HTTP_201_CREATED)


class TipMailboxApi(_Anonymous):
    """Read a tip and its messages with its receipt code, sent in the body (never in a URL)."""

    @extend_schema(operation_id="station_tip_mailbox", request=ReceiptCodeSerializer, responses=MailboxSerializer)
    def post(self, request):
        serializer = ReceiptCodeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        tip = tip_mailbox_open(client_key=request.tip_client_key, **serializer.validated_data)
        return Response(MailboxSerializer(tip).data)


class TipAnswerApi(_Anonymous):
    """The tipster writes to the officers (an answer to their question, or more information)."""

    @extend_schema(operation_id="station_tip_answer", request=TipAnswerSerializer, responses={201: MailboxSerializer})
    def post(self, request):
        serializer = TipAnswerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        tip = tip_answer(client_key=request.tip_client_key, **serializer.validated_data)
        return Response(MailboxSerializer(tip).data, status=status.HTTP_201_CREATED)


class TipQueueApi(APIView):
    permission_classes = [IsStationOfficer]

    @extend_schema(
        operation_id="station_tip_queue", parameters=[TipQueueFilterSerializer],
        responses=OfficerTipListSerializer(many=True),
    )  # fmt: skip
    def get(self, request):
        filters = TipQueueFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        queue = tip_queue(officer=request.user, filters=TipFilters(**filters.validated_data))
        return Response(OfficerTipListSerializer(queue, many=True).data)


class TipReviewDetailApi(APIView):
    permission_classes = [IsStationOfficer]

    @extend_schema(operation_id="station_tip_review", responses=OfficerTipSerializer)
    def get(self, request, reference: str):
        return Response(OfficerTipSerializer(tip_for_officer(officer=request.user, reference=reference)).data)


class TipTriageApi(APIView):
    """Set a tip's urgency, or its status (being looked into, closed)."""

    permission_classes = [IsStationOfficer]

    @extend_schema(operation_id="station_tip_triage", request=TipTriageSerializer, responses=OfficerTipSerializer)
    def post(self, request, reference: str):
        serializer = TipTriageSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        tip_triage(officer=request.user, reference=reference, **serializer.validated_data)
        return Response(OfficerTipSerializer(tip_for_officer(officer=request.user, reference=reference)).data)


class TipOfficerMessageApi(APIView):
    """Reply to the tipster, or ask them a question; they read it with their receipt code."""

    permission_classes = [IsStationOfficer]

    @extend_schema(
        operation_id="station_tip_message", request=TipOfficerMessageSerializer, responses={201: OfficerTipSerializer}
    )
    def post(self, request, reference: str):
        serializer = TipOfficerMessageSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        tip_message_send(officer=request.user, reference=reference, **serializer.validated_data)
        tip = tip_for_officer(officer=request.user, reference=reference)
        return Response(OfficerTipSerializer(tip).data, status=status.HTTP_201_CREATED)


class TipPlaceApi(APIView):
    """Set where a tip with no point happens: the point routes it to its precinct (one the officer covers)."""

    permission_classes = [IsStationOfficer]

    @extend_schema(operation_id="station_tip_place", request=TipPlaceSerializer, responses=OfficerTipSerializer)
    def post(self, request, reference: str):
        serializer = TipPlaceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        tip_place(officer=request.user, reference=reference, **serializer.validated_data)
        return Response(OfficerTipSerializer(tip_for_officer(officer=request.user, reference=reference)).data)


class TipForwardApi(APIView):
    """Forward the tip to dispatch as an alert of its place (once); the alert is made by a worker after commit."""

    permission_classes = [IsStationOfficer]

    @extend_schema(
        operation_id="station_tip_forward", request=TipForwardSerializer, responses={202: OfficerTipSerializer}
    )
    def post(self, request, reference: str):
        serializer = TipForwardSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        tip_forward(officer=request.user, reference=reference, **serializer.validated_data)
        tip = tip_for_officer(officer=request.user, reference=reference)
        return Response(OfficerTipSerializer(tip).data, status=status.HTTP_202_ACCEPTED)


class TipAttachmentApi(APIView):
    permission_classes = [IsStationOfficer]

    @extend_schema(operation_id="station_tip_attachment", responses={(200, "image/*"): OpenApiTypes.BINARY})
    def get(self, request, reference: str, attachment_id: int):
        tip = tip_for_officer(officer=request.user, reference=reference)
        attachment = next((item for item in tip.attachments.all() if item.id == attachment_id), None)
        if attachment is None:
            raise NotFound(ERROR_NO_ATTACHMENT)
        return FileResponse(attachment.file.open("rb"), content_type=attachment.content_type)
