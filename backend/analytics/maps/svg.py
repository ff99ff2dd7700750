"""Static SVG for print: a precinct's map (boundary, Gi* hexagons, incidents) and weekly trend charts.

A PDF cannot hold a Leaflet map, so the printed pack draws from our own geometries. Data in,
SVG text out; nothing here knows Django. Geometries are GeoJSON (lon, lat); the map uses an
equirectangular projection scaled by cos(latitude), true enough at a precinct's size.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence
from typing import Any

from backend.analytics.maps.stop_maps import (
    FORMAL_COLOR,
    GI_BIN_COLORS,
    INFORMAL_COLOR,
    IncidentPoint,
    _coordinates,
    _sample,
)

MAP_WIDTH = 480
MAP_HEIGHT = 360
MAP_MARGIN = 8
# Printed dots beyond this many only blacken the page (the hexagons carry the density); a sample keeps the
# picture, the file small and WeasyPrint's layout fast (each SVG element costs it time).
MAX_PRINTED_POINTS = 300
CHART_WIDTH = 520
CHART_HEIGHT = 150
CURRENT_COLOR = "#0b3d2e"
PRIOR_COLOR = "#9aa5a0"


def _rings(geometry: dict[str, Any]) -> Iterable[Sequence[Sequence[float]]]:
    if geometry["type"] == "Polygon":
        yield from geometry["coordinates"]
    elif geometry["type"] == "MultiPolygon":
        for polygon in geometry["coordinates"]:
            yield from polygon


class _Projection:
    def __init__(self, geometries: Sequence[dict[str, Any]], width: int, height: int) -> None:
        positions = [position for geometry in geometries for position in _coordinates(geometry)]
        longitudes = [lon for lon, _ in positions] or [0.0]
        latitudes = [lat for _, lat in positions] or [0.0]
        self.west, self.east = min(longitudes), max(longitudes)
        self.south, self.north = min(latitudes), max(latitudes)
        self.x_scale = math.cos(math.radians((self.south + self.north) / 2))
        span_x = max((self.east - self.west) * self.x_scale, 1e-9)
        span_y = max(self.north - self.south, 1e-9)
        self.scale = min((width - 2 * MAP_MARGIN) / span_x, (height - 2 * MAP_MARGIN) / span_y)
        # Centre the drawing in the frame.
        self.offset_x = (width - span_x * self.scale) / 2
        self.offset_y = (height - span_y * self.scale) / 2

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        x = self.offset_x + (lon - self.west) * self.x_scale * self.scale
        y = self.offset_y + (self.north - lat) * self.scale
        return round(x, 1), round(y, 1)


def _path(geometry: dict[str, Any], project: _Projection) -> str:
    parts = []
    for ring in _rings(geometry):
        points = [project(lon, lat) for lon, lat, *_ in ring]
        if points:
            parts.append("M" + " L".join(f"{x},{y}" for x, y in points) + " Z")
    return " ".join(parts)


def precinct_map_svg(
    *,
    boundary: dict[str, Any],
    hexagons: Sequence[tuple[dict[str, Any], int]],
    formal_points: Sequence[IncidentPoint],
    informal_points: Sequence[IncidentPoint],
    title: str,
    width: int = MAP_WIDTH,
    height: int = MAP_HEIGHT,
) -> str:
    """The precinct outline, its Gi* hexagons (geometry, bin) coloured by confidence, and both sources' points."""
    project = _Projection([boundary], width, height)
    shapes = [
        f'<path d="{_path(geometry, project)}" fill="{GI_BIN_COLORS[gi_bin]}" fill-opacity="0.75" stroke="none"/>'
        for geometry, gi_bin in hexagons
        if gi_bin != 0
    ]
    for points, color in ((formal_points, FORMAL_COLOR), (informal_points, INFORMAL_COLOR)):
        for lat, lon, _label in _sample(points, MAX_PRINTED_POINTS):
            x, y = project(lon, lat)
            shapes.append(f'<circle cx="{x}" cy="{y}" r="1.3" fill="{color}" fill-opacity="0.7"/>')
    outline = f'<path d="{_path(boundary, project)}" fill="none" stroke="#222" stroke-width="1.5"/>'
    label = html.escape(title)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{label}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}"><title>{label}</title>'
        f'<rect width="{width}" height="{height}" fill="#f4f5f6"/>'
        f'<path d="{_path(boundary, project)}" fill="#ffffff"/>{"".join(shapes)}{outline}</svg>'
    )


def trend_chart_svg(
    *,
    current: Sequence[int],
    prior: Sequence[int],
    title: str,
    first_label: str,
    last_label: str,
    width: int = CHART_WIDTH,
    height: int = CHART_HEIGHT,
) -> str:
    """Two weekly lines, this year (dark) and the same weeks a year earlier (grey), on one count axis."""
    left, right, top, bottom = 34, 8, 8, 20
    peak = max([*current, *prior, 1])
    plot_width, plot_height = width - left - right, height - top - bottom
    weeks = max(len(current), 2)

    def line(values: Sequence[int], color: str, dash: str = "") -> str:
        points = " ".join(
            f"{left + plot_width * index / (weeks - 1):.1f},{top + plot_height * (1 - value / peak):.1f}"
            for index, value in enumerate(values)
        )
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        return f'<polyline points="{points}" fill="none" stroke="{color}" stroke-width="1.6"{dashes}/>'

    label = html.escape(title)
    axis = f"M{left},{top} L{left},{top + plot_height} L{left + plot_width},{top + plot_height}"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{label}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="DejaVu Sans, sans-serif" font-size="9"><title>{label}</title>'
        f'<path d="{axis}" fill="none" stroke="#888" stroke-width="0.8"/>'
        f'<text x="{left - 4}" y="{top + 8}" text-anchor="end">{peak}</text>'
        f'<text x="{left - 4}" y="{top + plot_height}" text-anchor="end">0</text>'
        f'<text x="{left}" y="{height - 6}">{html.escape(first_label)}</text>'
        f'<text x="{left + plot_width}" y="{height - 6}" text-anchor="end">{html.escape(last_label)}</text>'
        f"{line(prior, PRIOR_COLOR, '4 3')}{line(current, CURRENT_COLOR)}</svg>"
    )
