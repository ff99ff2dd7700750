"""Online complaints: filing and following them (the complainant), reviewing them (station officers)."""

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.common.errors import NotFound

from ..permissions import FilingThrottle, IsStationOfficer
from .evidence import evidence_sanitize
from .selectors import complaint_of, complaints_of, review_complaint, review_queue
from .serializers import (
    ComplaintActionSerializer,
    ComplaintFileSerializer,
    ComplaintReplySerializer,
    ComplaintSerializer,
    OfficerComplaintSerializer,
)
from .services import ComplaintInput, complaint_file, complaint_reply, complaint_review


def complaint_input(validated: dict) -> ComplaintInput:
    """Turn validated input into the service's input; evidence photos are checked and cleaned here."""
    fields = {key: value for key, value in validated.items() if key != "evidence"}
    return ComplaintInput(**fields, evidence=evidence_sanitize(validated.get("evidence", [])))


class ComplaintListCreateApi(APIView):
    """POST files a complaint (ClaveÚnica or a verified account); a retry with the same submission_key
    answers 200 with the first filing. GET lists one's own complaints."""

    parser_classes = [MultiPartParser, FormParser, JSONParser]
    throttle_classes = [FilingThrottle]

    @extend_schema(operation_id="station_complaints_mine", responses=ComplaintSerializer(many=True))
    def get(self, request):
        return Response(ComplaintSerializer(complaints_of(complainant=request.user), many=True).data)

    @extend_schema(
        operation_id="station_complaint_file",
        request={"multipart/form-data": ComplaintFileSerializer, "application/json": ComplaintFileSerializer},
        responses={201: ComplaintSerializer, 200: ComplaintSerializer},
    )
    def post(self, request):
        data = request.data.copy() if hasattr(request.data, "getlist") else request.data
        if hasattr(data, "setlist"):
            data.setlist("evidence", request.FILES.getlist("evidence"))
        serializer = ComplaintFileSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        filing = complaint_file(complainant=request.user, data=complaint_input(serializer.validated_data))
        body = ComplaintSerializer(filing.complaint).data
        return Response(body, status=status.HTTP_201_CREATED if filing.is_new else status.HTTP_200_OK)


class ComplaintDetailApi(APIView):
    @extend_schema(operation_id="station_complaint_mine", responses=ComplaintSerializer)
    def get(self, request, folio: str):
        return Response(ComplaintSerializer(complaint_of(complainant=request.user, folio=folio)).data)


class ComplaintReplyApi(APIView):
    """The complainant answers a request for more information."""

    @extend_schema(
        operation_id="station_complaint_reply", request=ComplaintReplySerializer, responses=ComplaintSerializer
    )
    def post(self, request, folio: str):
        serializer = ComplaintReplySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        complaint_reply(complainant=request.user, folio=folio, **serializer.validated_data)
        return Response(ComplaintSerializer(complaint_of(complainant=request.user, folio=folio)).data)


class ReviewQueueApi(APIView):
    permission_classes = [IsStationOfficer]

    @extend_schema(operation_id="station_review_queue", responses=OfficerComplaintSerializer(many=True))
    def get(self, request):
        return Response(OfficerComplaintSerializer(review_queue(officer=request.user), many=True).data)


class ReviewDetailApi(APIView):
    permission_classes = [IsStationOfficer]

    @extend_schema(operation_id="station_review_complaint", responses=OfficerComplaintSerializer)
    def get(self, request, folio: str):
        return Response(OfficerComplaintSerializer(review_complaint(officer=request.user, folio=folio)).data)


class ReviewActionApi(APIView):
    """accept, request_information (note required), reject (note required), forward, start_review."""

    permission_classes = [IsStationOfficer]

    @extend_schema(
        operation_id="station_review_action", request=ComplaintActionSerializer, responses=OfficerComplaintSerializer
    )
    def post(self, request, folio: str):
        serializer = ComplaintActionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        complaint_review(officer=request.user, folio=folio, **serializer.validated_data)
        return Response(OfficerComplaintSerializer(review_complaint(officer=request.user, folio=folio)).data)


class ReviewEvidenceApi(APIView):
    permission_classes = [IsStationOfficer]

    @extend_schema(operation_id="station_review_evidence", responses={(200, "image/*"): OpenApiTypes.BINARY})
    def get(self, request, folio: str, evidence_id: int):
        complaint = review_complaint(officer=request.user, folio=folio)
        evidence = complaint.evidence.filter(id=evidence_id).first()
        if evidence is None:
            raise NotFound("No such evidence on this complaint.")
        return FileResponse(evidence.file.open("rb"), content_type=evidence.content_type)
