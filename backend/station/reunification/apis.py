"""Family reunification: filing and following a request (the requester), the search (station officers, in scope)."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from ..permissions import FilingThrottle, IsStationOfficer
from .selectors import (
    requester_view,
    reunification_for_officer,
    reunification_queue,
    reunification_related,
    reunification_request_of,
    reunification_requests_of,
)
from .serializers import (
    DecisionRecordSerializer,
    OfficerReunificationDetailSerializer,
    OfficerReunificationSerializer,
    RequesterReunificationSerializer,
    ReunificationFileSerializer,
    StepRecordSerializer,
)
from .services import (
    ReunificationInput,
    reunification_decision_record,
    reunification_request_file,
    reunification_step_record,
)


class ReunificationListCreateApi(APIView):
    """POST files a request (ClaveÚnica or a verified account); a retry with the same submission_key answers 200
    with the first filing. GET lists one's own, as the requester may see them."""

    throttle_classes = [FilingThrottle]

    @extend_schema(operation_id="station_reunification_mine", responses=RequesterReunificationSerializer(many=True))
    def get(self, request):
        return Response(
            RequesterReunificationSerializer(reunification_requests_of(requester=request.user), many=True).data
        )

    @extend_schema(
        operation_id="station_reunification_file",
        request=ReunificationFileSerializer,
        responses={201: RequesterReunificationSerializer, 200: RequesterReunificationSerializer},
    )
    def post(self, request):
        serializer = ReunificationFileSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = {key: value for key, value in serializer.validated_data.items() if key != "is_not_missing"}
        filing = reunification_request_file(requester=request.user, data=ReunificationInput(**fields))
        return Response(
            RequesterReunificationSerializer(requester_view(filing.request)).data,
            status=status.HTTP_201_CREATED if filing.is_new else status.HTTP_200_OK,
        )


class ReunificationDetailApi(APIView):
    @extend_schema(operation_id="station_reunification_request_mine", responses=RequesterReunificationSerializer)
    def get(self, request, folio: str):
        view = reunification_request_of(requester=request.user, folio=folio)
        return Response(RequesterReunificationSerializer(view).data)


def officer_detail(officer, folio: str) -> dict:
    found = reunification_for_officer(officer=officer, folio=folio)
    found.related_requests = reunification_related(officer=officer, request=found)
    return OfficerReunificationDetailSerializer(found).data


class ReunificationQueueApi(APIView):
    permission_classes = [IsStationOfficer]

    @extend_schema(operation_id="station_reunification_queue", responses=OfficerReunificationSerializer(many=True))
    def get(self, request):
        return Response(OfficerReunificationSerializer(reunification_queue(officer=request.user), many=True).data)


class ReunificationOfficerDetailApi(APIView):
    permission_classes = [IsStationOfficer]

    @extend_schema(operation_id="station_reunification_detail", responses=OfficerReunificationDetailSerializer)
    def get(self, request, folio: str):
        return Response(officer_detail(request.user, folio))


class ReunificationStepApi(APIView):
    """Record a search step (``step``), that the person was found (``found``) or not (``not_found``); a note each."""

    permission_classes = [IsStationOfficer]

    @extend_schema(
        operation_id="station_reunification_step",
        request=StepRecordSerializer,
        responses=OfficerReunificationDetailSerializer,
    )
    def post(self, request, folio: str):
        serializer = StepRecordSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reunification_step_record(officer=request.user, folio=folio, **serializer.validated_data)
        return Response(officer_detail(request.user, folio))


class ReunificationDecisionApi(APIView):
    """Record the found person's decision: consent to share exactly the details given, or refusal (shares nothing)."""

    permission_classes = [IsStationOfficer]

    @extend_schema(
        operation_id="station_reunification_decision",
        request=DecisionRecordSerializer,
        responses=OfficerReunificationDetailSerializer,
    )
    def post(self, request, folio: str):
        serializer = DecisionRecordSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reunification_decision_record(officer=request.user, folio=folio, **serializer.validated_data)
        return Response(officer_detail(request.user, folio))
