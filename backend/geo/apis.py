from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.common.renderers import GEOJSON_FIRST

from .models import Precinct
from .selectors import precinct_for_point, precinct_list
from .serializers import LocateQuerySerializer, PrecinctMatchSerializer, PrecinctSerializer


class PrecinctListApi(APIView):
    permission_classes = [AllowAny]
    renderer_classes = GEOJSON_FIRST

    @extend_schema(responses=PrecinctSerializer(many=True))
    def get(self, request):
        return Response(PrecinctSerializer(precinct_list(), many=True).data)


class PrecinctDetailApi(APIView):
    permission_classes = [AllowAny]
    renderer_classes = GEOJSON_FIRST

    @extend_schema(responses=PrecinctSerializer)
    def get(self, request, code: str):
        return Response(PrecinctSerializer(get_object_or_404(precinct_list(), code=code)).data)


class PrecinctLocateApi(APIView):
    """Which precinct answers for a point, with the boundary flags dispatch should confirm."""

    permission_classes = [AllowAny]

    @extend_schema(parameters=[LocateQuerySerializer], responses=PrecinctMatchSerializer)
    def get(self, request):
        query = LocateQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        match = precinct_for_point(**query.validated_data)
        precinct = Precinct.objects.only("id", "code", "name").get(id=match.precinct_id)
        return Response(PrecinctMatchSerializer(match, context={"precinct": precinct}).data)
