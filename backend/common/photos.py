"""Validate uploaded photos and re-encode them without metadata (alert photos and station evidence).

Neighbors' phones embed the GPS position of their home in EXIF, so every photo is decoded and
re-encoded from its pixels alone: nothing from the original file survives except the image.
This module is plain Python and Pillow (and lazy translations), so it is tested without a database.
"""

import contextlib
import io
import warnings
from dataclasses import dataclass
from typing import BinaryIO

from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTO_PIXELS = 40_000_000
# Decoding costs about 4 bytes of memory and a few ns of CPU per pixel: one request may ask for this many in all.
MAX_REQUEST_PIXELS = 50_000_000
ALLOWED_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})
THUMBNAIL_SIZE = (320, 320)
JPEG_QUALITY = 85
WEBP_QUALITY = 85
THUMBNAIL_QUALITY = 80
# Transparent pixels of a thumbnail (always JPEG) are flattened onto white.
THUMBNAIL_BACKGROUND = (255, 255, 255)

CODE_TOO_LARGE = "too_large"
CODE_NOT_AN_IMAGE = "not_an_image"
CODE_UNSUPPORTED_FORMAT = "unsupported_format"
CODE_TOO_MANY_PIXELS = "too_many_pixels"
CODE_CORRUPT = "corrupt"

ERROR_TOO_LARGE = gettext_lazy("The photo is too large; the limit is 10 MB.")
ERROR_NOT_AN_IMAGE = gettext_lazy("The file is not an image.")
ERROR_UNSUPPORTED_FORMAT = gettext_lazy("Only JPEG, PNG and WebP photos are accepted.")
ERROR_TOO_MANY_PIXELS = gettext_lazy("The photo has too many pixels; the limit is 40 megapixels.")
ERROR_CORRUPT = gettext_lazy("The photo is damaged or incomplete.")
ERROR_REQUEST_PIXELS = gettext_lazy(
    "These photos have too many pixels together; the limit is 50 megapixels per request."
)
CODE_REQUEST_PIXELS = "request_too_many_pixels"

CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


class PhotoRejected(ValueError):
    """A photo that failed validation; ``message`` is safe to show to the uploader."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class SanitizedPhoto:
    """A re-encoded photo and its JPEG thumbnail, both free of any metadata."""

    content: bytes
    thumbnail: bytes
    content_type: str
    extension: str
    width: int
    height: int


@dataclass(frozen=True)
class InspectedPhoto:
    """An upload whose size, format and declared pixel count passed, read but not yet decoded."""

    raw: bytes
    image_format: str
    width: int
    height: int

    @property
    def pixels(self) -> int:
        return self.width * self.height


def inspect_photo(
    data: bytes | bytearray | memoryview | BinaryIO,
    *,
    max_bytes: int = MAX_PHOTO_BYTES,
    max_pixels: int = MAX_PHOTO_PIXELS,
) -> InspectedPhoto:
    """The cheap checks, from the file's size and header alone: nothing is decompressed."""
    raw = _read_bounded(data, max_bytes)
    image_format, width, height = _check_header(raw, max_pixels)
    return InspectedPhoto(raw=raw, image_format=image_format, width=width, height=height)


def sanitize_photo(
    data: "bytes | bytearray | memoryview | BinaryIO | InspectedPhoto",
    *,
    max_bytes: int = MAX_PHOTO_BYTES,
    max_pixels: int = MAX_PHOTO_PIXELS,
) -> SanitizedPhoto:
    """Check size, format and pixel count, then re-encode the pixels alone and make a thumbnail.

    Raises ``PhotoRejected`` with one of the ``CODE_*`` codes and ``ERROR_*`` messages.
    """
    inspected = (
        data if isinstance(data, InspectedPhoto) else inspect_photo(data, max_bytes=max_bytes, max_pixels=max_pixels)
    )
    image_format = inspected.image_format
    image = _decode(inspected.raw)
    # A malformed EXIF block only costs us the rotation, not the photo.
    with contextlib.suppress(Exception):
        image = ImageOps.exif_transpose(image)
    clean = _pixels_only(image, image_format)
    return SanitizedPhoto(
        content=_encode(clean, image_format),
        thumbnail=_thumbnail(clean),
        content_type=CONTENT_TYPES[image_format],
        extension=EXTENSIONS[image_format],
        width=clean.width,
        height=clean.height,
    )


def _read_bounded(data: bytes | bytearray | memoryview | BinaryIO, max_bytes: int) -> bytes:
    if isinstance(data, bytes | bytearray | memoryview):
        raw = bytes(data[: max_bytes + 1])
    else:
        # Uploaded files may already have been read by a form; start from the top.
        if data.seekable():
            data.seek(0)
        # Read one byte past the limit so an oversized upload is never held in memory whole.
        raw = data.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise PhotoRejected(ERROR_TOO_LARGE, code=CODE_TOO_LARGE)
    if not raw:
        raise PhotoRejected(ERROR_NOT_AN_IMAGE, code=CODE_NOT_AN_IMAGE)
    return raw


def _open(raw: bytes) -> Image.Image:
    """Parse the header only; Pillow's own bomb warning counts as a rejection, not a log line."""
    try:
        # catch_warnings is process-global; a race can only lose the escalation, never our own check.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return Image.open(io.BytesIO(raw))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise PhotoRejected(ERROR_TOO_MANY_PIXELS, code=CODE_TOO_MANY_PIXELS) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise PhotoRejected(ERROR_NOT_AN_IMAGE, code=CODE_NOT_AN_IMAGE) from error


def _check_header(raw: bytes, max_pixels: int) -> tuple[str, int, int]:
    with _open(raw) as image:
        image_format = image.format or ""
        width, height = image.size
    if image_format not in ALLOWED_FORMATS:
        raise PhotoRejected(ERROR_UNSUPPORTED_FORMAT, code=CODE_UNSUPPORTED_FORMAT)
    # Checked on the declared size, before a single pixel is decompressed.
    if width <= 0 or height <= 0:
        raise PhotoRejected(ERROR_CORRUPT, code=CODE_CORRUPT)
    if width * height > max_pixels:
        raise PhotoRejected(ERROR_TOO_MANY_PIXELS, code=CODE_TOO_MANY_PIXELS)
    return image_format, width, height


def _decode(raw: bytes) -> Image.Image:
    """Verify the file structure, then decode every pixel so truncated files fail here."""
    try:
        with _open(raw) as image:
            image.verify()
        # verify() leaves the image unusable, so decoding needs a fresh parse.
        image = _open(raw)
        image.load()
    except PhotoRejected:
        raise
    except Exception as error:
        # Hostile files make decoders raise all sorts (OSError, SyntaxError, struct.error, ...).
        raise PhotoRejected(ERROR_CORRUPT, code=CODE_CORRUPT) from error
    return image


def _has_alpha(image: Image.Image) -> bool:
    # "transparency" covers palette alpha and the single transparent colour of L and RGB PNGs.
    return image.mode in ("RGBA", "RGBa", "LA", "La", "PA") or "transparency" in image.info


def _pixels_only(image: Image.Image, image_format: str) -> Image.Image:
    """Copy the pixels into a brand-new image, so no EXIF, ICC, XMP or text chunk can follow."""
    if image_format == "JPEG" or not _has_alpha(image):
        mode = "RGB"
    else:
        mode = "RGBA"
    converted = image if image.mode == mode else image.convert(mode)
    clean = Image.new(mode, converted.size)
    clean.paste(converted)
    return clean


def _encode(image: Image.Image, image_format: str) -> bytes:
    buffer = io.BytesIO()
    if image_format == "JPEG":
        image.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    elif image_format == "PNG":
        image.save(buffer, format="PNG", optimize=True)
    else:
        image.save(buffer, format="WEBP", quality=WEBP_QUALITY)
    return buffer.getvalue()


def _thumbnail(image: Image.Image) -> bytes:
    thumbnail = image.copy()
    thumbnail.thumbnail(THUMBNAIL_SIZE, Image.Resampling.LANCZOS)
    if thumbnail.mode == "RGBA":
        flattened = Image.new("RGB", thumbnail.size, THUMBNAIL_BACKGROUND)
        flattened.paste(thumbnail, mask=thumbnail.getchannel("A"))
        thumbnail = flattened
    buffer = io.BytesIO()
    thumbnail.save(buffer, format="JPEG", quality=THUMBNAIL_QUALITY, optimize=True)
    return buffer.getvalue()
