"""The alert button and dispatch actions."""

from django.http import FileResponse
from django.urls import path
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.permissions import IsDispatch, IsNeighbor
from backend.common.errors import DomainError
from backend.common.openapi import FORMAT_PARAMETER, geojson_or_json
from backend.common.parsers import JSONParser
from backend.common.photos import MAX_PHOTO_BYTES
from backend.common.renderers import GEOJSON_FIRST, JSON_FIRST, wants_geojson
from backend.common.validation import declared_fields_validate

from .. import presenters, schemas
from ..models import Category
from ..presenters import GeoJsonPage
from .information import information_add, information_hide
from .selectors import (
    DispatchFilters,
    alert_response_times,
    dispatch_alert_get,
    dispatch_alerts,
    photo_for_viewer,
    possible_duplicates,
    reporter_alert_get,
    reporter_alerts,
)
from .serializers import (
    ERROR_IDEMPOTENCY_KEY,
    AlertCreateSerializer,
    CategorySerializer,
    DispatchFilterSerializer,
    InformationSerializer,
    MergeSerializer,
    StepSerializer,
    idempotency_key_valid,
)
from .services import AlertInput, alert_create, alert_merge, alert_transition, photo_approve
from .uploads import MAX_PHOTOS_PER_UPLOAD, photos_inspect, photos_sanitize

# Five photos at the photo limit plus the form fields: anything larger is refused before it is read.
MAX_REQUEST_BYTES = MAX_PHOTOS_PER_UPLOAD * MAX_PHOTO_BYTES + 1024 * 1024
ERROR_REQUEST_TOO_LARGE = format_lazy(
    gettext_lazy("The request is too large; the limit is {megabytes} MB."), megabytes=MAX_REQUEST_BYTES // (1024 * 1024)
)


class RequestTooLarge(DomainError):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    code = "request_too_large"


class BoundedUploadMixin:
    """Refuse an oversized body from its Content-Length, before the multipart parser spools it to disk."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_REQUEST_BYTES:
            raise RequestTooLarge(ERROR_REQUEST_TOO_LARGE)


def _data_with_photos(request) -> dict:
    """The request body with every uploaded ``photos`` file kept. A plain dict: QueryDict.copy() deep-copies,
    and an upload spooled to a temporary file cannot be copied."""
    if not hasattr(request.data, "getlist"):
        return request.data
    data = {key: value for key, value in request.data.items() if key != "photos"}
    data["photos"] = request.FILES.getlist("photos")
    return data


def _flags(alert) -> dict:
    return {"is_overlap": alert.is_overlap, "is_gap": alert.is_gap, "is_boundary_case": alert.is_boundary_case}


class CategoryListApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=CategorySerializer(many=True))
    def get(self, request):
        return Response(CategorySerializer(Category.objects.filter(is_active=True), many=True).data)


class AlertListCreateApi(BoundedUploadMixin, APIView):
    """POST: a neighbor presses the button (send an Idempotency-Key header so retries are safe).
    GET: dispatch's alerts as a paginated GeoJSON FeatureCollection, most urgent and oldest first."""

    parser_classes = [MultiPartParser, FormParser, JSONParser]
    renderer_classes = GEOJSON_FIRST

    def get_permissions(self):
        return [IsDispatch()] if self.request.method == "GET" else [IsNeighbor()]

    @extend_schema(
        operation_id="alerts_list",
        parameters=[DispatchFilterSerializer],
        responses=schemas.AlertFeatureCollectionSerializer,
    )
    def get(self, request):
        query = DispatchFilterSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        filters = DispatchFilters(
            statuses=tuple(params.get("status", ())),
            categories=tuple(code for code in params.get("category", "").split(",") if code),
            agency=params.get("agency"),
            since=params.get("since"),
            until=params.get("until"),
            bbox=params.get("bbox"),
        )
        paginator = GeoJsonPage()
        page = paginator.paginate_queryset(dispatch_alerts(user=request.user, filters=filters), request, view=self)
        return paginator.respond(page, audience=presenters.AUDIENCE_DISPATCH)

    @extend_schema(
        request={"multipart/form-data": AlertCreateSerializer, "application/json": AlertCreateSerializer},
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False)],
        responses={
            (201, "application/json"): schemas.AlertCreatedSerializer,
            (200, "application/json"): schemas.AlertCreatedSerializer,
        },
    )
    def post(self, request):
        key = request.headers.get("Idempotency-Key", "")
        if key and not idempotency_key_valid(key):
            raise DomainError(ERROR_IDEMPOTENCY_KEY, field="Idempotency-Key")
        fields = declared_fields_validate(AlertCreateSerializer, _data_with_photos(request))
        alert_input = AlertInput(
            category=fields["category"],
            lat=fields["lat"],
            lon=fields["lon"],
            accuracy_meters=fields["accuracy_meters"],
            description=fields["description"],
            photos=photos_inspect(fields["photos"]),
        )
        creation = alert_create(reporter=request.user, data=alert_input, idempotency_key=key)
        body = {**presenters.alert_for_reporter(creation.view), "flags": _flags(creation.alert)}
        return Response(body, status=status.HTTP_201_CREATED if creation.is_new else status.HTTP_200_OK)


class AlertMineListApi(APIView):
    """The reporter's own alerts, in full."""

    renderer_classes = GEOJSON_FIRST

    @extend_schema(responses=schemas.AlertFeatureCollectionSerializer)
    def get(self, request):
        paginator = GeoJsonPage()
        page = paginator.paginate_queryset(reporter_alerts(reporter=request.user), request, view=self)
        return paginator.respond(page, audience=presenters.AUDIENCE_REPORTER)


class AlertDetailApi(APIView):
    """One alert: dispatch in scope gets duplicates and response times too; the reporter gets their own."""

    renderer_classes = JSON_FIRST

    @extend_schema(
        parameters=[FORMAT_PARAMETER],
        responses=geojson_or_json(
            json_body=schemas.AlertDetailSerializer, geojson_body=schemas.AlertDetailFeatureSerializer
        ),
    )
    def get(self, request, alert_id: int):
        if IsDispatch().has_permission(request, self):
            alert = dispatch_alert_get(user=request.user, alert_id=alert_id)
            body = presenters.alert_full(alert)
            duplicates = possible_duplicates(user=request.user, alert=alert)
            body["possible_duplicates"] = [presenters.alert_full(other) for other in duplicates]
            body["response_times"] = alert_response_times(alert=alert).__dict__
        else:
            alert = reporter_alert_get(reporter=request.user, alert_id=alert_id)
            body = presenters.alert_view(alert, audience=presenters.AUDIENCE_REPORTER)
        return Response(presenters.alert_feature(body) if wants_geojson(request) else body)


class AlertStepCreateApi(BoundedUploadMixin, APIView):
    permission_classes = [IsDispatch]
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(request=StepSerializer, responses={201: schemas.AlertFullSerializer})
    def post(self, request, alert_id: int):
        data = _data_with_photos(request)
        serializer = StepSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        fields = serializer.validated_data
        alert_transition(
            alert_id=alert_id,
            actor=request.user,
            status=fields["status"],
            note=fields["note"],
            photos=photos_sanitize(photos_inspect(fields["photos"])),
        )
        alert = dispatch_alert_get(user=request.user, alert_id=alert_id)
        return Response(presenters.alert_full(alert), status=status.HTTP_201_CREATED)


class AlertMergeApi(APIView):
    permission_classes = [IsDispatch]

    @extend_schema(request=MergeSerializer, responses=schemas.AlertFullSerializer)
    def post(self, request, alert_id: int):
        serializer = MergeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        alert_merge(alert_id=alert_id, into_id=serializer.validated_data["into"], actor=request.user,
                    note=serializer.validated_data["note"])  # fmt: skip
        return Response(presenters.alert_full(dispatch_alert_get(user=request.user, alert_id=alert_id)))


class PhotoApproveApi(APIView):
    permission_classes = [IsDispatch]

    @extend_schema(request=None, responses=schemas.PhotoViewSerializer)
    def post(self, request, alert_id: int, photo_id: int):
        photo = photo_approve(alert_id=alert_id, photo_id=photo_id, actor=request.user)
        return Response(presenters.photo_view(photo))


class PhotoFileApi(APIView):
    """Photos are never public files: each request checks who may see this one."""

    thumbnail = False

    @extend_schema(responses={(200, "image/*"): OpenApiTypes.BINARY})
    def get(self, request, alert_id: int, photo_id: int):
        photo = photo_for_viewer(user=request.user, alert_id=alert_id, photo_id=photo_id)
        file = photo.thumbnail if self.thumbnail else photo.image
        response = FileResponse(file.open("rb"), content_type="image/jpeg" if self.thumbnail else photo.content_type)
        response["Cache-Control"] = "private, max-age=3600"
        return response


class InformationCreateApi(BoundedUploadMixin, APIView):
    """A member (or the reporter) adds text or a photo to an alert."""

    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(request=InformationSerializer, responses={201: schemas.InformationCreatedSerializer})
    def post(self, request, alert_id: int):
        data = _data_with_photos(request)
        serializer = InformationSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        information = information_add(
            alert_id=alert_id,
            author=request.user,
            text=serializer.validated_data["text"],
            photos=photos_inspect(serializer.validated_data["photos"]),
        )
        return Response({"id": information.id, "alert": alert_id}, status=status.HTTP_201_CREATED)


class InformationHideApi(APIView):
    permission_classes = [IsDispatch]

    @extend_schema(request=None, responses=schemas.InformationHiddenSerializer)
    def post(self, request, alert_id: int, information_id: int):
        information = information_hide(alert_id=alert_id, information_id=information_id, actor=request.user)
        return Response({"id": information.id, "is_hidden": information.is_hidden})


urlpatterns = [
    path("categories/", CategoryListApi.as_view(), name="categories"),
    path("alerts/", AlertListCreateApi.as_view(), name="alerts"),
    path("alerts/mine/", AlertMineListApi.as_view(), name="alert-mine"),
    path("alerts/<int:alert_id>/", AlertDetailApi.as_view(), name="alert-detail"),
    path("alerts/<int:alert_id>/steps/", AlertStepCreateApi.as_view(), name="alert-step"),
    path("alerts/<int:alert_id>/merge/", AlertMergeApi.as_view(), name="alert-merge"),
    path("alerts/<int:alert_id>/information/", InformationCreateApi.as_view(), name="alert-information"),
    path(
        "alerts/<int:alert_id>/information/<int:information_id>/hide/",
        InformationHideApi.as_view(),
        name="alert-information-hide",
    ),
    path("alerts/<int:alert_id>/photos/<int:photo_id>/", PhotoFileApi.as_view(), name="photo"),
    path(
        "alerts/<int:alert_id>/photos/<int:photo_id>/thumbnail/",
        PhotoFileApi.as_view(thumbnail=True),
        name="photo-thumbnail",
    ),
    path("alerts/<int:alert_id>/photos/<int:photo_id>/approve/", PhotoApproveApi.as_view(), name="photo-approve"),
]
