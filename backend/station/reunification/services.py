"""Writes for family reunification: filing (idempotent), each search step the officer records, and the decision of
the person found. Nothing about the person found reaches the requester unless that decision is a recorded consent,
and then only the details consented to (see selectors.requester_view)."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy

from backend.accounts.scope import staff_scope
from backend.common.errors import Conflict, DomainError, Forbidden, NotFound
from backend.geo.models import Precinct

from ..documents.folios import folio_next
from ..identity.checks import identity_verified_require
from ..models import ReunificationDecision, ReunificationRequest, ReunificationStatus, ReunificationStep

FOLIO_SERIES = "reunification_request"
S = ReunificationStatus
# action → the status it leads to (None: the status stays as it is, or leaves "received" for "searching").
STEP_ACTIONS: dict[str, str | None] = {"step": None, "found": S.FOUND, "not_found": S.NOT_FOUND}
CLOSED_STATUSES = frozenset({S.CONTACT_SHARED, S.CONTACT_REFUSED, S.NOT_FOUND})
OPEN_STATUSES = frozenset({S.RECEIVED, S.SEARCHING, S.FOUND})

ERROR_UNKNOWN_COMUNA = gettext_lazy("Unknown comuna.")
ERROR_SUBMISSION_REUSED = gettext_lazy(
    "This form was already sent with other answers. Reload the form to file a new request."
)
ERROR_NOT_FOUND = gettext_lazy("No reunification request with this folio in your precincts.")
ERROR_OUT_OF_SCOPE = gettext_lazy("This request belongs to a precinct outside yours.")
ERROR_CLOSED = gettext_lazy("This request is closed; nothing more can be recorded on it.")
ERROR_NOTE_REQUIRED = gettext_lazy("Write what was done; it stays in the request's record.")
ERROR_NOT_LOCATED = gettext_lazy("Record that the person was found before recording their decision.")
ERROR_ALREADY_FOUND = gettext_lazy("The person was already found; record their decision.")
ERROR_CONSENT_NOTHING = gettext_lazy(
    "A consent shares something: write at least one detail the person agreed to pass on."
)
ERROR_REFUSAL_SHARES = gettext_lazy("A refusal shares nothing: leave every detail empty.")


class IllegalStep(Conflict):
    code = "illegal_transition"


@dataclass(frozen=True)
class ReunificationInput:
    sought_name: str
    relationship: str
    comuna: str
    how_contact_was_lost: str
    submission_key: uuid.UUID
    sought_run: str = ""
    last_known_place: str = ""
    last_contact_year: int | None = None
    contact_email: str = ""

    def fingerprint(self) -> str:
        body = {key: str(value) for key, value in self.__dict__.items() if key != "submission_key"}
        return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class ReunificationFiling:
    request: ReunificationRequest
    is_new: bool


def _replay(*, requester, data: ReunificationInput) -> ReunificationRequest | None:
    original = ReunificationRequest.objects.filter(requester=requester, submission_key=data.submission_key).first()
    if original is not None and original.request_fingerprint != data.fingerprint():
        raise Conflict(ERROR_SUBMISSION_REUSED, field="submission_key")
    return original


def reunification_request_file(*, requester, data: ReunificationInput) -> ReunificationFiling:
    """File a request, routed to the precinct of the last known comuna; the same submission key files once."""
    identity_verified_require(requester)
    original = _replay(requester=requester, data=data)
    if original is not None:
        return ReunificationFiling(request=original, is_new=False)
    precinct = Precinct.objects.filter(code=data.comuna).first()
    if precinct is None:
        raise DomainError(ERROR_UNKNOWN_COMUNA, field="comuna")
    try:
        with transaction.atomic():
            request = ReunificationRequest.objects.create(
                folio=folio_next(FOLIO_SERIES),
                requester=requester,
                sought_name=data.sought_name,
                sought_run=data.sought_run,
                relationship=data.relationship,
                precinct=precinct,
                last_known_place=data.last_known_place,
                last_contact_year=data.last_contact_year,
                how_contact_was_lost=data.how_contact_was_lost,
                contact_email=data.contact_email,
                submission_key=data.submission_key,
                request_fingerprint=data.fingerprint(),
            )
    except IntegrityError:
        original = _replay(requester=requester, data=data)
        if original is None:
            raise
        return ReunificationFiling(request=original, is_new=False)
    return ReunificationFiling(request=request, is_new=True)


def _locked_in_scope(*, officer, folio: str) -> ReunificationRequest:
    request = ReunificationRequest.objects.select_for_update().filter(folio=folio).first()
    if request is None:
        raise NotFound(ERROR_NOT_FOUND)
    if not staff_scope(officer).covers(precinct_id=request.precinct_id):
        raise Forbidden(ERROR_OUT_OF_SCOPE)
    if request.status in CLOSED_STATUSES:
        raise IllegalStep(ERROR_CLOSED)
    return request


def _move(request: ReunificationRequest, *, status: str, action: str, note: str, officer) -> ReunificationStep:
    request.status = status
    request.save(update_fields=["status", "updated_at"])
    return ReunificationStep.objects.create(request=request, action=action, status=status, note=note, actor=officer)


@transaction.atomic
def reunification_step_record(*, officer, folio: str, action: str, note: str) -> ReunificationStep:
    """A search step (``step``), the person located (``found``) or the search ended (``not_found``); a note each."""
    request = _locked_in_scope(officer=officer, folio=folio)
    note = (note or "").strip()
    if not note:
        raise DomainError(ERROR_NOTE_REQUIRED, field="note")
    target = STEP_ACTIONS[action]
    if target is None:
        target = S.SEARCHING if request.status == S.RECEIVED else request.status
    elif request.status == S.FOUND:
        raise IllegalStep(ERROR_ALREADY_FOUND, field="action")
    return _move(request, status=target, action=action, note=note, officer=officer)


@transaction.atomic
def reunification_decision_record(
    *,
    officer,
    folio: str,
    consents: bool,
    method: str,
    shared_phone: str = "",
    shared_email: str = "",
    shared_place: str = "",
    shared_message: str = "",
    note: str = "",
) -> ReunificationDecision:
    """Record what the person found decided. Consent names exactly what is passed on; a refusal passes on nothing,
    and the requester then reads "closed", the same as a search that found no one."""
    request = _locked_in_scope(officer=officer, folio=folio)
    if request.status != S.FOUND:
        raise IllegalStep(ERROR_NOT_LOCATED)
    shared = {
        "shared_phone": shared_phone.strip(),
        "shared_email": shared_email.strip(),
        "shared_place": shared_place.strip(),
        "shared_message": shared_message.strip(),
    }
    if consents and not any(shared.values()):
        raise DomainError(ERROR_CONSENT_NOTHING, field="shared_message")
    if not consents and any(shared.values()):
        raise DomainError(ERROR_REFUSAL_SHARES, field=next(name for name, value in shared.items() if value))
    decision = ReunificationDecision.objects.create(
        request=request, consents=consents, method=method, recorded_by=officer, **shared
    )
    status = S.CONTACT_SHARED if consents else S.CONTACT_REFUSED
    _move(request, status=status, action="decision", note=(note or "").strip(), officer=officer)
    return decision
