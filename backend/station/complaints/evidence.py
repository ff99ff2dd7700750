"""Evidence photos: checked and re-encoded without metadata (the shared sanitiser), then stored."""

import uuid
from collections.abc import Iterable

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from backend.common.errors import DomainError
from backend.common.photos import PhotoRejected, SanitizedPhoto, sanitize_photo

from ..models import ComplaintEvidence

MAX_EVIDENCE_FILES = 5
ERROR_TOO_MANY_FILES = format_lazy(gettext_lazy("Attach at most {count} photos."), count=MAX_EVIDENCE_FILES)
ERROR_EVIDENCE_FILE = gettext_lazy("Photo {index}: {reason}")


class EvidenceInvalid(DomainError):
    code = "invalid_evidence"


def evidence_sanitize(uploads: Iterable) -> list[SanitizedPhoto]:
    """Check every upload before anything is written, so one bad file writes nothing."""
    uploads = list(uploads)
    if len(uploads) > MAX_EVIDENCE_FILES:
        raise EvidenceInvalid(ERROR_TOO_MANY_FILES, field="evidence")
    sanitized = []
    for index, upload in enumerate(uploads, start=1):
        try:
            sanitized.append(sanitize_photo(upload))
        except PhotoRejected as error:
            raise EvidenceInvalid(
                ERROR_EVIDENCE_FILE.format(index=index, reason=error.message),
                field="evidence",
                extra={"reason": error.code},
            ) from error
    return sanitized


def evidence_store(*, complaint, photo: SanitizedPhoto, stored_paths: list[str]) -> ComplaintEvidence:
    """Save under a fresh random name; ``stored_paths`` lets the caller delete files if the write fails."""
    record = ComplaintEvidence(
        complaint=complaint,
        content_type=photo.content_type,
        size=len(photo.content),
        width=photo.width,
        height=photo.height,
    )
    record.file.save(f"{uuid.uuid4().hex}.{photo.extension}", ContentFile(photo.content), save=False)
    stored_paths.append(record.file.name)
    record.save()
    return record


def stored_files_delete(paths: list[str]) -> None:
    for path in paths:
        default_storage.delete(path)
