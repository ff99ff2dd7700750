"""The precinct-month map in a real Chromium with no network: everything loads from our static files."""

import contextlib
import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from backend.analytics.maps.stop_maps import (
    BOUNDARIES_LAYER,
    FORMAL_LAYER,
    HEAT_LAYER,
    HOTSPOT_LAYER,
    INFORMAL_LAYER,
    render_precinct_month_map,
)

STATIC_ROOT = Path(__file__).resolve().parents[3] / "backend" / "common" / "static"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed"),
]


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def square(lon: float, lat: float, size: float) -> dict:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def test_precinct_month_map_loads_offline_and_toggles_the_heat_layer(tmp_path):
    # given a rendered map served next to our static files, as Django would serve them
    html = render_precinct_month_map(
        boundaries=[
            {"code": "P1", "name": "1st Precinct", "geometry": square(-70.70, -33.50, 0.05), "dark_figure": 0.6},
            {"code": "P2", "name": "2nd Precinct", "geometry": square(-70.65, -33.50, 0.05), "dark_figure": None},
        ],
        formal_points=[(-33.48 + i / 2000, -70.68, f"Robbery {i}") for i in range(40)],
        informal_points=[(-33.47, -70.62 - i / 2000, f"Alert {i}") for i in range(40)],
        hex_cells=[{"geometry": square(-70.69, -33.49, 0.004), "z": 3.4, "bin": 3, "count": 12}],
        static_url="/static/",
        title="STOP 2025-01",
    )
    (tmp_path / "map.html").write_text(html, encoding="utf-8")
    (tmp_path / "static").symlink_to(STATIC_ROOT)

    with serve(tmp_path) as base_url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            problems: list[str] = []
            page.on("requestfailed", lambda request: problems.append(f"failed {request.url}"))
            page.on("response", lambda response: response.status >= 400 and problems.append(response.url))
            page.on("request", lambda request: request.url.startswith(base_url) or problems.append(request.url))
            page.on("pageerror", lambda error: problems.append(f"error {error}"))

            # when a commander opens it and switches on the heat layer
            page.goto(f"{base_url}/map.html", wait_until="networkidle")
            overlays = page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
            assert page.locator("canvas.leaflet-heatmap-layer").count() == 0
            page.get_by_label(HEAT_LAYER).check()

            # then Leaflet ran, every layer is listed, the heat canvas appears and nothing left the host
            assert page.evaluate("typeof window.L") == "object"
            assert [text.strip() for text in overlays] == [
                BOUNDARIES_LAYER,
                HOTSPOT_LAYER,
                FORMAL_LAYER,
                INFORMAL_LAYER,
                HEAT_LAYER,
            ]
            assert page.locator("canvas.leaflet-heatmap-layer").count() == 1
            assert page.locator(".legend").count() == 1  # the dark-figure colour scale, drawn by d3
            assert page.get_by_text("Dark figure (share of incidents not reported)").is_visible()
            assert problems == []
        finally:
            browser.close()
