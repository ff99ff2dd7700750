"""Writing a STOP pack to a folder: the map, the HTML page and every table as CSV and JSON, all offline."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from django.contrib.staticfiles import finders
from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string

from backend.analytics.maps.offline import VENDORED_ASSETS
from backend.analytics.renderers import csv_text
from backend.analytics.selectors.adoption import ADOPTION_CSV_COLUMNS
from backend.analytics.selectors.areas import Area, Month, local_today
from backend.analytics.selectors.dark_figure import DARK_FIGURE_CSV_COLUMNS, dark_figure_csv_rows, dark_figure_report
from backend.analytics.selectors.hotspots import hotspots_geojson, precinct_month_map_html
from backend.analytics.selectors.stop_pack import (
    COUNTS_CSV_COLUMNS,
    RESPONSE_CSV_COLUMNS,
    response_times_csv_rows,
    stop_pack,
    stop_pack_counts_csv_rows,
    stop_pack_page_context,
)
from backend.analytics.services.linkage import incident_links_compute_all

# The pack's pages load assets from this folder next to them, so it opens from a USB stick.
STATIC_FOLDER = "static"
ERROR_ASSET_MISSING = "Vendored asset {path} is not among the static files."


@dataclass(frozen=True)
class PackFiles:
    folder: Path
    files: tuple[Path, ...]


def _copy_vendored_assets(folder: Path) -> None:
    # Whole vendor folders: stylesheets refer to their fonts and images by relative URL.
    roots = {Path(path).parts[:2] for path in VENDORED_ASSETS.values() if path}
    for root in sorted(roots):
        relative = Path(*root)
        source = finders.find(str(relative))
        if not source:
            raise FileNotFoundError(ERROR_ASSET_MISSING.format(path=relative))
        shutil.copytree(source, folder / STATIC_FOLDER / relative, dirs_exist_ok=True)


def stop_pack_write(*, area: Area, month: Month, folder: Path, link: bool = True) -> PackFiles:
    """Write the month's pack for ``area`` into ``folder``; with ``link``, propose links for every preset first."""
    if link:
        incident_links_compute_all(precinct_ids=area.precinct_ids, month=month)
    folder.mkdir(parents=True, exist_ok=True)
    _copy_vendored_assets(folder)
    end = min(month.last_day, local_today())
    stem = f"{area.code}-{month.label}"
    pack = stop_pack(area=area, end_date=end)
    dark_figure = dark_figure_report(area=area, month=month)
    map_name = f"map-{stem}.html"
    texts = {
        map_name: precinct_month_map_html(area=area, month=month, static_url=f"{STATIC_FOLDER}/"),
        f"stop-{stem}.html": render_to_string(
            "analytics/stop_pack.html", stop_pack_page_context(pack, map_url=map_name)
        ),
        f"stop-{stem}.json": json.dumps(pack, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1),
        f"counts-{stem}.csv": csv_text(columns=COUNTS_CSV_COLUMNS, rows=stop_pack_counts_csv_rows(pack)),
        f"response-times-{stem}.csv": csv_text(columns=RESPONSE_CSV_COLUMNS, rows=response_times_csv_rows(pack)),
        f"adoption-{stem}.csv": csv_text(columns=ADOPTION_CSV_COLUMNS, rows=pack["adoption"]["rows"]),
        f"dark-figure-{stem}.csv": csv_text(columns=DARK_FIGURE_CSV_COLUMNS, rows=dark_figure_csv_rows(dark_figure)),
        f"dark-figure-{stem}.json": json.dumps(dark_figure.as_dict(), ensure_ascii=False, indent=1),
        f"hotspots-{stem}.geojson": json.dumps(hotspots_geojson(area=area, month=month)),
    }
    written = []
    for name, text in texts.items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return PackFiles(folder=folder, files=tuple(written))
