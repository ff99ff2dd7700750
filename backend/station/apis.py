from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from .catalogue import services_catalogue


class ServiceCatalogueApi(APIView):
    """Every complaint type and constancia with its questions (``kind`` says which input each one is)."""

    permission_classes = [AllowAny]

    @extend_schema(operation_id="station_services", responses=OpenApiTypes.OBJECT)
    def get(self, request):
        return Response(services_catalogue())
