"""Reads for documents: verification by typed code or by the QR's token, and the published keys."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_noop

from ..models import DocumentStatus, IssuedDocument
from .codes import InvalidCode, code_format, code_parse
from .keys import KeyRing, keyring_load
from .services import signed_content, signing_keys_directory
from .tokens import TokenCheck, TokenStatus, facts_digest, token_verify_with

MESSAGE_VALID = gettext_noop("This document is valid.")
MESSAGE_REVOKED = gettext_noop("This document was revoked. It no longer certifies anything.")
MESSAGE_EXPIRED = gettext_noop("This document expired. It was valid only until the date shown.")
MESSAGE_NOT_YET_VALID = gettext_noop("This document is not valid yet.")
MESSAGE_UNKNOWN = gettext_noop("We issued no document with this code. Check the code, or the document may be forged.")
MESSAGE_TAMPERED = gettext_noop("This document's signature does not match. It was altered or forged.")
MESSAGE_KEY_WITHDRAWN = gettext_noop("This document was signed with a key we withdrew. It is not valid.")


class VerificationStatus(enum.StrEnum):
    VALID = "valid"
    REVOKED = "revoked"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    UNKNOWN = "unknown"
    MISTYPED = "mistyped"
    TAMPERED = "tampered"
    KEY_WITHDRAWN = "key_withdrawn"


MESSAGES = {
    VerificationStatus.VALID: MESSAGE_VALID,
    VerificationStatus.REVOKED: MESSAGE_REVOKED,
    VerificationStatus.EXPIRED: MESSAGE_EXPIRED,
    VerificationStatus.NOT_YET_VALID: MESSAGE_NOT_YET_VALID,
    VerificationStatus.UNKNOWN: MESSAGE_UNKNOWN,
    VerificationStatus.TAMPERED: MESSAGE_TAMPERED,
    VerificationStatus.KEY_WITHDRAWN: MESSAGE_KEY_WITHDRAWN,
}


@dataclass(frozen=True)
class Verification:
    """The answer of a check: a status, a plain message, and the document only when it is ours."""

    status: VerificationStatus
    message: str
    code: str = ""
    document: IssuedDocument | None = None
    token_check: TokenCheck | None = None

    @property
    def is_valid(self) -> bool:
        return self.status == VerificationStatus.VALID


def keyring_current() -> KeyRing:
    return keyring_load(signing_keys_directory())


def _answer(status: VerificationStatus, *, code: str = "", document=None, token_check=None) -> Verification:
    # A failed check never shows the document: nothing certified is displayed next to a forgery.
    shown = document if status not in (VerificationStatus.TAMPERED, VerificationStatus.KEY_WITHDRAWN) else None
    return Verification(status, MESSAGES[status], code=code, document=shown, token_check=token_check)


def _matches(document: IssuedDocument, check: TokenCheck) -> bool:
    claims = check.claims or {}
    digest = facts_digest(
        signed_content(
            title=document.title,
            subtitle=document.subtitle,
            facts=document.facts,
            public_facts=document.public_facts,
        )
    )
    return (
        claims.get("fol") == document.folio
        and claims.get("cod") == document.code
        and claims.get("typ") == document.kind
        and claims.get("sub") == document.holder_run_masked
        and claims.get("dig") == digest
        and claims.get("nbf") == int(document.valid_from.timestamp())
        and claims.get("exp") == (int(document.valid_until.timestamp()) if document.valid_until else None)
    )


def document_verify(
    *,
    code_text: str,
    token: str | None = None,
    checked: TokenCheck | None = None,
    document: IssuedDocument | None = None,
) -> Verification:
    """Check a typed code (and the QR's token when given): the check symbol first, then one indexed lookup.

    A caller that made either already passes it on, so it is not repeated: ``checked``, its own check of ``token``;
    ``document``, its own read of the document with this code (a service's row with its document joined).
    """
    try:
        code = code_parse(code_text)
    except InvalidCode as error:
        return Verification(VerificationStatus.MISTYPED, error.message)
    formatted = code_format(code)
    if document is None or document.code != code:
        document = IssuedDocument.objects.filter(code=code).first()
    if document is None:
        return _answer(VerificationStatus.UNKNOWN, code=formatted)
    ring = keyring_current()
    same = checked is not None and token == document.token
    stored = checked if same else token_verify_with(document.token, ring)
    if stored.status == TokenStatus.REVOKED_KEY:
        return _answer(VerificationStatus.KEY_WITHDRAWN, code=formatted, token_check=stored)
    if not stored.is_authentic or not _matches(document, stored):
        return _answer(VerificationStatus.TAMPERED, code=formatted, token_check=stored)
    presented = stored
    if token is not None and token != document.token:
        presented = checked if checked is not None else token_verify_with(token, ring)
        if presented.status == TokenStatus.REVOKED_KEY:
            return _answer(VerificationStatus.KEY_WITHDRAWN, code=formatted, token_check=presented)
        if not presented.is_authentic or not _matches(document, presented):
            return _answer(VerificationStatus.TAMPERED, code=formatted, token_check=presented)
    return _answer(_current_status(document), code=formatted, document=document, token_check=presented)


def _current_status(document: IssuedDocument) -> VerificationStatus:
    now = timezone.now()
    if document.status == DocumentStatus.REVOKED:
        return VerificationStatus.REVOKED
    if document.valid_until is not None and now >= document.valid_until:
        return VerificationStatus.EXPIRED
    if now < document.valid_from:
        return VerificationStatus.NOT_YET_VALID
    return VerificationStatus.VALID


def document_verify_token(
    *, token: str, checked: TokenCheck | None = None, document: IssuedDocument | None = None
) -> Verification:
    """Check a token read from a QR without its code: the signature, then the document's current status.

    ``checked``: the caller's ``token_verify_with`` of this token against the current keyring, if it has one;
    ``document``: as for ``document_verify``.
    """
    check = checked if checked is not None else token_verify_with(token, keyring_current())
    if check.status == TokenStatus.REVOKED_KEY:
        return _answer(VerificationStatus.KEY_WITHDRAWN, token_check=check)
    if not check.is_authentic:
        return _answer(VerificationStatus.TAMPERED, token_check=check)
    return document_verify(code_text=check.claims["cod"], token=token, checked=check, document=document)


def documents_of(*, owner) -> list[IssuedDocument]:
    return list(
        IssuedDocument.objects.filter(owner=owner).select_related("complaint", "constancia").order_by("-created_at")
    )
