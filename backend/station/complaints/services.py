"""Writes for complaints: filing (all or nothing, idempotent), the officer's review steps, the complainant's reply.

Side effects run after commit: the status email, and the sync that makes the complaint a formal report in
analytics. Station may not import analytics, so that task is sent by name (``FORMAL_REPORT_SYNC_TASK``);
a periodic sync in analytics catches anything a lost message missed.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field

from django.contrib.gis.geos import Point
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy, gettext_noop

from backend.accounts.scope import staff_scope
from backend.common.errors import Conflict, DomainError, Forbidden, NotFound, Unprocessable
from backend.common.photos import SanitizedPhoto
from backend.geo.models import Precinct
from backend.geo.selectors import OutsideJurisdiction, precinct_for_point

from ..documents.services import Fact, document_issue
from ..fields import Field, display_value
from ..identity.checks import identity_verified_require
from ..models import Complaint, ComplaintStatus, ComplaintStatusChange, DocumentKind
from ..notifications.tasks import complaint_status_email
from .catalogue import COMPLAINT_TYPES
from .evidence import evidence_store, stored_files_delete

FORMAL_REPORT_SYNC_TASK = "backend.analytics.tasks.online_complaint_sync"
ERROR_ALREADY_REPORTED = gettext_lazy(
    "A fact is reported only once. You already reported it, so we cannot take it here; "
    "ask the police unit or the Fiscalía where you reported it."
)
ERROR_OUTSIDE = gettext_lazy("This place is outside every precinct we serve.")
ERROR_UNKNOWN_COMUNA = gettext_lazy("Unknown comuna.")
ERROR_SUBMISSION_REUSED = gettext_lazy(
    "This form was already sent with other answers. Reload the form to file a new complaint."
)
ERROR_ILLEGAL_STEP = gettext_lazy("A complaint that is '{current}' cannot become '{target}'.")
ERROR_NOTE_REQUIRED = gettext_lazy("Write the reason; the complainant will read it.")
ERROR_OUT_OF_SCOPE = gettext_lazy("This complaint belongs to a precinct outside yours.")
ERROR_NOT_WAITING = gettext_lazy("This complaint is not waiting for more information.")

S = ComplaintStatus
ACTIONS: dict[str, str] = {
    "start_review": S.UNDER_REVIEW,
    "request_information": S.INFORMATION_REQUESTED,
    "accept": S.ACCEPTED,
    "reject": S.REJECTED,
    "forward": S.FORWARDED,
}
# The review. The complainant's reply moves information_requested back to under_review.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.RECEIVED: frozenset({S.UNDER_REVIEW, S.INFORMATION_REQUESTED, S.ACCEPTED, S.REJECTED, S.FORWARDED}),
    S.UNDER_REVIEW: frozenset({S.INFORMATION_REQUESTED, S.ACCEPTED, S.REJECTED, S.FORWARDED}),
    S.INFORMATION_REQUESTED: frozenset({S.UNDER_REVIEW, S.REJECTED}),
    S.ACCEPTED: frozenset({S.FORWARDED}),
    S.FORWARDED: frozenset(),
    S.REJECTED: frozenset(),
}
NOTE_REQUIRED = frozenset({S.INFORMATION_REQUESTED, S.REJECTED})
OPEN_STATUSES = frozenset({S.RECEIVED, S.UNDER_REVIEW, S.INFORMATION_REQUESTED, S.ACCEPTED})
_OCCURRED = Field("occurred_at", "When it happened", kind="datetime")
_MONEY = Field("value", "Value", kind="money")


class AlreadyReported(Unprocessable):
    code = "already_reported"


class IllegalStep(Conflict):
    code = "illegal_transition"


@dataclass(frozen=True)
class ComplaintInput:
    offense: str
    occurred_at: object
    narrative: str
    reported_elsewhere: bool
    submission_key: uuid.UUID
    lat: float | None = None
    lon: float | None = None
    address: str = ""
    comuna: str = ""
    items: list[dict] = field(default_factory=list)
    details: dict = field(default_factory=dict)
    contact_email: str = ""
    evidence: list[SanitizedPhoto] = field(default_factory=list)

    def fingerprint(self) -> str:
        body = {
            "offense": self.offense,
            "occurred_at": self.occurred_at.isoformat(),
            "narrative": self.narrative,
            "lat": self.lat,
            "lon": self.lon,
            "address": self.address,
            "comuna": self.comuna,
            "items": self.items,
            "details": {key: str(value) for key, value in self.details.items()},
            "evidence": [hashlib.sha256(photo.content).hexdigest() for photo in self.evidence],
        }
        return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


@dataclass(frozen=True)
class ComplaintFiling:
    complaint: Complaint
    is_new: bool


def formal_report_sync_enqueue(*, folio: str) -> None:
    from celery import current_app

    current_app.signature(FORMAL_REPORT_SYNC_TASK, args=(folio,)).delay()


def _after_change(change: ComplaintStatusChange, folio: str) -> None:
    transaction.on_commit(lambda: complaint_status_email.delay(change.id))
    transaction.on_commit(lambda: formal_report_sync_enqueue(folio=folio))


def _place(data: ComplaintInput) -> tuple[Point | None, Precinct, bool, bool]:
    if data.lat is not None:
        try:
            match = precinct_for_point(lat=data.lat, lon=data.lon)
        except OutsideJurisdiction as error:
            raise OutsideJurisdiction(ERROR_OUTSIDE, field="location") from error
        precinct = Precinct.objects.get(id=match.precinct_id)
        return Point(data.lon, data.lat, srid=4326), precinct, match.is_overlap, match.is_gap
    precinct = Precinct.objects.filter(code=data.comuna).first()
    if precinct is None:
        raise DomainError(ERROR_UNKNOWN_COMUNA, field="comuna")
    return None, precinct, False, False


def _facts(data: ComplaintInput, precinct: Precinct, location: Point | None) -> tuple[list[Fact], list[Fact]]:
    complaint_type = COMPLAINT_TYPES[data.offense]
    occurred = display_value(_OCCURRED, data.occurred_at)[0]
    place = data.address or (f"{location.y:.5f}, {location.x:.5f}" if location else "")
    facts = [
        Fact(gettext_noop("Offense"), complaint_type.title, translate=True),
        Fact(gettext_noop("When it happened"), occurred),
        Fact(gettext_noop("Where"), place),
        Fact(gettext_noop("Comuna"), precinct.name),
        Fact(gettext_noop("What happened"), data.narrative),
    ]
    for spec in complaint_type.fields:
        value, translate = display_value(spec, data.details.get(spec.name))
        if value:
            facts.append(Fact(spec.label, value, translate=translate))
    for item in data.items:
        facts.append(
            Fact(complaint_type.items_label, f"{item['description']}: {display_value(_MONEY, item['value'])[0]}")
        )
    public = [
        Fact(gettext_noop("Offense"), complaint_type.title, translate=True),
        Fact(gettext_noop("Date of the fact"), timezone.localtime(data.occurred_at).strftime("%d-%m-%Y")),
        Fact(gettext_noop("Comuna"), precinct.name),
    ]
    return facts, public


def _replay(*, complainant, data: ComplaintInput) -> Complaint | None:
    original = Complaint.objects.filter(complainant=complainant, submission_key=data.submission_key).first()
    if original is not None and original.request_fingerprint != data.fingerprint():
        raise Conflict(ERROR_SUBMISSION_REUSED, field="submission_key")
    return original


def complaint_file(*, complainant, data: ComplaintInput) -> ComplaintFiling:
    """Validate everything, then take a folio and store the complaint, its evidence and its receipt at once.

    The same ``submission_key`` again (a double click, a back button, a retry) returns the first filing.
    """
    identity_verified_require(complainant)
    original = _replay(complainant=complainant, data=data)
    if original is not None:
        return ComplaintFiling(complaint=original, is_new=False)
    if data.reported_elsewhere:
        raise AlreadyReported(ERROR_ALREADY_REPORTED, field="reported_elsewhere")
    location, precinct, is_overlap, is_gap = _place(data)
    facts, public_facts = _facts(data, precinct, location)
    stored_paths: list[str] = []
    try:
        with transaction.atomic():
            document = document_issue(
                kind=DocumentKind.COMPLAINT_RECEIPT,
                owner=complainant,
                holder_run=complainant.rut,
                holder_name=complainant.get_full_name(),
                title=gettext_noop("Complaint receipt"),
                subtitle=COMPLAINT_TYPES[data.offense].title,
                facts=facts,
                public_facts=public_facts,
                language=translation.get_language() or "es-cl",
            )
            complaint = Complaint.objects.create(
                document=document,
                folio=document.folio,
                complainant=complainant,
                offense=data.offense,
                occurred_at=data.occurred_at,
                location=location,
                address=data.address,
                precinct=precinct,
                is_overlap=is_overlap,
                is_gap=is_gap,
                narrative=data.narrative,
                items=data.items,
                total_value=sum(item["value"] for item in data.items),
                details={key: str(value) for key, value in data.details.items() if value not in (None, "")},
                contact_email=data.contact_email or complainant.email,
                submission_key=data.submission_key,
                request_fingerprint=data.fingerprint(),
            )
            for photo in data.evidence:
                evidence_store(complaint=complaint, photo=photo, stored_paths=stored_paths)
            change = ComplaintStatusChange.objects.create(complaint=complaint, status=S.RECEIVED)
            _after_change(change, complaint.folio)
    except IntegrityError:
        stored_files_delete(stored_paths)
        # The same key committed by a concurrent request: that filing is the answer.
        original = _replay(complainant=complainant, data=data)
        if original is None:
            raise
        return ComplaintFiling(complaint=original, is_new=False)
    except BaseException:
        stored_files_delete(stored_paths)
        raise
    return ComplaintFiling(complaint=complaint, is_new=True)


@transaction.atomic
def complaint_review(*, officer, folio: str, action: str, note: str = "") -> Complaint:
    """An officer's step on a complaint of their precincts: review, ask for more, accept, reject or forward."""
    target = ACTIONS[action]
    complaint = Complaint.objects.select_for_update().filter(folio=folio).first()
    if complaint is None:
        raise NotFound("No such complaint.")
    if not staff_scope(officer).covers(precinct_id=complaint.precinct_id):
        raise Forbidden(ERROR_OUT_OF_SCOPE)
    if target not in TRANSITIONS[complaint.status]:
        raise IllegalStep(ERROR_ILLEGAL_STEP.format(current=complaint.status, target=target), field="action")
    note = note.strip()
    if target in NOTE_REQUIRED and not note:
        raise DomainError(ERROR_NOTE_REQUIRED, field="note")
    complaint.status = target
    complaint.status_note = note
    complaint.save(update_fields=["status", "status_note", "updated_at"])
    change = ComplaintStatusChange.objects.create(complaint=complaint, status=target, note=note, actor=officer)
    _after_change(change, complaint.folio)
    return complaint


@transaction.atomic
def complaint_reply(*, complainant, folio: str, information: str) -> Complaint:
    """The complainant answers a request for more information; the complaint goes back to review."""
    complaint = Complaint.objects.select_for_update().filter(folio=folio, complainant=complainant).first()
    if complaint is None:
        raise NotFound("No such complaint.")
    if complaint.status != S.INFORMATION_REQUESTED:
        raise IllegalStep(ERROR_NOT_WAITING)
    complaint.status = S.UNDER_REVIEW
    complaint.status_note = ""
    complaint.save(update_fields=["status", "status_note", "updated_at"])
    change = ComplaintStatusChange.objects.create(
        complaint=complaint, status=S.UNDER_REVIEW, note=information.strip(), actor=complainant
    )
    _after_change(change, complaint.folio)
    return complaint
