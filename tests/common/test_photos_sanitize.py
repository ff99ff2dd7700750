"""Photo validation and metadata stripping; pure Pillow, no database."""

import io
import random
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageCms
from PIL.PngImagePlugin import PngInfo

from backend.common.photos import (
    CODE_CORRUPT,
    CODE_NOT_AN_IMAGE,
    CODE_TOO_LARGE,
    CODE_TOO_MANY_PIXELS,
    CODE_UNSUPPORTED_FORMAT,
    ERROR_CORRUPT,
    ERROR_NOT_AN_IMAGE,
    ERROR_TOO_LARGE,
    ERROR_TOO_MANY_PIXELS,
    ERROR_UNSUPPORTED_FORMAT,
    MAX_PHOTO_BYTES,
    MAX_PHOTO_PIXELS,
    THUMBNAIL_SIZE,
    PhotoRejected,
    SanitizedPhoto,
    sanitize_photo,
)

FIXTURE_PHOTO = Path(__file__).parent.parent / "fixtures" / "photo_with_gps.jpg"
ORIENTATION_TAG = 0x0112
GPS_IFD_TAG = 0x8825
RED = (220, 30, 30)
SKY_BLUE = (90, 140, 200)
GRASS_GREEN = (60, 120, 40)


def phone_exif(orientation: int = 6) -> Image.Exif:
    exif = Image.Exif()
    exif[ORIENTATION_TAG] = orientation
    exif[0x010F] = "ExamplePhone"
    exif[GPS_IFD_TAG] = {1: "S", 2: (33.0, 29.0, 49.2), 3: "W", 4: (70.0, 39.0, 5.4)}
    return exif


def encode(image: Image.Image, image_format: str, **params) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, **params)
    return buffer.getvalue()


def noise(size: tuple[int, int], mode: str = "RGB") -> Image.Image:
    # Random pixels compress badly, so cutting the file loses real image data.
    channels = len(mode)
    return Image.frombytes(mode, size, random.Random(7).randbytes(size[0] * size[1] * channels))


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares a huge canvas but carries almost no data: the classic bomb shape."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
    )


def close_to(pixel: tuple[int, ...], colour: tuple[int, int, int], tolerance: int = 12) -> bool:
    # JPEG is lossy, so colours come back near, not equal.
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True))


def reopen(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def assert_no_metadata(data: bytes) -> None:
    image = reopen(data)
    assert len(image.getexif()) == 0
    assert image.getexif().get_ifd(GPS_IFD_TAG) == {}
    assert "exif" not in image.info
    assert "icc_profile" not in image.info
    assert "xmp" not in image.info
    assert b"Exif" not in data
    assert b"ExamplePhone" not in data


def rejection(data, **limits) -> PhotoRejected:
    with pytest.raises(PhotoRejected) as caught:
        sanitize_photo(data, **limits)
    return caught.value


def test_jpeg_loses_gps_exif_and_is_turned_upright():
    # Given a phone JPEG stored landscape with Orientation 6 and a GPS position
    original = encode(Image.new("RGB", (400, 200), (90, 140, 200)), "JPEG", exif=phone_exif())
    assert reopen(original).getexif().get_ifd(GPS_IFD_TAG)[1] == "S"
    assert b"Exif" in original

    # When it is sanitised
    photo = sanitize_photo(original)

    # Then it is an upright JPEG with no EXIF at all
    assert isinstance(photo, SanitizedPhoto)
    assert (photo.width, photo.height) == (200, 400)
    assert (photo.content_type, photo.extension) == ("image/jpeg", "jpg")
    assert reopen(photo.content).size == (200, 400)
    assert reopen(photo.content).format == "JPEG"
    assert_no_metadata(photo.content)
    assert_no_metadata(photo.thumbnail)


def test_fixture_photo_from_a_file_loses_gps_and_rotation_moves_the_corner():
    # Given the shipped fixture, read as an open file like an upload
    with FIXTURE_PHOTO.open("rb") as upload:
        stored = Image.open(upload)
        assert stored.size == (240, 160)
        assert stored.getexif().get_ifd(GPS_IFD_TAG)[2] == (33.0, 29.0, 49.2)
        upload.seek(0)

        photo = sanitize_photo(upload)

    # Then the GPS is gone, the stored top-left red block is now top-right
    assert_no_metadata(photo.content)
    upright = reopen(photo.content)
    assert upright.size == (160, 240)
    assert close_to(upright.getpixel((150, 10)), RED)
    assert close_to(upright.getpixel((80, 120)), SKY_BLUE)
    # and the stored green bottom band is now the left edge.
    assert close_to(upright.getpixel((10, 200)), GRASS_GREEN)


def test_rgba_png_stays_rgba_png_without_text_or_exif():
    # Given a PNG with transparency, a text chunk, an ICC profile and EXIF
    image = Image.new("RGBA", (64, 48), (255, 0, 0, 255))
    image.putpixel((0, 0), (0, 0, 0, 0))
    text = PngInfo()
    text.add_text("Comment", "home of ExamplePhone owner")
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    original = encode(image, "PNG", pnginfo=text, exif=phone_exif(orientation=1), icc_profile=icc)
    assert "icc_profile" in reopen(original).info

    photo = sanitize_photo(original)

    result = reopen(photo.content)
    assert (photo.content_type, photo.extension) == ("image/png", "png")
    assert (result.format, result.mode, result.size) == ("PNG", "RGBA", (64, 48))
    assert result.getpixel((0, 0)) == (0, 0, 0, 0)
    assert result.getpixel((1, 0)) == (255, 0, 0, 255)
    assert "Comment" not in result.info
    assert_no_metadata(photo.content)


def test_palette_png_with_transparency_becomes_rgba():
    image = Image.new("P", (10, 10), 1)
    image.putpalette([0, 0, 0, 0, 128, 255] + [0] * 762)
    original = encode(image, "PNG", transparency=0)

    photo = sanitize_photo(original)

    assert reopen(photo.content).mode == "RGBA"
    assert reopen(photo.content).getpixel((5, 5)) == (0, 128, 255, 255)


def test_webp_stays_webp_without_exif():
    original = encode(Image.new("RGB", (300, 100), (20, 200, 20)), "WEBP", exif=phone_exif(orientation=1))
    assert b"Exif" in original or b"EXIF" in original

    photo = sanitize_photo(original)

    assert (photo.content_type, photo.extension, photo.width, photo.height) == ("image/webp", "webp", 300, 100)
    assert reopen(photo.content).format == "WEBP"
    assert b"EXIF" not in photo.content
    assert_no_metadata(photo.content)


def test_cmyk_jpeg_is_re_encoded_as_rgb():
    original = encode(Image.new("CMYK", (40, 30), (0, 255, 255, 0)), "JPEG")

    photo = sanitize_photo(original)

    assert reopen(photo.content).mode == "RGB"
    assert reopen(photo.content).format == "JPEG"


def test_thumbnail_is_a_jpeg_bounded_by_thumbnail_size():
    # Given a large transparent PNG
    original = encode(Image.new("RGBA", (1000, 600), (0, 0, 255, 0)), "PNG")

    photo = sanitize_photo(original)

    thumbnail = reopen(photo.thumbnail)
    assert thumbnail.format == "JPEG"
    assert thumbnail.size == (320, 192)
    assert thumbnail.width <= THUMBNAIL_SIZE[0]
    assert thumbnail.height <= THUMBNAIL_SIZE[1]
    # Transparent pixels are flattened onto white, not black.
    assert all(channel >= 245 for channel in thumbnail.getpixel((10, 10)))


def test_small_photo_thumbnail_is_not_upscaled():
    photo = sanitize_photo(encode(Image.new("RGB", (50, 20)), "JPEG"))

    assert reopen(photo.thumbnail).size == (50, 20)


def test_text_file_is_not_an_image():
    error = rejection(b"Hola, esto no es una foto.\n")

    assert (error.code, error.message) == (CODE_NOT_AN_IMAGE, ERROR_NOT_AN_IMAGE)
    assert str(error) == ERROR_NOT_AN_IMAGE
    assert isinstance(error, ValueError)


def test_empty_upload_is_not_an_image():
    assert rejection(b"").code == CODE_NOT_AN_IMAGE


def test_gif_is_unsupported():
    error = rejection(encode(Image.new("P", (10, 10)), "GIF"))

    assert (error.code, error.message) == (CODE_UNSUPPORTED_FORMAT, ERROR_UNSUPPORTED_FORMAT)


def test_truncated_jpeg_is_corrupt():
    # Given a JPEG cut in half, as an interrupted upload would leave it
    original = encode(noise((256, 256)), "JPEG", quality=90)
    half = original[: len(original) // 2]

    error = rejection(half)

    assert (error.code, error.message) == (CODE_CORRUPT, ERROR_CORRUPT)


def test_truncated_png_is_corrupt():
    original = encode(noise((128, 128)), "PNG")

    error = rejection(original[: len(original) // 2])

    assert (error.code, error.message) == (CODE_CORRUPT, ERROR_CORRUPT)


def test_oversized_bytes_are_refused_before_decoding():
    # Valid JPEG start, then padding: size alone must decide.
    data = encode(Image.new("RGB", (8, 8)), "JPEG").ljust(MAX_PHOTO_BYTES + 1, b"\0")

    error = rejection(data)

    assert (error.code, error.message) == (CODE_TOO_LARGE, ERROR_TOO_LARGE)


def test_oversized_upload_is_read_only_up_to_the_limit():
    class RecordingFile(io.BytesIO):
        def __init__(self, data: bytes) -> None:
            super().__init__(data)
            self.read_sizes: list[int] = []

        def read(self, size: int | None = -1) -> bytes:
            self.read_sizes.append(size)
            return super().read(size)

    upload = RecordingFile(b"\xff" * 5000)

    error = rejection(upload, max_bytes=1000)

    assert error.code == CODE_TOO_LARGE
    assert upload.read_sizes == [1001]


def test_photo_at_exactly_the_byte_limit_passes():
    data = encode(Image.new("RGB", (16, 16)), "PNG")

    assert sanitize_photo(data, max_bytes=len(data)).width == 16
    assert rejection(data, max_bytes=len(data) - 1).code == CODE_TOO_LARGE


def test_decompression_bomb_over_our_pixel_limit_is_refused():
    # Given a real all-black PNG of 10000x5000 = 50 MP: tiny on disk, 50 MP once decoded
    bomb = encode(Image.new("1", (10_000, 5_000)), "PNG")
    assert len(bomb) < 100_000
    assert 10_000 * 5_000 > MAX_PHOTO_PIXELS

    error = rejection(bomb)

    assert (error.code, error.message) == (CODE_TOO_MANY_PIXELS, ERROR_TOO_MANY_PIXELS)


def test_pixel_limit_is_inclusive():
    data = encode(Image.new("RGB", (20, 10)), "PNG")

    assert sanitize_photo(data, max_pixels=200).height == 10
    assert rejection(data, max_pixels=199).code == CODE_TOO_MANY_PIXELS


def test_pillow_bomb_error_is_a_rejection_even_with_a_generous_limit():
    # Given a header declaring 20000x20000 = 400 MP, past Pillow's own hard limit
    pillow_limit = Image.MAX_IMAGE_PIXELS

    error = rejection(png_header_only(20_000, 20_000), max_pixels=10**12)

    assert (error.code, error.message) == (CODE_TOO_MANY_PIXELS, ERROR_TOO_MANY_PIXELS)
    assert Image.MAX_IMAGE_PIXELS == pillow_limit


def test_pillow_bomb_warning_is_a_rejection_too():
    # 100 MP is past Pillow's warning threshold but under its hard error
    assert Image.MAX_IMAGE_PIXELS < 10_000 * 10_000 < 2 * Image.MAX_IMAGE_PIXELS

    error = rejection(png_header_only(10_000, 10_000), max_pixels=10**12)

    assert error.code == CODE_TOO_MANY_PIXELS
