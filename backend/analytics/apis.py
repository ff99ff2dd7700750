"""Analytics API: dark figure, STOP pack, adoption, hotspots, maps and link review, for staff in scope."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import FileResponse
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
from backend.common.basemap import basemap_config
from backend.common.pagination import Pagination
from backend.common.renderers import GEOJSON_FIRST

from . import schemas
from .models import AnalyticsJob, JobKind, JobStatus, LinkStatus
from .renderers import CSVRenderer
from .selectors.adoption import ADOPTION_CSV_COLUMNS, adoption_dicts, adoption_rows
from .selectors.areas import Area, Month, area_for_user, date_range_check, local_today, month_parse
from .selectors.dark_figure import (
    DARK_FIGURE_CSV_COLUMNS,
    dark_figure_csv_row,
    dark_figure_csv_rows,
    dark_figure_report,
)
from .selectors.hotspots import hotspots_geojson, precinct_month_map_html
from .selectors.jobs import analytics_job_get
from .selectors.linkage import incident_links_list
from .selectors.stop_pack import (
    COUNTS_CSV_COLUMNS,
    RESPONSE_CSV_COLUMNS,
    response_times_csv_rows,
    stop_pack_counts_csv_rows,
    stop_pack_page_context,
)
from .serializers import (
    AreaMonthQuerySerializer,
    DateRangeQuerySerializer,
    IncidentLinkSerializer,
    LinkageRunInputSerializer,
    LinkListQuerySerializer,
    StopPackQuerySerializer,
)
from .services.jobs import analytics_job_request
from .services.linkage import incident_link_review


class AnalyticsApi(APIView):
    """Commanders, dispatchers and administrators; every area is checked against the user's scope."""

    permission_classes = [IsCommand]

    def finalize_response(self, request, response, *args, **kwargs):
        # Errors, "still computing" answers and OPTIONS descriptions are always JSON, even when CSV or HTML was
        # asked for: none of them is a table or a page.
        json_only = (
            response.status_code >= 400 or getattr(response, "is_job_status", False) or request.method == "OPTIONS"
        )
        if json_only and getattr(request, "accepted_renderer", None) is not None:
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


def job_view(request, job: AnalyticsJob) -> dict[str, Any]:
    """What a client polls: the job's state and, once done, where its result is."""
    status_url = request.build_absolute_uri(reverse("analytics:job", args=[job.id]))
    done = job.status == JobStatus.DONE
    return {
        "id": job.id,
        "kind": job.kind,
        "status": job.status,
        "progress": job.progress,
        "step": job.step,
        "area": {"kind": job.area_kind, "code": job.area_code, "name": job.area_name},
        "month": Month(job.month).label,
        "end_date": job.end_date,
        "preset": job.preset,
        "is_final": job.is_final,
        "error": job.error or None,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
        "status_url": status_url,
        "result_url": request.build_absolute_uri(reverse("analytics:job-result", args=[job.id])) if done else None,
    }


def job_accepted(request, job: AnalyticsJob) -> Response:
    """202 with the job to poll; ``Location`` is its status URL."""
    view = job_view(request, job)
    response = Response(view, status=status.HTTP_202_ACCEPTED, headers={"Location": view["status_url"]})
    response.is_job_status = True
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
        job = analytics_job_request(kind=JobKind.STOP_PACK, area=area, end_date=end, requested_by=request.user)
        if job.status != JobStatus.DONE:
            return job_accepted(request, job)
        pack = job.result
        if not self.wants_csv():
            return Response({**pack, "map_url": _map_url(area, Month.containing(end)), "job": job_view(request, job)})
        table = data["table"]
        filename = f"stop-{table}-{area.code or 'scope'}-{end.isoformat()}.csv"
        if table == "counts":
            return csv_response(columns=COUNTS_CSV_COLUMNS, rows=stop_pack_counts_csv_rows(pack), filename=filename)
        if table == "response_times":
            return csv_response(columns=RESPONSE_CSV_COLUMNS, rows=response_times_csv_rows(pack), filename=filename)
        if table == "adoption":
            return csv_response(columns=ADOPTION_CSV_COLUMNS, rows=pack["adoption"]["rows"], filename=filename)
        rows = [dark_figure_csv_row(row) for preset in pack["dark_figure"]["presets"] for row in preset["rows"]]
        return csv_response(columns=DARK_FIGURE_CSV_COLUMNS, rows=rows, filename=filename)


class StopPackPageApi(AnalyticsApi):
    """The STOP pack as an HTML page with the map in an iframe; while it is computed, a page that refreshes itself."""

    renderer_classes = [TemplateHTMLRenderer]
    template_name = "analytics/stop_pack.html"

    @extend_schema(parameters=[StopPackQuerySerializer], responses={(200, "text/html"): str, (202, "text/html"): str})
    def get(self, request):
        data = self.query(StopPackQuerySerializer)
        end = _pack_end(data)
        area = self.area(data)
        job = analytics_job_request(kind=JobKind.STOP_PACK, area=area, end_date=end, requested_by=request.user)
        if job.status != JobStatus.DONE:
            return Response({"job": job}, status=status.HTTP_202_ACCEPTED, template_name="analytics/job_pending.html")
        return Response(stop_pack_page_context(job.result, map_url=_map_url(area, Month.containing(end))))


class StopPackPdfApi(AnalyticsApi):
    """The STOP pack as a tagged PDF (PDF/UA-1): 202 and a status URL while it is built, then the file."""

    @extend_schema(
        parameters=[StopPackQuerySerializer],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, 202: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        data = self.query(StopPackQuerySerializer)
        end = _pack_end(data)
        job = analytics_job_request(
            kind=JobKind.STOP_PACK_PDF, area=self.area(data), end_date=end, requested_by=request.user
        )
        if job.status != JobStatus.DONE:
            return job_accepted(request, job)
        return pdf_response(job)


def pdf_response(job: AnalyticsJob) -> FileResponse:
    name = f"stop-{job.area_code or job.area_kind}-{Month(job.month).label}.pdf"
    return FileResponse(job.file.open("rb"), content_type="application/pdf", as_attachment=True, filename=name)


class AnalyticsJobApi(AnalyticsApi):
    """A job's progress, for the page to poll."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, job_id: int):
        return Response(job_view(request, analytics_job_get(user=request.user, job_id=job_id)))


class AnalyticsJobResultApi(AnalyticsApi):
    """A finished job's result: the pack or linkage summaries as JSON, or the PDF."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT, (200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request, job_id: int):
        job = analytics_job_get(user=request.user, job_id=job_id, done=True)
        if job.kind == JobKind.STOP_PACK_PDF:
            return pdf_response(job)
        return Response(job.result)


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
        html = precinct_month_map_html(
            area=self.area(data), month=month, static_url=settings.STATIC_URL, basemap=basemap_config()
        )
        return Response(html)


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
    """Propose links for a month (one preset, or all three), keeping the analyst's decisions.

    The run happens in Celery: 202 with a status URL, whose result is the list of summaries.
    """

    @extend_schema(request=LinkageRunInputSerializer, responses={202: OpenApiTypes.OBJECT})
    def post(self, request):
        serializer = LinkageRunInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        month = month_parse(data["month"])
        job = analytics_job_request(
            kind=JobKind.LINKAGE_RUN,
            area=self.area(data),
            end_date=min(month.last_day, local_today()),
            preset=data.get("preset") or "",
            requested_by=request.user,
        )
        return job_accepted(request, job)


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
