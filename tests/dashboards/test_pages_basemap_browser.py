"""A street base map from a PMTiles archive that we serve ourselves: range requests answered with 206, and the
tiles drawn in a real Chromium under the precinct boundaries. Each test writes its own small archive."""

import io
import math

import mapbox_vector_tile
import pytest
from PIL import Image
from playwright.sync_api import expect
from pmtiles.tile import Compression, TileType, zxy_to_tileid
from pmtiles.writer import Writer

from backend.accounts.models import Role
from tests.factories import PrecinctFactory, staff_user
from tests.factories.geo import cell_center
from tests.plugins.browser import _session_cookie
from tests.plugins.realtime import asgi_server, stop_process, wait_for_port

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ARCHIVE_URL = "/tiles/basemap.pmtiles"
TILE_COLOUR = (255, 0, 255)
ZOOMS = range(11, 17)
MARGIN_DEGREES = 0.05


def _tile_range(lat: float, lon: float, zoom: int) -> tuple[range, range]:
    def tile(lat_: float, lon_: float) -> tuple[int, int]:
        n = 2**zoom
        x = int((lon_ + 180) / 360 * n)
        y = int((1 - math.asinh(math.tan(math.radians(lat_))) / math.pi) / 2 * n)
        return x, y

    west, north = tile(lat + MARGIN_DEGREES, lon - MARGIN_DEGREES)
    east, south = tile(lat - MARGIN_DEGREES, lon + MARGIN_DEGREES)
    return range(west, east + 1), range(north, south + 1)


def _png_tile() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (256, 256), TILE_COLOUR).save(buffer, format="PNG")
    return buffer.getvalue()


def _vector_tile() -> bytes:
    # Protomaps' basemap schema: an "earth" polygon over the whole tile and one road across it.
    return mapbox_vector_tile.encode(
        [
            {
                "name": "earth",
                "features": [{"geometry": "POLYGON ((0 0, 4096 0, 4096 4096, 0 4096, 0 0))", "properties": {}}],
            },
            {
                "name": "roads",
                "features": [{"geometry": "LINESTRING (0 2048, 4096 2048)", "properties": {"kind": "major_road"}}],
            },
        ]
    )


def write_archive(path, *, tile_type: TileType) -> None:
    """A PMTiles v3 archive around the test precinct at ZOOMS, every tile the same."""
    lat, lon = cell_center(0)
    data = _png_tile() if tile_type == TileType.PNG else _vector_tile()
    ids = []
    for zoom in ZOOMS:
        xs, ys = _tile_range(lat, lon, zoom)
        ids += [zxy_to_tileid(zoom, x, y) for x in xs for y in ys]
    with path.open("wb") as handle:
        writer = Writer(handle)
        for tile_id in sorted(ids):
            writer.write_tile(tile_id, data)
        writer.finalize(
            {
                "tile_type": tile_type,
                "tile_compression": Compression.NONE,
                "min_lon_e7": int((lon - MARGIN_DEGREES) * 1e7),
                "min_lat_e7": int((lat - MARGIN_DEGREES) * 1e7),
                "max_lon_e7": int((lon + MARGIN_DEGREES) * 1e7),
                "max_lat_e7": int((lat + MARGIN_DEGREES) * 1e7),
                "center_zoom": 14,
                "center_lon_e7": int(lon * 1e7),
                "center_lat_e7": int(lat * 1e7),
            },
            {"attribution": "Test tiles"},
        )


@pytest.fixture
def server_with_archive(realtime_environment, realtime_directory, tmp_path):
    """A server of our own whose settings point MAP_PMTILES_FILE at an archive the test writes."""
    started = []

    def start(tile_type: TileType) -> str:
        archive = tmp_path / f"basemap-{tile_type.name.lower()}.pmtiles"
        write_archive(archive, tile_type=tile_type)
        environment = {**realtime_environment, "MAP_PMTILES_FILE": str(archive)}
        process, address = asgi_server(environment, realtime_directory / "uvicorn-basemap.log")
        started.append(process)
        wait_for_port(int(address.rsplit(":", 1)[1]), process=process)
        return f"http://{address}"

    yield start
    for process in started:
        stop_process(process)


def _console(browser, base_url: str, user):
    context = browser.new_context(base_url=base_url, viewport={"width": 1440, "height": 900}, locale="es-CL")
    name, value = _session_cookie(user)
    context.add_cookies([{"name": name, "value": value, "url": base_url}])
    page = context.new_page()
    ranges = []
    page.on(
        "requestfinished",
        lambda request: (
            ARCHIVE_URL in request.url
            and ranges.append((request.url, request.headers.get("range"), request.response().status))
        ),
    )
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/despacho/")
    return page, ranges, errors


def test_raster_tiles_load_from_our_server_with_range_requests_and_draw_under_the_boundaries(
    browser, server_with_archive, screenshot
):
    # given a force that serves a raster PMTiles extract, and a dispatcher on the console
    precinct = PrecinctFactory(column=0, name="Precinto Sur")
    dispatcher = staff_user(Role.DISPATCHER, precincts=[precinct])
    base_url = server_with_archive(TileType.PNG)

    # when the console opens
    page, ranges, errors = _console(browser, base_url, dispatcher)

    # then the map reads the archive by byte ranges from our own server, each answered 206
    expect(page.locator("#map")).to_have_attribute("data-basemap", "raster")
    expect(page.locator("#map img.leaflet-tile.leaflet-tile-loaded").first).to_be_visible()
    assert len(ranges) >= 2
    assert all(
        url == base_url + ARCHIVE_URL and header.startswith("bytes=") and status == 206
        for url, header, status in ranges
    )
    # and the tiles' colour shows where no boundary is drawn (the map's top-left corner)
    # (Leaflet fades tiles in over 200 ms; the boundaries' light fill may tint the edge by a few units.)
    # The map may still be settling (a fit to the boundaries makes a new set of tiles), so look until the corner
    # shows the tile's colour, for a few seconds at most.
    page.wait_for_function(
        "[...document.querySelectorAll('#map img.leaflet-tile')].every(t => getComputedStyle(t).opacity === '1')"
    )
    box = page.locator("#map").bounding_box()
    for _ in range(20):
        shot = Image.open(io.BytesIO(page.screenshot(clip={**box, "width": 60, "height": 60})))
        red, green, blue = shot.convert("RGB").getpixel((50, 50))
        if red > 240 and green < 70 and blue > 240:
            break
        page.wait_for_timeout(250)
    assert (red > 240, green < 70, blue > 240) == (True, True, True), (red, green, blue)
    screenshot(page, "dispatch-basemap-raster")
    assert errors == []


def test_vector_tiles_from_the_archive_are_drawn_by_protomaps_leaflet(browser, server_with_archive, screenshot):
    precinct = PrecinctFactory(column=0, name="Precinto Sur")
    dispatcher = staff_user(Role.DISPATCHER, precincts=[precinct])
    base_url = server_with_archive(TileType.MVT)

    page, ranges, errors = _console(browser, base_url, dispatcher)

    expect(page.locator("#map")).to_have_attribute("data-basemap", "vector")
    expect(page.locator("#map canvas.leaflet-tile").first).to_be_visible()
    # Tile bytes, not only the header, were read from the archive.
    page.wait_for_function(
        f"performance.getEntriesByType('resource').filter(e => e.name.includes('{ARCHIVE_URL}')).length >= 3"
    )
    assert all(url == base_url + ARCHIVE_URL and status == 206 for url, _header, status in ranges)
    screenshot(page, "dispatch-basemap-vector")
    assert errors == []


def test_the_archive_route_answers_ranges_and_refuses_unsatisfiable_ones(client, settings, tmp_path):
    # given an archive configured for the server
    archive = tmp_path / "basemap.pmtiles"
    write_archive(archive, tile_type=TileType.PNG)
    settings.MAP_PMTILES_FILE = str(archive)
    size = archive.stat().st_size

    # when a reader asks for the header, the last bytes, the whole file, and a range past the end
    header = client.get(ARCHIVE_URL, HTTP_RANGE="bytes=0-126")
    tail = client.get(ARCHIVE_URL, HTTP_RANGE="bytes=-10")
    whole = client.get(ARCHIVE_URL)
    beyond = client.get(ARCHIVE_URL, HTTP_RANGE=f"bytes={size}-")

    # then each gets exactly what it asked for
    assert (header.status_code, header["Content-Range"], len(header.content)) == (206, f"bytes 0-126/{size}", 127)
    assert header.content[:7] == b"PMTiles"
    assert (tail.status_code, tail["Content-Range"]) == (206, f"bytes {size - 10}-{size - 1}/{size}")
    assert (whole.status_code, whole["Accept-Ranges"], len(b"".join(whole.streaming_content))) == (200, "bytes", size)
    assert (beyond.status_code, beyond["Content-Range"]) == (416, f"bytes */{size}")


def test_without_an_archive_the_route_is_not_found(client, settings):
    settings.MAP_PMTILES_FILE = ""
    assert client.get(ARCHIVE_URL).status_code == 404
