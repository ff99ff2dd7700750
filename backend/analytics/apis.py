"""Analytics API: dark figure, STOP pack, adoption, hotspots, maps and link review, for staff in scope."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.clickjacking import xframe_options_sameorigin
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.renderers import JSONRenderer, StaticHTMLRenderer, TemplateHTMLRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.permissions import IsCommand
from backend.accounts.scope import staff_scope
from backend.common.pagination import Pagination
from backend.common.renderers import GEOJSON_FIRST

from . import schemas
from .models import LinkStatus
from .renderers import CSVRenderer
from .selectors.adoption import ADOPTION_CSV_COLUMNS, adoption_dicts, adoption_rows
from .selectors.areas import Area, Month, area_for_user, date_range_check, local_today, month_parse
from .selectors.dark_figure import DARK_FIGURE_CSV_COLUMNS, dark_figure_csv_rows, dark_figure_report
from .selectors.hotspots import hotspots_geojson, precinct_month_map_html
from .selectors.linkage import incident_links_list
from .selectors.stop_pack import (
    COUNTS_CSV_COLUMNS,
    RESPONSE_CSV_COLUMNS,
    response_times_csv_rows,
    stop_pack,
    stop_pack_counts_csv_rows,
    stop_pack_page_context,
)
from .serializers import (
    AreaMonthQuerySerializer,
    DateRangeQuerySerializer,
    IncidentLinkSerializer,
    LinkageRunInputSerializer,
    LinkageSummarySerializer,
    LinkListQuerySerializer,
    StopPackQuerySerializer,
)
from .services.linkage import incident_link_review, incident_links_compute, incident_links_compute_all


class AnalyticsApi(APIView):
    """Commanders, dispatchers and administrators; every area is checked against the user's scope."""

    permission_classes = [IsCommand]

    def finalize_response(self, request, response, *args, **kwargs):
        # Errors and OPTIONS descriptions are always JSON, even when CSV or HTML was asked for: neither is a table
        # or a page.
        is_table_or_page = response.status_code < 400 and request.method != "OPTIONS"
        if not is_table_or_page and getattr(request, "accepted_renderer", None) is not None:
            if not isinstance(request.accepted_renderer, JSONRenderer):
                request.accepted_renderer = JSONRenderer()
                request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)

    def query(self, serializer_class) -> dict[str, Any]:
        serializer = serializer_class(data=self.request.query_params)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def area(self, data: dict[str, Any]) -> Area:
        return area_for_user(
            user=self.request.user, precinct_code=data.get("precinct"), prefecture_code=data.get("prefecture")
        )

    def wants_csv(self) -> bool:
        return getattr(self.request.accepted_renderer, "format", None) == CSVRenderer.format


def csv_response(*, columns, rows, filename: str) -> Response:
    response = Response({"columns": list(columns), "rows": rows})
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _json_or_csv(serializer) -> dict:
    return {(200, JSONRenderer.media_type): serializer, (200, CSVRenderer.media_type): OpenApiTypes.STR}


def _map_url(area: Area, month: Month) -> str:
    return f"{reverse('analytics:map')}?{urlencode({area.kind: area.code, 'month': month.label})}"


class DarkFigureApi(AnalyticsApi):
    renderer_classes = [JSONRenderer, CSVRenderer]

    @extend_schema(parameters=[AreaMonthQuerySerializer], responses=_json_or_csv(schemas.DarkFigureReportSerializer))
    def get(self, request):
        data = self.query(AreaMonthQuerySerializer)
        month = month_parse(data["month"])
        report = dark_figure_report(area=self.area(data), month=month)
        if self.wants_csv():
            return csv_response(
                columns=DARK_FIGURE_CSV_COLUMNS,
                rows=dark_figure_csv_rows(report),
                filename=f"dark-figure-{report.area.code or 'scope'}-{month.label}.csv",
            )
        return Response(report.as_dict())


def _pack_end(data: dict[str, Any]) -> dt.date:
    today = local_today()
    if data.get("month"):
        return min(month_parse(data["month"]).last_day, today)
    end = data.get("end") or today
    date_range_check(start=end, end=end)
    return end


class StopPackApi(AnalyticsApi):
    """The STOP pack as JSON, or one of its tables as CSV (``?format=csv&table=counts|response_times|...``)."""

    renderer_classes = [JSONRenderer, CSVRenderer]

    @extend_schema(parameters=[StopPackQuerySerializer], responses=_json_or_csv(schemas.StopPackSerializer))
    def get(self, request):
        data = self.query(StopPackQuerySerializer)
        end = _pack_end(data)
        area = self.area(data)
        pack = stop_pack(area=area, end_date=end)
        if not self.wants_csv():
            return Response({**pack, "map_url": _map_url(area, Month.containing(end))})
        table = data["table"]
        filename = f"stop-{table}-{area.code or 'scope'}-{end.isoformat()}.csv"
        if table == "counts":
            return csv_response(columns=COUNTS_CSV_COLUMNS, rows=stop_pack_counts_csv_rows(pack), filename=filename)
        if table == "response_times":
            return csv_response(columns=RESPONSE_CSV_COLUMNS, rows=response_times_csv_rows(pack), filename=filename)
        if table == "adoption":
            return csv_response(columns=ADOPTION_CSV_COLUMNS, rows=pack["adoption"]["rows"], filename=filename)
        rows = [row for preset in pack["dark_figure"]["presets"] for row in preset["rows"]]
        return csv_response(columns=DARK_FIGURE_CSV_COLUMNS, rows=rows, filename=filename)


class StopPackPageApi(AnalyticsApi):
    """The STOP pack as an HTML page with the map in an iframe."""

    renderer_classes = [TemplateHTMLRenderer]
    template_name = "analytics/stop_pack.html"

    @extend_schema(parameters=[StopPackQuerySerializer], responses={(200, "text/html"): str})
    def get(self, request):
        data = self.query(StopPackQuerySerializer)
        end = _pack_end(data)
        area = self.area(data)
        pack = stop_pack(area=area, end_date=end)
        return Response(stop_pack_page_context(pack, map_url=_map_url(area, Month.containing(end))))


class AdoptionApi(AnalyticsApi):
    renderer_classes = [JSONRenderer, CSVRenderer]

    @extend_schema(parameters=[DateRangeQuerySerializer], responses=_json_or_csv(schemas.AdoptionSerializer))
    def get(self, request):
        data = self.query(DateRangeQuerySerializer)
        end = data.get("end") or local_today()
        start = data.get("start") or end.replace(day=1)
        date_range_check(start=start, end=end)
        area = self.area(data)
        rows = adoption_dicts(adoption_rows(precinct_ids=area.precinct_ids, start=start, end=end))
        if self.wants_csv():
            return csv_response(columns=ADOPTION_CSV_COLUMNS, rows=rows, filename=f"adoption-{start}-{end}.csv")
        return Response({"period": {"start": start, "end": end}, "rows": rows})


class HotspotsApi(AnalyticsApi):
    """Gi* hexagons (H3 resolution 9) as GeoJSON."""

    renderer_classes = GEOJSON_FIRST

    @extend_schema(parameters=[AreaMonthQuerySerializer], responses=schemas.HotspotFeatureCollectionSerializer)
    def get(self, request):
        data = self.query(AreaMonthQuerySerializer)
        month = month_parse(data["month"])
        return Response(hotspots_geojson(area=self.area(data), month=month))


@method_decorator(xframe_options_sameorigin, name="dispatch")
class PrecinctMonthMapApi(AnalyticsApi):
    """The folium precinct-month map; it loads Leaflet and plugins from our static files only."""

    renderer_classes = [StaticHTMLRenderer]

    @extend_schema(parameters=[AreaMonthQuerySerializer], responses={(200, "text/html"): str})
    def get(self, request):
        data = self.query(AreaMonthQuerySerializer)
        month = month_parse(data["month"])
        return Response(precinct_month_map_html(area=self.area(data), month=month, static_url=settings.STATIC_URL))


class IncidentLinkListApi(AnalyticsApi):
    @extend_schema(parameters=[LinkListQuerySerializer], responses=schemas.IncidentLinkPageSerializer)
    def get(self, request):
        data = self.query(LinkListQuerySerializer)
        month = month_parse(data["month"])
        links = incident_links_list(
            precinct_ids=self.area(data).precinct_ids, month=month, preset=data.get("preset"), status=data.get("status")
        )
        paginator = Pagination()
        page = paginator.paginate_queryset(links, request, view=self)
        return paginator.get_paginated_response(IncidentLinkSerializer(page, many=True).data)


class IncidentLinkageRunApi(AnalyticsApi):
    """Propose links for a month (one preset, or all three), keeping the analyst's decisions."""

    @extend_schema(request=LinkageRunInputSerializer, responses={201: LinkageSummarySerializer(many=True)})
    def post(self, request):
        serializer = LinkageRunInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        month = month_parse(data["month"])
        precinct_ids = self.area(data).precinct_ids
        if data.get("preset"):
            summaries = [incident_links_compute(precinct_ids=precinct_ids, month=month, preset=data["preset"])]
        else:
            summaries = incident_links_compute_all(precinct_ids=precinct_ids, month=month)
        return Response(LinkageSummarySerializer(summaries, many=True).data, status=status.HTTP_201_CREATED)


class IncidentLinkReviewApi(AnalyticsApi):
    decision: str = ""

    @extend_schema(request=None, responses=IncidentLinkSerializer)
    def post(self, request, link_id: int):
        link = incident_link_review(
            link_id=link_id,
            decision=self.decision,
            reviewer=request.user,
            allowed_precinct_ids=staff_scope(request.user).precinct_ids,
        )
        return Response(IncidentLinkSerializer(link).data)


class IncidentLinkConfirmApi(IncidentLinkReviewApi):
    decision = LinkStatus.CONFIRMED


class IncidentLinkUnlinkApi(IncidentLinkReviewApi):
    decision = LinkStatus.UNLINKED
