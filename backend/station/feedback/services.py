"""Writes for feedback about officers: filing (validated first, idempotent), and the commander's steps.

Each status change is a history row and, after commit, an email to the filer (``tasks.feedback_status_email``).
A commander acts only on the feedback of their precincts; feedback of other precincts does not exist for them.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass

from django.contrib.gis.geos import Point
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from backend.accounts.scope import staff_scope
from backend.common.errors import Conflict, DomainError, NotFound
from backend.geo.models import Precinct
from backend.geo.selectors import OutsideJurisdiction, precinct_for_point

from ..documents.folios import folio_next
from ..identity.checks import identity_verified_require
from ..models import DocumentKind, FeedbackKind, FeedbackStatus, FeedbackStatusChange, OfficerFeedback
from .tasks import feedback_status_email

ERROR_OUTSIDE = gettext_lazy("This place is outside every precinct we serve.")
ERROR_UNKNOWN_PRECINCT = gettext_lazy("Unknown precinct.")
ERROR_PRECINCT_MISMATCH = gettext_lazy(
    "The place on the map belongs to {precinct}, not to the precinct you chose. Choose one of the two."
)
ERROR_SUBMISSION_REUSED = gettext_lazy("This form was already sent with other answers. Reload the form to file anew.")
ERROR_NOT_FOUND = gettext_lazy("No feedback with this folio in your precincts.")
ERROR_ILLEGAL_STEP = gettext_lazy("Feedback that is '{current}' cannot become '{target}'.")
ERROR_ANSWER_REQUIRED = gettext_lazy("Write the answer; the person who wrote to us will read it.")
ERROR_REASON_REQUIRED = gettext_lazy("Write why it is closed without an answer.")

S = FeedbackStatus
ACTIONS: dict[str, str] = {"start_review": S.UNDER_REVIEW, "answer": S.ANSWERED, "close": S.CLOSED}
TRANSITIONS: dict[str, frozenset[str]] = {
    S.RECEIVED: frozenset({S.UNDER_REVIEW, S.ANSWERED, S.CLOSED}),
    S.UNDER_REVIEW: frozenset({S.ANSWERED, S.CLOSED}),
    S.ANSWERED: frozenset({S.CLOSED}),
    S.CLOSED: frozenset(),
}
OPEN_STATUSES = frozenset({S.RECEIVED, S.UNDER_REVIEW, S.ANSWERED})
FOLIO_KINDS = {FeedbackKind.COMPLAINT: DocumentKind.OFFICER_COMPLAINT,
               FeedbackKind.COMMENDATION: DocumentKind.OFFICER_COMMENDATION}  # fmt: skip


class IllegalStep(Conflict):
    code = "illegal_transition"


@dataclass(frozen=True)
class FeedbackInput:
    kind: str
    occurred_at: object
    narrative: str
    submission_key: uuid.UUID
    precinct: str = ""
    lat: float | None = None
    lon: float | None = None
    officer_name: str = ""
    officer_rank: str = ""
    officer_badge: str = ""
    unit: str = ""
    contact_email: str = ""

    def fingerprint(self) -> str:
        body = {**self.__dict__, "occurred_at": self.occurred_at.isoformat(), "submission_key": None}
        return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


@dataclass(frozen=True)
class FeedbackFiling:
    feedback: OfficerFeedback
    is_new: bool


def _place(data: FeedbackInput) -> tuple[Point | None, Precinct, bool, bool]:
    chosen = None
    if data.precinct:
        chosen = Precinct.objects.filter(code=data.precinct).first()
        if chosen is None:
            raise DomainError(ERROR_UNKNOWN_PRECINCT, field="precinct")
    if data.lat is None:
        return None, chosen, False, False
    try:
        match = precinct_for_point(lat=data.lat, lon=data.lon)
    except OutsideJurisdiction as error:
        raise OutsideJurisdiction(ERROR_OUTSIDE, field="location") from error
    if chosen is not None and chosen.id != match.precinct_id:
        raise DomainError(ERROR_PRECINCT_MISMATCH.format(precinct=match.name), field="precinct")
    precinct = chosen or Precinct.objects.get(id=match.precinct_id)
    return Point(data.lon, data.lat, srid=4326), precinct, match.is_overlap, match.is_gap


def _replay(*, filer, data: FeedbackInput) -> OfficerFeedback | None:
    original = OfficerFeedback.objects.filter(filer=filer, submission_key=data.submission_key).first()
    if original is not None and original.request_fingerprint != data.fingerprint():
        raise Conflict(ERROR_SUBMISSION_REUSED, field="submission_key")
    return original


def _record(feedback: OfficerFeedback, *, status: str, note: str = "", actor=None) -> FeedbackStatusChange:
    change = FeedbackStatusChange.objects.create(feedback=feedback, status=status, note=note, actor=actor)
    transaction.on_commit(lambda: feedback_status_email.delay(change.id))
    return change


def officer_feedback_file(*, filer, data: FeedbackInput) -> FeedbackFiling:
    """Place the feedback in its precinct, then take a folio of its kind and store it with its first step.

    The same ``submission_key`` again returns the first filing and writes nothing."""
    identity_verified_require(filer)
    original = _replay(filer=filer, data=data)
    if original is not None:
        return FeedbackFiling(feedback=original, is_new=False)
    location, precinct, is_overlap, is_gap = _place(data)
    try:
        with transaction.atomic():
            feedback = OfficerFeedback.objects.create(
                folio=folio_next(FOLIO_KINDS[data.kind]),
                filer=filer,
                kind=data.kind,
                precinct=precinct,
                location=location,
                is_overlap=is_overlap,
                is_gap=is_gap,
                occurred_at=data.occurred_at,
                officer_name=data.officer_name.strip(),
                officer_rank=data.officer_rank.strip(),
                officer_badge=data.officer_badge.strip(),
                unit=data.unit.strip(),
                narrative=data.narrative.strip(),
                contact_email=data.contact_email or filer.email,
                language=translation.get_language() or "es-cl",
                submission_key=data.submission_key,
                request_fingerprint=data.fingerprint(),
            )
            _record(feedback, status=S.RECEIVED)
    except IntegrityError:
        # The same key committed by a concurrent request: that filing is the answer.
        original = _replay(filer=filer, data=data)
        if original is None:
            raise
        return FeedbackFiling(feedback=original, is_new=False)
    return FeedbackFiling(feedback=feedback, is_new=True)


@transaction.atomic
def officer_feedback_act(*, commander, folio: str, action: str, note: str = "") -> OfficerFeedback:
    """A commander's step on feedback of their precincts: start the review, answer (the filer reads it), or close."""
    target = ACTIONS[action]
    feedback = OfficerFeedback.objects.select_for_update().filter(folio=folio).first()
    if feedback is None or not staff_scope(commander).covers(precinct_id=feedback.precinct_id):
        raise NotFound(ERROR_NOT_FOUND)
    if target not in TRANSITIONS[feedback.status]:
        raise IllegalStep(ERROR_ILLEGAL_STEP.format(current=feedback.status, target=target), field="action")
    note = note.strip()
    if target == S.ANSWERED and not note:
        raise DomainError(ERROR_ANSWER_REQUIRED, field="note")
    if target == S.CLOSED and feedback.status != S.ANSWERED and not note:
        raise DomainError(ERROR_REASON_REQUIRED, field="note")
    feedback.status = target
    fields = ["status", "updated_at"]
    if target == S.ANSWERED:
        feedback.answer, feedback.answered_at, feedback.answered_by = note, timezone.now(), commander
        fields += ["answer", "answered_at", "answered_by"]
    feedback.save(update_fields=fields)
    _record(feedback, status=target, note=note, actor=commander)
    return feedback
