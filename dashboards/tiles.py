"""The PMTiles base map archive, served with HTTP range requests (PMTiles readers fetch byte ranges, never the file)."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import http_date
from django.views.decorators.http import require_safe

RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CONTENT_TYPE = "application/vnd.pmtiles"
# Tiles change only when the file is replaced, which changes its ETag; clients may keep them a day.
CACHE_CONTROL = "public, max-age=86400"


def _byte_range(header: str, size: int) -> tuple[int, int] | None:
    """(first, last) inclusive for one ``bytes=`` range, or None when it is not one we can satisfy."""
    match = RANGE.match(header.strip())
    if match is None or match.group(1) == match.group(2) == "":
        return None
    first, last = match.group(1), match.group(2)
    if first == "":  # the last N bytes
        length = int(last)
        return (max(size - length, 0), size - 1) if length > 0 and size > 0 else None
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    return (start, end) if start <= end and start < size else None


@require_safe
def basemap_archive(request):
    path = Path(settings.MAP_PMTILES_FILE) if settings.MAP_PMTILES_FILE else None
    if path is None or not path.is_file():
        raise Http404("No base map archive is configured.")
    stat = path.stat()
    etag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
    headers = {
        "Accept-Ranges": "bytes",
        "ETag": etag,
        "Last-Modified": http_date(stat.st_mtime),
        "Cache-Control": CACHE_CONTROL,
    }
    header = request.headers.get("Range")
    if not header:
        response = FileResponse(path.open("rb"), content_type=CONTENT_TYPE)
        for name, value in headers.items():
            response[name] = value
        return response
    byte_range = _byte_range(header, stat.st_size)
    if byte_range is None:
        return HttpResponse(status=416, headers={**headers, "Content-Range": f"bytes */{stat.st_size}"})
    first, last = byte_range
    with path.open("rb") as handle:
        handle.seek(first)
        body = handle.read(last - first + 1)
    return HttpResponse(
        body,
        status=206,
        content_type=CONTENT_TYPE,
        headers={**headers, "Content-Range": f"bytes {first}-{last}/{stat.st_size}"},
    )
