"""Hotspots on the H3 grid over an area, and the precinct-month map that draws them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import h3
import numpy as np

from backend.analytics.estimation import (
    HEX_RESOLUTION,
    GiStarResult,
    gi_star,
    hex_cells,
    hex_grid_for_polygon,
    hex_grid_values,
    hex_neighbors,
)
from backend.analytics.maps.stop_maps import render_precinct_month_map
from backend.analytics.selectors.areas import Area, Month
from backend.analytics.selectors.dark_figure import ALL_GROUPS, dark_figure_report
from backend.analytics.selectors.linkage import (
    Latitude,
    Longitude,
    crime_category_codes,
    formal_reports_in,
    incident_alerts_in,
    offense_compatibility,
)
from backend.common.geojson import geometry_geojson

MAP_PRESET = "default"
ALL_PRECINCTS_TITLE = "All precincts in scope"
WARNING_TOO_FEW_CELLS = "The area covers fewer than two grid cells; Gi* needs at least two."
WARNING_NO_EVENTS = "No incidents this month: every cell is 0 and no hotspot can be found."


@dataclass(frozen=True)
class MonthPoints:
    formal: list[tuple[float, float, str]]
    informal: list[tuple[float, float, str]]


@dataclass
class HotspotGrid:
    cells: list[str]
    formal_counts: np.ndarray
    informal_counts: np.ndarray
    result: GiStarResult | None
    warnings: list[str] = field(default_factory=list)

    def features(self) -> list[dict[str, Any]]:
        """GeoJSON features, one hexagon per cell, with both sources' counts and the Gi* figures."""
        features = []
        for index, cell in enumerate(self.cells):
            has_result = self.result is not None
            features.append(
                {
                    "type": "Feature",
                    "id": cell,
                    "geometry": cell_geometry(cell),
                    "properties": {
                        "cell": cell,
                        "formal": int(self.formal_counts[index]),
                        "informal": int(self.informal_counts[index]),
                        "count": int(self.formal_counts[index] + self.informal_counts[index]),
                        "z": float(self.result.z[index]) if has_result else 0.0,
                        "p": float(self.result.p_two_sided[index]) if has_result else 1.0,
                        "p_fdr": float(self.result.p_fdr[index]) if has_result else 1.0,
                        "bin": int(self.result.bins[index]) if has_result else 0,
                    },
                }
            )
        return features


def cell_geometry(cell: str) -> dict[str, Any]:
    ring = [[lon, lat] for lat, lon in h3.cell_to_boundary(cell)]
    return geometry_geojson({"type": "Polygon", "coordinates": [[*ring, ring[0]]]})


def month_points(*, area: Area, month: Month) -> MonthPoints:
    """The month's formal reports and crime alerts as (lat, lon, label) tuples; two queries."""
    formal = formal_reports_in(precinct_ids=area.precinct_ids, month=month).values_list(
        Latitude("location"), Longitude("location"), "offense_type__label_es", "occurred_at"
    )
    informal = incident_alerts_in(
        precinct_ids=area.precinct_ids, month=month, category_codes=crime_category_codes(offense_compatibility())
    ).values_list(Latitude("location"), Longitude("location"), "category__label_es", "created_at")
    return MonthPoints(
        formal=[(lat, lon, f"{label} · {moment:%Y-%m-%d %H:%M}") for lat, lon, label, moment in formal.order_by()],
        informal=[(lat, lon, f"{label} · {moment:%Y-%m-%d %H:%M}") for lat, lon, label, moment in informal.order_by()],
    )


def hotspot_grid(*, area: Area, points: MonthPoints, resolution: int = HEX_RESOLUTION) -> HotspotGrid:
    """Gi* over every H3 cell whose centre lies in the area, counting both sources together."""
    cells = sorted(
        {
            cell
            for precinct in area.precincts
            for cell in hex_grid_for_polygon(json.loads(precinct.boundary.json), resolution)
        }
    )

    def counts(source: Sequence[tuple[float, float, str]]) -> np.ndarray:
        per_cell = hex_cells([point[0] for point in source], [point[1] for point in source], resolution)
        return hex_grid_values(cells, per_cell)

    grid = HotspotGrid(
        cells=cells, formal_counts=counts(points.formal), informal_counts=counts(points.informal), result=None
    )
    if len(cells) < 2:
        grid.warnings.append(WARNING_TOO_FEW_CELLS)
        return grid
    if not (grid.formal_counts.any() or grid.informal_counts.any()):
        grid.warnings.append(WARNING_NO_EVENTS)
    grid.result = gi_star(grid.formal_counts + grid.informal_counts, hex_neighbors(cells))
    return grid


def hotspots_geojson(*, area: Area, month: Month) -> dict[str, Any]:
    grid = hotspot_grid(area=area, points=month_points(area=area, month=month))
    return {
        "type": "FeatureCollection",
        "features": grid.features(),
        "properties": {
            "area": area.code,
            "month": month.label,
            "resolution": HEX_RESOLUTION,
            "warnings": grid.warnings,
        },
    }


def _estimable_dark_figure(row) -> float | None:
    if row is None or row.not_estimable_reason is not None:
        return None
    return row.estimate.dark_figure


def precinct_month_map_html(*, area: Area, month: Month, static_url: str, basemap: dict | None = None) -> str:
    """The folium map: boundaries coloured by the default-preset dark figure, both layers, heat and Gi* hexagons."""
    points = month_points(area=area, month=month)
    grid = hotspot_grid(area=area, points=points)
    rows = {
        row.precinct_code: row
        for row in dark_figure_report(area=area, month=month).rows_for(preset=MAP_PRESET, group=ALL_GROUPS)
    }
    boundaries = [
        {
            "code": precinct.code,
            "name": precinct.name,
            "geometry": geometry_geojson(precinct.boundary),
            "dark_figure": _estimable_dark_figure(rows.get(precinct.code)),
            "not_estimable_reason": rows[precinct.code].not_estimable_reason if precinct.code in rows else None,
        }
        for precinct in area.precincts
    ]
    hexagons = [
        {
            "geometry": feature["geometry"],
            "z": feature["properties"]["z"],
            "bin": feature["properties"]["bin"],
            "count": feature["properties"]["count"],
        }
        for feature in grid.features()
        if feature["properties"]["count"] or feature["properties"]["bin"]
    ]
    title = f"{area.name or area.code or ALL_PRECINCTS_TITLE} · {month.label}"
    return render_precinct_month_map(
        boundaries=boundaries,
        formal_points=points.formal,
        informal_points=points.informal,
        hex_cells=hexagons,
        static_url=static_url,
        title=title,
        basemap=basemap,
    )
