from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from ..permissions import FilingThrottle
from .selectors import constancia_of, constancias_of
from .serializers import ConstanciaIssueSerializer, ConstanciaSerializer
from .services import ConstanciaInput, constancia_issue


class ConstanciaListCreateApi(APIView):
    """POST issues a constancia at once (ClaveÚnica or a verified account). GET lists one's own."""

    throttle_classes = [FilingThrottle]

    @extend_schema(operation_id="station_constancias_mine", responses=ConstanciaSerializer(many=True))
    def get(self, request):
        return Response(ConstanciaSerializer(constancias_of(citizen=request.user), many=True).data)

    @extend_schema(
        operation_id="station_constancia_issue",
        request=ConstanciaIssueSerializer,
        responses={201: ConstanciaSerializer, 200: ConstanciaSerializer},
    )
    def post(self, request):
        serializer = ConstanciaIssueSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        issue = constancia_issue(citizen=request.user, data=ConstanciaInput(**serializer.validated_data))
        return Response(
            ConstanciaSerializer(issue.constancia).data,
            status=status.HTTP_201_CREATED if issue.is_new else status.HTTP_200_OK,
        )


class ConstanciaDetailApi(APIView):
    @extend_schema(operation_id="station_constancia_mine", responses=ConstanciaSerializer)
    def get(self, request, folio: str):
        return Response(ConstanciaSerializer(constancia_of(citizen=request.user, folio=folio)).data)
