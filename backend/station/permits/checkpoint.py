"""Checkpoint verification: the QR's signature (offline, part 1), then the permit's status and the registries now.

An officer's phone can check the signature with the published keys alone; this online step adds what the
signature cannot know: the permit was revoked or flagged by a re-scan, or a registry restricts the holder
today ("valid signature, but the person is now under quarantine"). Every registry query here is audited with
the officer as the one who asked.
"""

from __future__ import annotations

import enum
import functools
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from django.db import connection
from django.utils.translation import gettext_lazy

from backend.geo.models import Precinct

from ..documents.codes import InvalidCode, code_parse
from ..documents.selectors import (
    Verification,
    VerificationStatus,
    document_verify,
    document_verify_token,
    keyring_current,
)
from ..documents.tokens import token_verify_with
from ..models import DocumentKind, IssuedDocument, Permit, PermitStatus, PermitType
from ..registries.adapters import PERSON_REGISTRIES, Restriction
from ..registries.services import registry_check
from .rows import columns, instance, width
from .rules import REGISTRY_NAMES

PROCEDURE_CHECKPOINT = "checkpoint_verify"
SIGNATURE_NOT_CHECKED = "not_checked"


class CheckpointStatus(enum.StrEnum):
    VALID = "valid"
    RESTRICTED = "restricted"
    REVOKED = "revoked"
    FLAGGED = "flagged"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    REGISTRY_UNAVAILABLE = "registry_unavailable"
    NOT_A_PERMIT = "not_a_permit"
    UNKNOWN = "unknown"
    TAMPERED = "tampered"
    KEY_WITHDRAWN = "key_withdrawn"
    MISTYPED = "mistyped"


MESSAGE_VALID = gettext_lazy("Valid signature and valid permit. No registry restricts the holder now.")
MESSAGE_NOT_A_PERMIT = gettext_lazy("This document is genuine, but it is not a safe-conduct permit.")
MESSAGE_EXPIRED = gettext_lazy("Valid signature, but this permit has expired.")
MESSAGE_NOT_YET_VALID = gettext_lazy("Valid signature, but this permit is not valid yet.")
MESSAGE_REVOKED = gettext_lazy("Valid signature, but this permit was revoked: {reason}")
MESSAGE_FLAGGED = gettext_lazy("Valid signature, but this permit is flagged for review: {reason}")
MESSAGE_UNAVAILABLE = gettext_lazy("Valid signature and valid permit, but the {registries} could not be checked now.")
RESTRICTED_MESSAGES = {
    "health_quarantine": gettext_lazy("Valid signature, but the person is now under quarantine."),
    "custody_restriction": gettext_lazy("Valid signature, but a court order now restricts the person's movement."),
    "run_deceased": gettext_lazy("Valid signature, but the civil registry now records this RUN as deceased."),
    "run_unknown": gettext_lazy("Valid signature, but the civil registry does not know this RUN."),
}
STATUS_REASONS = {
    "health_quarantine": gettext_lazy("the health registry now shows the holder in quarantine."),
    "custody_restriction": gettext_lazy("a court order now restricts the holder's movement."),
    "run_deceased": gettext_lazy("the civil registry records the holder's RUN as deceased."),
    "run_unknown": gettext_lazy("the civil registry does not know the holder's RUN."),
    "employer_inactive": gettext_lazy("the tax office shows the employer is no longer active."),
    "employer_unknown": gettext_lazy("the tax office does not know the employer."),
}
_FROM_DOCUMENT = {
    VerificationStatus.UNKNOWN: CheckpointStatus.UNKNOWN,
    VerificationStatus.TAMPERED: CheckpointStatus.TAMPERED,
    VerificationStatus.KEY_WITHDRAWN: CheckpointStatus.KEY_WITHDRAWN,
    VerificationStatus.MISTYPED: CheckpointStatus.MISTYPED,
}


@dataclass(frozen=True)
class CheckpointResult:
    status: CheckpointStatus
    message: str
    signature: str
    verification: Verification
    permit: Permit | None = None
    restrictions: list[Restriction] = field(default_factory=list)
    unavailable: list[str] = field(default_factory=list)


def _revocation_reason(permit: Permit) -> str:
    reason = STATUS_REASONS.get(permit.status_code)
    return str(reason) if reason else permit.document.revoked_reason


def token_from_scan(text: str) -> str:
    """A scanner hands over the QR's whole URL (``…/verificar/CODE/?t=TOKEN``); the token is its ``t``."""
    text = (text or "").strip()
    if "?" in text and "://" in text:
        return parse_qs(urlsplit(text).query).get("t", [""])[0]
    return text


# The scanned permit with its document, type and comuna (its name is shown, its boundary is not read), in one
# statement over unique keys: asked on every scan.
_PERMIT_SQL = """
SELECT {permit}, {document}, {permit_type}, pr.id, pr.code, pr.name
FROM station_issueddocument d
JOIN station_permit p ON p.document_id = d.id
JOIN station_permittype t ON t.id = p.permit_type_id
JOIN geo_precinct pr ON pr.id = p.precinct_id
WHERE d.{where} = %s
"""


@functools.cache
def _permit_sql(where: str) -> str:
    return _PERMIT_SQL.format(permit=columns("p", Permit), document=columns("d", IssuedDocument),
                              permit_type=columns("t", PermitType), where=where)  # fmt: skip


def _permit_where(where: str, value) -> Permit | None:
    with connection.cursor() as cursor:
        cursor.execute(_permit_sql(where), [value])
        row = cursor.fetchone()
    if row is None:
        return None
    permit_end = width(Permit)
    document_end = permit_end + width(IssuedDocument)
    type_end = document_end + width(PermitType)
    permit = instance(Permit, row[:permit_end])
    permit.document = instance(IssuedDocument, row[permit_end:document_end])
    permit.permit_type = instance(PermitType, row[document_end:type_end])
    permit.precinct = Precinct.from_db(connection.alias, ["id", "code", "name"], row[type_end:])
    return permit


def _permit_with_code(code_text) -> Permit | None:
    """The permit whose document has this verification code, or None (a mistyped code, another kind, nothing)."""
    try:
        code = code_parse(code_text if isinstance(code_text, str) else "")
    except InvalidCode:
        return None
    return _permit_where("code", code)


def checkpoint_verify(*, officer, token: str = "", code: str = "") -> CheckpointResult:
    """What the officer at a checkpoint learns from a scanned QR (its token or URL) or a typed code."""
    token = token_from_scan(token)
    # The signature is checked once and the permit read with its document in one query; both are handed on to
    # the document's verification, which would otherwise check the same token twice more and read it again.
    if token:
        check = token_verify_with(token, keyring_current())
        signature = str(check.status)
        permit = _permit_with_code(check.claims["cod"]) if check.is_authentic else None
        verification = document_verify_token(token=token, checked=check, document=permit and permit.document)
    else:
        signature = SIGNATURE_NOT_CHECKED
        permit = _permit_with_code(code)
        verification = document_verify(code_text=code, document=permit and permit.document)
    document = verification.document
    if document is None:
        status = _FROM_DOCUMENT.get(verification.status, CheckpointStatus.UNKNOWN)
        return CheckpointResult(status, verification.message, signature, verification)
    if document.kind != DocumentKind.PERMIT:
        return CheckpointResult(CheckpointStatus.NOT_A_PERMIT, MESSAGE_NOT_A_PERMIT, signature, verification)
    if permit is None or permit.document_id != document.id:
        permit = _permit_where("id", document.id)
    verdict = registry_check(run=permit.run, registries=PERSON_REGISTRIES, procedure=PROCEDURE_CHECKPOINT,
                             asked_by=officer)  # fmt: skip
    restrictions, unavailable = verdict.restrictions, verdict.unavailable

    def result(status: CheckpointStatus, message) -> CheckpointResult:
        return CheckpointResult(status, str(message), signature, verification, permit, restrictions, unavailable)

    if verification.status == VerificationStatus.REVOKED:
        return result(CheckpointStatus.REVOKED, MESSAGE_REVOKED.format(reason=_revocation_reason(permit)))
    if restrictions:
        code_ = restrictions[0].code
        return result(CheckpointStatus.RESTRICTED, RESTRICTED_MESSAGES.get(code_, RESTRICTED_MESSAGES["run_unknown"]))
    if permit.status == PermitStatus.FLAGGED:
        return result(CheckpointStatus.FLAGGED, MESSAGE_FLAGGED.format(reason=_revocation_reason(permit)))
    if verification.status == VerificationStatus.EXPIRED:
        return result(CheckpointStatus.EXPIRED, MESSAGE_EXPIRED)
    if verification.status == VerificationStatus.NOT_YET_VALID:
        return result(CheckpointStatus.NOT_YET_VALID, MESSAGE_NOT_YET_VALID)
    if unavailable:
        names = ", ".join(str(REGISTRY_NAMES[registry]) for registry in unavailable)
        return result(CheckpointStatus.REGISTRY_UNAVAILABLE, MESSAGE_UNAVAILABLE.format(registries=names))
    return result(CheckpointStatus.VALID, MESSAGE_VALID)
