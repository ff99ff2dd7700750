"""Storing sanitised photos through Django's storage API (filesystem, or S3 through django-storages)."""

import uuid
from collections.abc import Iterable

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from backend.common.errors import DomainError
from backend.common.photos import (
    CODE_REQUEST_PIXELS,
    ERROR_REQUEST_PIXELS,
    MAX_REQUEST_PIXELS,
    InspectedPhoto,
    PhotoRejected,
    SanitizedPhoto,
    inspect_photo,
    sanitize_photo,
)

from ..models import AlertPhoto

MAX_PHOTOS_PER_UPLOAD = 5
ERROR_TOO_MANY_PHOTOS = format_lazy(gettext_lazy("At most {count} photos per upload."), count=MAX_PHOTOS_PER_UPLOAD)


class PhotoInvalid(DomainError):
    code = "invalid_photo"


def _rejected(index: int, error: PhotoRejected, field: str) -> "PhotoInvalid":
    return PhotoInvalid(f"Photo {index + 1}: {error.message}", field=field, extra={"reason": error.code})


def photos_inspect(uploads: Iterable, *, field: str = "photos") -> list[InspectedPhoto]:
    """The cheap checks on every upload (count, bytes, header, the request's pixel budget); decodes nothing."""
    uploads = list(uploads)
    if len(uploads) > MAX_PHOTOS_PER_UPLOAD:
        raise PhotoInvalid(ERROR_TOO_MANY_PHOTOS, field=field)
    inspected = []
    for index, upload in enumerate(uploads):
        try:
            inspected.append(inspect_photo(upload))
        except PhotoRejected as error:
            raise _rejected(index, error, field) from error
    if sum(photo.pixels for photo in inspected) > MAX_REQUEST_PIXELS:
        raise PhotoInvalid(ERROR_REQUEST_PIXELS, field=field, extra={"reason": CODE_REQUEST_PIXELS})
    return inspected


def photos_sanitize(photos: list[InspectedPhoto], *, field: str = "photos") -> list[SanitizedPhoto]:
    """Decode and re-encode inspected uploads before anything is written, so one bad photo writes nothing."""
    sanitized = []
    for index, photo in enumerate(photos):
        try:
            sanitized.append(sanitize_photo(photo))
        except PhotoRejected as error:
            raise _rejected(index, error, field) from error
    return sanitized


def photo_store(*, photo: SanitizedPhoto, stored_paths: list[str], **fields) -> AlertPhoto:
    """Save one photo and its thumbnail under fresh random names (never overwriting) and record the row.

    ``stored_paths`` collects what was written so the caller can delete it if the transaction fails.
    """
    name = uuid.uuid4().hex
    record = AlertPhoto(content_type=photo.content_type, width=photo.width, height=photo.height, **fields)
    record.image.save(f"{name}.{photo.extension}", ContentFile(photo.content), save=False)
    stored_paths.append(record.image.name)
    record.thumbnail.save(f"{name}.jpg", ContentFile(photo.thumbnail), save=False)
    stored_paths.append(record.thumbnail.name)
    record.save()
    return record


def stored_files_delete(paths: list[str]) -> None:
    for path in paths:
        default_storage.delete(path)
