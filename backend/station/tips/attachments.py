"""Tip attachments: photos only, re-encoded from their pixels by the shared sanitiser, then stored anonymously.

Only what we can clean is taken. A photo is decoded and written again from its pixels alone, so no EXIF (the
phone's GPS position and serial number), XMP, ICC profile or comment survives. Other files (PDFs, videos,
documents) hide metadata in too many places to promise that, so they are refused. Stored files get a random
name, and their modification time is set back to midnight of the tip's day: the filesystem keeps no exact time
either (the inode's change time cannot be set; see the README).
"""

import datetime as dt
import os
import uuid
from collections.abc import Iterable

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from backend.common.errors import DomainError
from backend.common.photos import (
    CODE_NOT_AN_IMAGE,
    CODE_UNSUPPORTED_FORMAT,
    PhotoRejected,
    SanitizedPhoto,
    sanitize_photo,
)

from ..models import Tip, TipAttachment

MAX_ATTACHMENTS = 3
ERROR_TOO_MANY_ATTACHMENTS = format_lazy(gettext_lazy("Attach at most {count} photos."), count=MAX_ATTACHMENTS)
ERROR_ATTACHMENT = gettext_lazy("Attachment {index}: {reason}")
ERROR_UNCLEANABLE = gettext_lazy(
    "Only photos (JPEG, PNG or WebP) can be attached: we cannot remove the hidden data of other files."
)
CODE_UNCLEANABLE = "uncleanable"


class AttachmentInvalid(DomainError):
    code = "invalid_attachment"


def attachments_sanitize(uploads: Iterable) -> list[SanitizedPhoto]:
    """Check and clean every upload before anything is written, so one bad file writes nothing."""
    uploads = list(uploads)
    if len(uploads) > MAX_ATTACHMENTS:
        raise AttachmentInvalid(ERROR_TOO_MANY_ATTACHMENTS, field="attachments")
    cleaned = []
    for index, upload in enumerate(uploads, start=1):
        try:
            cleaned.append(sanitize_photo(upload))
        except PhotoRejected as error:
            uncleanable = error.code in (CODE_NOT_AN_IMAGE, CODE_UNSUPPORTED_FORMAT)
            raise AttachmentInvalid(
                ERROR_ATTACHMENT.format(index=index, reason=ERROR_UNCLEANABLE if uncleanable else error.message),
                field="attachments",
                extra={"reason": CODE_UNCLEANABLE if uncleanable else error.code},
            ) from error
    return cleaned


def _midnight(day: dt.date) -> float:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min)).timestamp()


def _times_to_day(name: str, day: dt.date) -> None:
    try:
        path = default_storage.path(name)
    except NotImplementedError:
        return  # object storage keeps its own time (README)
    moment = _midnight(day)
    os.utime(path, (moment, moment))
    os.utime(os.path.dirname(path), (moment, moment))


def attachment_store(*, tip: Tip, photo: SanitizedPhoto, stored_paths: list[str]) -> TipAttachment:
    record = TipAttachment(
        tip=tip, content_type=photo.content_type, size=len(photo.content), width=photo.width, height=photo.height
    )
    record.file.save(f"{uuid.uuid4().hex}.{photo.extension}", ContentFile(photo.content), save=False)
    stored_paths.append(record.file.name)
    _times_to_day(record.file.name, tip.received_on)
    record.save()
    return record


def stored_files_delete(paths: list[str]) -> None:
    for path in paths:
        default_storage.delete(path)
