"""Writes for documents: issue (folio, code, signature) and revoke. The service packages call these."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from backend.common.errors import Conflict, DomainError

from ..models import DocumentStatus, IssuedDocument
from .codes import code_new
from .folios import folio_next
from .keys import ERROR_NO_ACTIVE_KEY, KeyStoreError, keyring_load
from .masking import run_mask
from .tasks import document_pdf_render
from .tokens import facts_digest, token_sign

MAX_REVOCATION_REASON = 500
PDF_REQUEST_RETRY = dt.timedelta(minutes=1)
ERROR_REVOCATION_REASON = gettext_lazy("Write why the document is revoked.")
ERROR_ALREADY_REVOKED = gettext_lazy("This document was already revoked.")


@dataclass(frozen=True)
class Fact:
    """One line of a document: an English msgid label and its value (``translate``: the value is a msgid too)."""

    label: str
    value: str
    translate: bool = False

    def as_dict(self) -> dict:
        return {"label": self.label, "value": self.value, "translate": self.translate}


def signing_keys_directory() -> Path:
    return Path(settings.STATION_SIGNING_KEYS_DIR)


def signed_content(*, title: str, subtitle: str, facts: list[dict], public_facts: list[dict]) -> list[dict]:
    """What the token's digest covers: every line the holder's copy and the public page show."""
    return [{"title": title, "subtitle": subtitle}, *facts, {"public": public_facts}]


def document_prepare(
    *,
    kind: str,
    owner,
    holder_run: str,
    holder_name: str,
    title: str,
    subtitle: str = "",
    facts: list[Fact],
    public_facts: list[Fact],
    language: str,
    valid_from: dt.datetime | None = None,
    valid_until: dt.datetime | None = None,
    folio: str | None = None,
) -> IssuedDocument:
    """The signed document, not yet stored: its folio (the kind's next, unless the caller took ``folio`` inside
    its own write, see folios.folio_sequence), a fresh code and the signature. Call it inside the caller's write,
    after validation.

    A caller that stores the row itself (permits insert it with the permit in one statement) leaves the PDF to
    be rendered when the holder first asks for it (``document_pdf_request``): a permit lives on the phone as its
    QR, and rendering every one (95 to 190 ms of a worker's CPU) would cost more than issuing it.
    """
    ring = keyring_load(signing_keys_directory())
    if ring.signing_key is None:
        raise KeyStoreError(ERROR_NO_ACTIVE_KEY.format(directory=signing_keys_directory()))
    now = timezone.now()
    valid_from = valid_from or now
    fact_rows = [fact.as_dict() for fact in facts]
    public_rows = [fact.as_dict() for fact in public_facts]
    masked = run_mask(holder_run)
    folio = folio or folio_next(kind)
    code = code_new()
    token = token_sign(
        key=ring.signing_key,
        kind=kind,
        folio=folio,
        code=code,
        masked_run=masked,
        issued_at=now,
        valid_from=valid_from,
        valid_until=valid_until,
        digest=facts_digest(signed_content(title=title, subtitle=subtitle, facts=fact_rows, public_facts=public_rows)),
    )
    return IssuedDocument(
        kind=kind,
        folio=folio,
        code=code,
        owner=owner,
        holder_run=holder_run,
        holder_run_masked=masked,
        holder_name=holder_name,
        language=language,
        title=title,
        subtitle=subtitle,
        facts=fact_rows,
        public_facts=public_rows,
        valid_from=valid_from,
        valid_until=valid_until,
        key_id=ring.active_kid,
        token=token,
    )


def document_issue(**document) -> IssuedDocument:
    """Take the kind's next folio, draw a code, sign and store (``document_prepare``'s arguments); call it inside
    the caller's write, after validation.

    The PDF is rendered after commit by a Celery task; the HTML receipt needs nothing more than this row.
    """
    issued = document_prepare(**document)
    issued.save(force_insert=True)
    transaction.on_commit(lambda: pdf_render_enqueue(document_id=issued.id))
    return issued


def pdf_render_enqueue(*, document_id: int) -> None:
    document_pdf_render.delay(document_id)


def document_pdf_request(*, document: IssuedDocument) -> None:
    """The holder asked for a PDF that is not there yet: queue its render, at most once a minute per document.

    Documents stored by their caller (``document_prepare``: permits) get their first render here; for the others
    this re-queues a render that was lost (a broker down at commit time). The holder's page and the API answer 202
    meanwhile.
    """
    now = timezone.now()
    queued = (
        IssuedDocument.objects.filter(id=document.id, pdf="")
        .filter(Q(pdf_requested_at__isnull=True) | Q(pdf_requested_at__lt=now - PDF_REQUEST_RETRY))
        .update(pdf_requested_at=now)
    )
    if queued:
        transaction.on_commit(lambda: pdf_render_enqueue(document_id=document.id))


@transaction.atomic
def document_revoke(*, document_id: int, reason: str, actor) -> IssuedDocument:
    """Revoke a document: from now on it verifies as revoked, online and on the public page."""
    reason = (reason or "").strip()
    if not reason or len(reason) > MAX_REVOCATION_REASON:
        raise DomainError(ERROR_REVOCATION_REASON, field="reason")
    document = IssuedDocument.objects.select_for_update().get(id=document_id)
    if document.status == DocumentStatus.REVOKED:
        raise Conflict(ERROR_ALREADY_REVOKED)
    document.status = DocumentStatus.REVOKED
    document.revoked_at = timezone.now()
    document.revoked_reason = reason
    document.revoked_by = actor
    document.save(update_fields=["status", "revoked_at", "revoked_reason", "revoked_by", "updated_at"])
    return document
