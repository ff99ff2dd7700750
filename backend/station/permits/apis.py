"""Permits over HTTP: the catalogue, a person's permits, an employer's collective permit, and the checkpoint."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from ..permissions import FilingThrottle, IsStationOfficer
from .checkpoint import checkpoint_verify
from .selectors import comuna_phases, permit_of, permit_types_active, permits_flagged, permits_of
from .serializers import (
    CheckpointPermitSerializer,
    CheckpointResultSerializer,
    CheckpointVerifySerializer,
    CollectiveIssueResultSerializer,
    CollectiveIssueSerializer,
    PermitCatalogueSerializer,
    PermitIssueSerializer,
    PermitSerializer,
)
from .services import CollectiveInput, PermitInput, Worker, collective_permit_issue, permit_issue


class PermitCatalogueApi(APIView):
    """The permit types in force (durations, hours, phases and quotas) and each comuna's current phase."""

    permission_classes = [AllowAny]

    @extend_schema(operation_id="station_permit_catalogue", responses=PermitCatalogueSerializer)
    def get(self, request):
        return Response(PermitCatalogueSerializer({"types": permit_types_active(), "phases": comuna_phases()}).data)


class PermitListCreateApi(APIView):
    """POST asks for a permit for oneself (ClaveÚnica or a verified account); 422 names the rule it breaks."""

    throttle_classes = [FilingThrottle]

    @extend_schema(operation_id="station_permits_mine", responses=PermitSerializer(many=True))
    def get(self, request):
        return Response(PermitSerializer(permits_of(requester=request.user), many=True).data)

    @extend_schema(
        operation_id="station_permit_issue",
        request=PermitIssueSerializer,
        responses={201: PermitSerializer, 200: PermitSerializer},
    )
    def post(self, request):
        serializer = PermitIssueSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        issue = permit_issue(requester=request.user, data=PermitInput(**serializer.validated_data))
        return Response(
            PermitSerializer(issue.permit).data, status=status.HTTP_201_CREATED if issue.is_new else status.HTTP_200_OK
        )


class PermitDetailApi(APIView):
    @extend_schema(operation_id="station_permit_mine", responses=PermitSerializer)
    def get(self, request, folio: str):
        return Response(PermitSerializer(permit_of(requester=request.user, folio=folio)).data)


class CollectivePermitCreateApi(APIView):
    """An employer's legal representative asks for permits for a list of workers; all are issued, or none."""

    throttle_classes = [FilingThrottle]

    @extend_schema(
        operation_id="station_collective_permit_issue",
        request=CollectiveIssueSerializer,
        responses={201: CollectiveIssueResultSerializer, 200: CollectiveIssueResultSerializer},
    )
    def post(self, request):
        serializer = CollectiveIssueSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        workers = tuple(Worker(**worker) for worker in data.pop("workers"))
        issue = collective_permit_issue(requester=request.user, data=CollectiveInput(workers=workers, **data))
        return Response(
            CollectiveIssueResultSerializer({"collective": issue.collective, "permits": issue.permits}).data,
            status=status.HTTP_201_CREATED if issue.is_new else status.HTTP_200_OK,
        )


class CheckpointVerifyApi(APIView):
    """Officers at a checkpoint: the scanned QR's signature, the permit's status and the registries now."""

    permission_classes = [IsStationOfficer]

    @extend_schema(
        operation_id="station_checkpoint_verify",
        request=CheckpointVerifySerializer,
        responses=CheckpointResultSerializer,
    )
    def post(self, request):
        serializer = CheckpointVerifySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = checkpoint_verify(officer=request.user, **serializer.validated_data)
        return Response(CheckpointResultSerializer(result).data)


class PermitFlaggedQueueApi(APIView):
    """Officers: permits of their precincts that a registry re-scan revoked or flagged."""

    permission_classes = [IsStationOfficer]

    @extend_schema(operation_id="station_permits_flagged", responses=CheckpointPermitSerializer(many=True))
    def get(self, request):
        return Response(CheckpointPermitSerializer(permits_flagged(officer=request.user)[:200], many=True).data)
