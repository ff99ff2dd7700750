"""The STOP pack as a tagged PDF (PDF/UA-1) for the monthly meeting: tables, trend charts and a map per precinct.

The maps and charts are SVG drawn from our own geometries (``maps.svg``); WeasyPrint lays the
page out from a Django template, so the printed pack reads the same data as the web page.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.template.loader import render_to_string

from backend.analytics.estimation import hex_grid_for_polygon
from backend.analytics.maps.svg import precinct_map_svg, trend_chart_svg
from backend.analytics.models import AnalyticsJob, JobKind, JobStatus
from backend.analytics.selectors.areas import Area, Month
from backend.analytics.selectors.hotspots import MonthPoints, cell_geometry, hotspot_grid, month_points
from backend.analytics.selectors.stop_pack import Progress, stop_pack, stop_pack_page_context
from backend.analytics.services.jobs import job_key

PDF_VARIANT = "pdf/ua-1"
LANGUAGE = "es"
TEMPLATE = "analytics/stop_pack_pdf.html"


def _cached_pack(area: Area, end_date: dt.date) -> dict[str, Any] | None:
    """The web page's finished pack for the same area and day, so a PDF after a page view costs no recount."""
    job = AnalyticsJob.objects.filter(
        key=job_key(kind=JobKind.STOP_PACK, area=area, end_date=end_date), is_current=True, status=JobStatus.DONE
    ).first()
    return job.result if job is not None else None


def _trend_charts(trends: dict[str, Any]) -> list[dict[str, Any]]:
    first, last = trends["weeks"][0], trends["weeks"][-1]
    sections = []
    for source, name in (("formal", "Denuncias"), ("informal", "Alertas vecinales")):
        charts = [
            {
                "label": series["label_es"],
                "current_total": sum(series["current"]),
                "prior_total": sum(series["prior"]),
                "svg": trend_chart_svg(
                    current=series["current"],
                    prior=series["prior"],
                    title=f"{name}: {series['label_es']}, por semana",
                    first_label=first,
                    last_label=last,
                ),
            }
            for series in trends[source]
        ]
        sections.append({"name": name, "charts": charts})
    return sections


def _precinct_maps(area: Area, month: Month) -> list[dict[str, Any]]:
    # Points per precinct (two queries each); their union is the area's, so Gi* runs once over the whole area.
    per_precinct = {
        precinct.id: month_points(
            area=Area(kind="precinct", code=precinct.code, name=precinct.name, precincts=(precinct,)), month=month
        )
        for precinct in area.precincts
    }
    union = MonthPoints(
        formal=[point for points in per_precinct.values() for point in points.formal],
        informal=[point for points in per_precinct.values() for point in points.informal],
    )
    grid = hotspot_grid(area=area, points=union)
    bins = {}
    if grid.result is not None:
        bins = {cell: int(gi_bin) for cell, gi_bin in zip(grid.cells, grid.result.bins, strict=True) if gi_bin}
    maps = []
    for precinct in area.precincts:
        boundary = json.loads(precinct.boundary.json)
        points = per_precinct[precinct.id]
        # Only significant cells are drawn, so only they need a geometry.
        hexagons = [(cell_geometry(cell), bins[cell]) for cell in hex_grid_for_polygon(boundary) if cell in bins]
        maps.append(
            {
                "name": precinct.name,
                "code": precinct.code,
                "formal": len(points.formal),
                "informal": len(points.informal),
                "svg": precinct_map_svg(
                    boundary=boundary,
                    hexagons=hexagons,
                    formal_points=points.formal,
                    informal_points=points.informal,
                    title=f"Mapa de {precinct.name}, {month.label}",
                ),
            }
        )
    return maps


def stop_pack_html(*, area: Area, end_date: dt.date, progress: Progress) -> str:
    pack = _cached_pack(area, end_date)
    if pack is None:
        pack = stop_pack(area=area, end_date=end_date, progress=lambda percent, step: progress(percent * 6 // 10, step))
    progress(60, "maps")
    month = Month.containing(end_date)
    context = {
        **stop_pack_page_context(pack, map_url=""),
        "language": LANGUAGE,
        "trend_sections": _trend_charts(pack["trends"]),
        "maps": _precinct_maps(area, month),
    }
    progress(75, "layout")
    return render_to_string(TEMPLATE, context)


def stop_pack_pdf(*, area: Area, end_date: dt.date, progress: Progress) -> bytes:
    """The pack for ``area`` up to ``end_date`` as PDF bytes."""
    # WeasyPrint loads Pango at import; only the worker building a PDF pays for it.
    from weasyprint import HTML

    document = stop_pack_html(area=area, end_date=end_date, progress=progress)
    progress(80, "pdf")
    return HTML(string=document).write_pdf(pdf_variant=PDF_VARIANT, uncompressed_pdf=False)
