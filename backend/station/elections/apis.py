"""Voter excuses: the distance check and filing (the voter), the desk at any police unit (station officers)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from ..permissions import FilingThrottle, IsStationOfficer
from . import clock
from .selectors import excuse_check, excuse_desk, excuse_for_desk, voter_excuse_of, voter_excuses_of
from .serializers import (
    DeskExcuseSerializer,
    DeskQuerySerializer,
    ExcuseCheckSerializer,
    ExcuseConfirmSerializer,
    ExcuseFileSerializer,
    PositionSerializer,
    VoterExcuseSerializer,
)
from .services import voter_excuse_confirm, voter_excuse_file


class VoterExcuseCheckApi(APIView):
    """How far a point is from the signed-in voter's polling station, for today's election; writes nothing."""

    @extend_schema(
        operation_id="station_voter_excuse_check",
        parameters=[OpenApiParameter("lat", float, required=True), OpenApiParameter("lon", float, required=True)],
        responses=ExcuseCheckSerializer,
    )
    def get(self, request):
        position = PositionSerializer(data=request.query_params)
        position.is_valid(raise_exception=True)
        check = excuse_check(voter=request.user, now=clock.now(), **position.validated_data)
        return Response(ExcuseCheckSerializer(check).data)


class VoterExcuseListCreateApi(APIView):
    """POST asks for an excuse (ClaveÚnica or a verified account, election day only, more than 200 km away);
    the answer carries the folio to show at a police unit. GET lists one's own."""

    throttle_classes = [FilingThrottle]

    @extend_schema(operation_id="station_voter_excuses_mine", responses=VoterExcuseSerializer(many=True))
    def get(self, request):
        return Response(VoterExcuseSerializer(voter_excuses_of(voter=request.user), many=True).data)

    @extend_schema(
        operation_id="station_voter_excuse_file", request=ExcuseFileSerializer, responses={201: VoterExcuseSerializer}
    )
    def post(self, request):
        serializer = ExcuseFileSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        excuse = voter_excuse_file(voter=request.user, now=clock.now(), **serializer.validated_data)
        return Response(VoterExcuseSerializer(excuse).data, status=status.HTTP_201_CREATED)


class VoterExcuseDetailApi(APIView):
    @extend_schema(operation_id="station_voter_excuse_mine", responses=VoterExcuseSerializer)
    def get(self, request, folio: str):
        return Response(VoterExcuseSerializer(voter_excuse_of(voter=request.user, folio=folio)).data)


class ExcuseDeskApi(APIView):
    """Today's requests waiting for an identity check, at any police unit (not scoped to precincts)."""

    permission_classes = [IsStationOfficer]

    @extend_schema(
        operation_id="station_excuse_desk",
        parameters=[OpenApiParameter("q", str, required=False, description="A request folio or a RUN.")],
        responses=DeskExcuseSerializer(many=True),
    )
    def get(self, request):
        query = DeskQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        excuses = excuse_desk(now=clock.now(), query=query.validated_data["q"])
        return Response(DeskExcuseSerializer(excuses, many=True).data)


class ExcuseDeskDetailApi(APIView):
    permission_classes = [IsStationOfficer]

    @extend_schema(operation_id="station_excuse_desk_detail", responses=DeskExcuseSerializer)
    def get(self, request, folio: str):
        return Response(DeskExcuseSerializer(excuse_for_desk(folio=folio)).data)


class ExcuseConfirmApi(APIView):
    """The officer saw the voter's identity card today and typed its RUN: the signed excuse is issued and emailed."""

    permission_classes = [IsStationOfficer]

    @extend_schema(
        operation_id="station_excuse_confirm", request=ExcuseConfirmSerializer, responses=DeskExcuseSerializer
    )
    def post(self, request, folio: str):
        serializer = ExcuseConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        excuse = voter_excuse_confirm(officer=request.user, folio=folio, now=clock.now(), **serializer.validated_data)
        return Response(DeskExcuseSerializer(excuse).data)
