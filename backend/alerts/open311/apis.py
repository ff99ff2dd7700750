"""Open311 GeoReport v2 under ``/open311/v2/``, each resource in XML (``.xml``, the default) and JSON (``.json``).

Outside the JSON API: no user sessions or tokens (POST takes an ``api_key``), GeoReport's own error format, and no
entry in our OpenAPI schema (GeoReport v2 is its own published contract).
"""

from django.conf import settings
from django.urls import path, register_converter
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from . import presenters
from .errors import Open311Error, field_error, open311_exception_handler
from .renderers import OPEN311_RENDERERS, Document
from .selectors import (
    RequestFilters,
    open311_changeset,
    open311_request_get,
    open311_requests,
    open311_service_get,
    open311_services,
    open311_token_requests,
)
from .serializers import (
    ApiKeyQuerySerializer,
    RequestCreateSerializer,
    RequestFilterSerializer,
    attribute_answers,
    attribute_form_keys,
)
from .services import ERROR_SERVICE_UNKNOWN, Open311RequestInput, api_key_authenticate, open311_request_create

ERROR_REQUEST_NOT_FOUND = _("No such request.")
ERROR_TOKEN_NOT_FOUND = _("No request was posted with this token.")
ERROR_UNKNOWN_RESOURCE = _("No such resource: GeoReport v2 resources end in .xml or .json.")
ERROR_ATTRIBUTE_KEY = _("must be attribute[code] or attribute[code][].")


class Open311ReadThrottle(AnonRateThrottle):
    """Per client address, whoever it is: the GeoReport reads are public."""

    scope = "open311_read"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


@extend_schema(exclude=True)
class Open311Api(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    renderer_classes = OPEN311_RENDERERS
    parser_classes = [FormParser, MultiPartParser]
    throttle_classes = [Open311ReadThrottle]

    def get_exception_handler(self):
        return open311_exception_handler

    def viewer(self, request):
        """The integrator asking, when a GET carries its api_key (it then sees its own requests in full)."""
        query = ApiKeyQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        raw = query.validated_data.get("api_key", "")
        return api_key_authenticate(raw) if raw else None


class DiscoveryApi(Open311Api):
    def get(self, request, format=None):
        view = presenters.discovery_view(
            url=request.build_absolute_uri("/open311/v2"),
            changeset=open311_changeset(),
            contact=settings.OPEN311_CONTACT,
            key_service=settings.OPEN311_KEY_SERVICE,
            endpoint_type=settings.OPEN311_ENDPOINT_TYPE,
        )
        return Response(Document(root="discovery", content=view))


class ServiceListApi(Open311Api):
    def get(self, request, format=None):
        return Response(Document(root="services", content=[presenters.service_view(s) for s in open311_services()]))


class ServiceDefinitionApi(Open311Api):
    def get(self, request, service_code: str, format=None):
        service = open311_service_get(service_code)
        if service is None:
            raise Open311Error(404, field_error("service_code", ERROR_SERVICE_UNKNOWN))
        return Response(Document(root="service_definition", content=presenters.service_definition_view(service)))


class RequestListCreateApi(Open311Api):
    def get_throttles(self):
        # A POST is limited by its api_key's own rates, inside the transaction that creates the alert.
        return [] if self.request.method == "POST" else super().get_throttles()

    def get(self, request, format=None):
        query = RequestFilterSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        viewer = self.viewer(request)
        filters = RequestFilters(
            service_request_ids=params.get("service_request_id", ()),
            service_codes=params.get("service_code", ()),
            start=params.get("start_date"),
            end=params.get("end_date"),
            statuses=params.get("status", ()),
        )
        records = [presenters.request_view(alert, viewer=viewer) for alert in open311_requests(filters=filters)]
        return Response(Document(root="service_requests", content=records))

    def post(self, request, format=None):
        # The spec sends api_key in the form; some clients put it in the query string.
        api_key = api_key_authenticate(request.data.get("api_key") or request.query_params.get("api_key", ""))
        malformed = attribute_form_keys(request.data)
        if malformed:
            raise Open311Error(400, *(field_error(key, ERROR_ATTRIBUTE_KEY) for key in malformed))
        serializer = RequestCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = serializer.validated_data
        creation = open311_request_create(
            api_key=api_key,
            data=Open311RequestInput(
                service_code=fields["service_code"],
                lat=fields.get("lat"),
                lon=fields.get("long"),
                address_string=fields.get("address_string", ""),
                description=fields["description"],
                media_url=fields["media_url"],
                token=fields["token"],
                answers=attribute_answers(request.data),
            ),
        )
        body = [presenters.created_view(creation.alert, service_notice=creation.service_notice)]
        return Response(
            Document(root="service_requests", content=body),
            status=status.HTTP_201_CREATED if creation.is_new else status.HTTP_200_OK,
        )


class RequestDetailApi(Open311Api):
    def get(self, request, service_request_id: int, format=None):
        viewer = self.viewer(request)
        alert = open311_request_get(service_request_id) if service_request_id < 2**63 else None
        if alert is None:
            raise Open311Error(404, field_error("service_request_id", ERROR_REQUEST_NOT_FOUND))
        return Response(Document(root="service_requests", content=[presenters.request_view(alert, viewer=viewer)]))


class TokenApi(Open311Api):
    def get(self, request, token: str, format=None):
        posted = open311_token_requests(token)
        if not posted:
            raise Open311Error(404, field_error("token", ERROR_TOKEN_NOT_FOUND))
        records = [presenters.token_view(service_request_id=row.alert_id, token=row.token) for row in posted]
        return Response(Document(root="service_requests", content=records))


class UnknownResourceApi(Open311Api):
    """Anything else under /open311/v2/ (a missing extension, an unknown format): 404 in the spec's format."""

    def get(self, request, path: str = ""):
        raise Open311Error(404, ERROR_UNKNOWN_RESOURCE)

    post = get


class FormatConverter:
    """GeoReport v2 names the format as the resource's extension: ``services.xml``, ``services.json``."""

    regex = "xml|json"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class TokenConverter(FormatConverter):
    regex = r"[^/.]{1,128}"


register_converter(FormatConverter, "open311_format")
register_converter(TokenConverter, "open311_token")
urlpatterns = [
    path("discovery.<open311_format:format>", DiscoveryApi.as_view(), name="discovery"),
    path("services.<open311_format:format>", ServiceListApi.as_view(), name="services"),
    path("services/<slug:service_code>.<open311_format:format>", ServiceDefinitionApi.as_view(), name="service"),
    path("requests.<open311_format:format>", RequestListCreateApi.as_view(), name="requests"),
    path("requests/<int:service_request_id>.<open311_format:format>", RequestDetailApi.as_view(), name="request"),
    path("tokens/<open311_token:token>.<open311_format:format>", TokenApi.as_view(), name="token"),
    path("<path:path>", UnknownResourceApi.as_view(), name="unknown"),
]
