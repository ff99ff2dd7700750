"""Writes for anonymous tips: sending one, the tipster's mailbox, and the officers' triage, place, messages, forward.

Nothing here receives a person: a tip is sent by nobody, and the tipster is known only by the receipt code they
hold. Times are days (``timezone.localdate``). The throttles count per ``client_key`` (privacy.py), never per
address. Forwarding to dispatch sends ``TIP_ALERT_TASK`` by name after commit (station may not import alerts);
the tip's ``alert_key`` is that alert's idempotency key, so a retried task finds the alert it already made.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.gis.geos import Point
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy

from backend.common.errors import Conflict, DomainError, Forbidden
from backend.common.photos import SanitizedPhoto
from backend.common.ratelimit import Limit, rate_limit_consume
from backend.geo.models import Precinct
from backend.geo.selectors import OutsideJurisdiction, precinct_for_point

from ..models import Tip, TipAction, TipAuthor, TipMessage, TipMessageKind, TipStatus
from .attachments import attachment_store, stored_files_delete
from .catalogue import TIP_CATEGORIES
from .privacy import submission_digest
from .receipts import receipt_digest, receipt_new
from .selectors import ERROR_RECEIPT_UNKNOWN, ReceiptUnknown, officer_covers, precinct_point, tip_in_scope_locked

TIP_ALERT_TASK = "alerts.alert_from_tip"
DAY_SECONDS = 86_400
REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
REFERENCE_SYMBOLS = 8

ERROR_UNKNOWN_CATEGORY = gettext_lazy("Choose one of the categories offered.")
ERROR_OUTSIDE = gettext_lazy("This place is outside every precinct we serve.")
ERROR_UNKNOWN_COMUNA = gettext_lazy("Unknown comuna.")
ERROR_ALREADY_SENT = gettext_lazy("This form was already sent with other answers. Reload the page to send a new tip.")
ERROR_SUBMISSION_REUSED = gettext_lazy(
    "This submission key was already used for a tip with other content. Send a new tip with a new key."
)
MESSAGE_ALREADY_RECEIVED = gettext_lazy(
    "We already received this tip. Its receipt code was shown only in the first answer: we do not keep it, so we "
    "cannot show it again."
)
ERROR_TIP_CLOSED = gettext_lazy("This tip is closed and takes no more messages.")
ERROR_ALREADY_FORWARDED = gettext_lazy("This tip was already forwarded to dispatch.")
ERROR_NO_PLACE = gettext_lazy(
    "This tip says no place, so dispatch cannot route it. Set its place first, or ask the tipster where it is."
)
ERROR_ALREADY_PLACED = gettext_lazy("This tip already has a point on the map; it is not moved.")
ERROR_PLACE_NOT_COVERED = gettext_lazy(
    "This point is in {precinct}, a precinct you do not cover. Ask an officer of that precinct to place the tip."
)
ERROR_STATUS_NOT_SETTABLE = gettext_lazy("An officer sets a tip to 'being looked into' or 'closed' only.")
ERROR_NOTHING_TO_CHANGE = gettext_lazy("Choose a status or an urgency to change.")

S = TipStatus
# Officers set these by hand; a question waits for the tipster, and a forward is its own action.
SETTABLE_STATUSES = frozenset({S.IN_REVIEW, S.CLOSED})
OFFICER_MESSAGE_KINDS = frozenset({TipMessageKind.REPLY, TipMessageKind.QUESTION})

__all__ = ["ERROR_RECEIPT_UNKNOWN", "ReceiptUnknown"]


class AlreadyForwarded(Conflict):
    code = "already_forwarded"


class TipClosed(Conflict):
    code = "tip_closed"


class SubmissionReused(Conflict):
    code = "submission_reused"


class AlreadyPlaced(Conflict):
    code = "already_placed"


class PlaceNotCovered(Forbidden):
    code = "place_not_covered"


@dataclass(frozen=True)
class TipInput:
    category: str
    text: str
    lat: float | None = None
    lon: float | None = None
    comuna: str = ""
    address: str = ""
    urgency: str = ""
    attachments: list[SanitizedPhoto] = field(default_factory=list)

    def fingerprint(self) -> str:
        body = {
            "category": self.category,
            "text": self.text,
            "lat": self.lat,
            "lon": self.lon,
            "comuna": self.comuna,
            "address": self.address,
            "urgency": self.urgency,
            "attachments": [hashlib.sha256(photo.content).hexdigest() for photo in self.attachments],
        }
        return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class TipSubmission:
    """``receipt_code`` is None on a replay by submission key: the code was shown once and is not kept."""

    tip: Tip
    receipt_code: str | None
    is_new: bool


def submission_limits() -> tuple[Limit, ...]:
    return (Limit(count=settings.TIP_SUBMISSIONS_PER_CLIENT_PER_DAY, per_seconds=DAY_SECONDS),)


def mailbox_limits() -> tuple[Limit, ...]:
    return (Limit(count=settings.TIP_MAILBOX_REQUESTS_PER_CLIENT_PER_DAY, per_seconds=DAY_SECONDS),)


def _reference_new() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_SYMBOLS))


def _place(data: TipInput) -> tuple[Point | None, Precinct | None, bool, bool]:
    if data.lat is not None and data.lon is not None:
        try:
            match = precinct_for_point(lat=data.lat, lon=data.lon)
        except OutsideJurisdiction as error:
            raise OutsideJurisdiction(ERROR_OUTSIDE, field="location") from error
        precinct = Precinct.objects.get(id=match.precinct_id)
        return Point(data.lon, data.lat, srid=4326), precinct, match.is_overlap, match.is_gap
    if data.comuna:
        precinct = Precinct.objects.filter(code=data.comuna).first()
        if precinct is None:
            raise DomainError(ERROR_UNKNOWN_COMUNA, field="comuna")
        return None, precinct, False, False
    return None, None, False, False


def _replay(*, digest: str, data: TipInput) -> Tip | None:
    original = Tip.objects.filter(receipt_digest=digest).first()
    if original is not None and original.request_fingerprint != data.fingerprint():
        raise Conflict(ERROR_ALREADY_SENT, field="receipt")
    return original


def _submission_replay(*, digest: str | None, data: TipInput) -> Tip | None:
    if digest is None:
        return None
    original = Tip.objects.filter(submission_digest=digest).first()
    if original is not None and original.request_fingerprint != data.fingerprint():
        raise SubmissionReused(ERROR_SUBMISSION_REUSED, field="submission_key")
    return original


def _retried(*, sealed_code: str | None, key_digest: str | None, data: TipInput) -> TipSubmission | None:
    """The tip this request already filed, if it is a retry: by the page's sealed code (which the page holds, so
    it is given back), or by the app's submission key (no code: we do not have it)."""
    if sealed_code is not None and (original := _replay(digest=receipt_digest(sealed_code), data=data)) is not None:
        return TipSubmission(tip=original, receipt_code=sealed_code, is_new=False)
    if (original := _submission_replay(digest=key_digest, data=data)) is not None:
        return TipSubmission(tip=original, receipt_code=None, is_new=False)
    return None


def tip_submit(
    *, data: TipInput, client_key: str, receipt_code: str | None = None, submission_key: uuid.UUID | None = None
) -> TipSubmission:
    """Store a tip and its cleaned photos at once, and hand back its receipt code (kept only as a digest).

    ``receipt_code`` is the code the form page drew (sealed, see receipts.py); sending it again with the same
    answers returns the first tip and that code, which the page holds. Without one a fresh code is drawn.

    ``submission_key`` is an app's UUID for one tip, sent again when a response was lost; only its keyed digest is
    stored (privacy.submission_digest). The same key with the same content returns the first tip, writes nothing
    and counts against no limit; with other content it is refused (409). Such a replay has no receipt code to
    give (``receipt_code`` None): the code is shown once and we keep only its digest, so an app that lost the
    first response has lost the code too, and keeps the code it got, if it got one. The trade-off is deliberate:
    storing the code to show it again would make it recoverable from the database.
    """
    if data.category not in TIP_CATEGORIES:
        raise DomainError(ERROR_UNKNOWN_CATEGORY, field="category")
    code = receipt_code or receipt_new()
    key_digest = submission_digest(submission_key) if submission_key is not None else None
    if (retry := _retried(sealed_code=receipt_code, key_digest=key_digest, data=data)) is not None:
        return retry
    location, precinct, is_overlap, is_gap = _place(data)
    stored_paths: list[str] = []
    try:
        with transaction.atomic():
            rate_limit_consume(key=f"tips:submit:{client_key}", limits=submission_limits())
            tip = Tip.objects.create(
                reference=_reference_new(),
                receipt_digest=receipt_digest(code),
                submission_digest=key_digest,
                request_fingerprint=data.fingerprint(),
                category=data.category,
                text=data.text,
                location=location,
                address=data.address,
                precinct=precinct,
                is_overlap=is_overlap,
                is_gap=is_gap,
                urgency=data.urgency,
                received_on=timezone.localdate(),
            )
            for photo in data.attachments:
                attachment_store(tip=tip, photo=photo, stored_paths=stored_paths)
    except IntegrityError:
        stored_files_delete(stored_paths)
        # The same sealed code or key committed by a concurrent request (a double click, a quick retry): that tip
        # is the answer.
        retry = _retried(sealed_code=receipt_code, key_digest=key_digest, data=data)
        if retry is None:
            raise
        return retry
    except BaseException:
        stored_files_delete(stored_paths)
        raise
    return TipSubmission(tip=tip, receipt_code=code, is_new=True)


def _mailbox_count(client_key: str) -> None:
    # Every try counts, found or not: the work is the same whatever the code, and guessing costs a try each.
    rate_limit_consume(key=f"tips:mailbox:{client_key}", limits=mailbox_limits())


def tip_mailbox_open(*, receipt_code: str, client_key: str) -> Tip:
    """The tip this code opens, with its messages; a wrong code and a code of no tip are the same 404."""
    _mailbox_count(client_key)
    tip = Tip.objects.filter(receipt_digest=receipt_digest(receipt_code)).prefetch_related("messages").first()
    if tip is None:
        raise ReceiptUnknown(ERROR_RECEIPT_UNKNOWN, field="receipt_code")
    return tip


def tip_answer(*, receipt_code: str, client_key: str, body: str) -> Tip:
    """The tipster writes to the officers (answering a question, or adding something)."""
    _mailbox_count(client_key)
    with transaction.atomic():
        tip = Tip.objects.select_for_update().filter(receipt_digest=receipt_digest(receipt_code)).first()
        if tip is None:
            raise ReceiptUnknown(ERROR_RECEIPT_UNKNOWN, field="receipt_code")
        if tip.status == S.CLOSED:
            raise TipClosed(ERROR_TIP_CLOSED, field="body")
        TipMessage.objects.create(
            tip=tip, author=TipAuthor.TIPSTER, kind=TipMessageKind.ANSWER, body=body.strip(),
            sent_on=timezone.localdate(),
        )  # fmt: skip
        if tip.status == S.WAITING_FOR_TIPSTER:
            tip.status = S.IN_REVIEW
            tip.save(update_fields=["status"])
    return tip_mailbox_reload(tip)


def tip_mailbox_reload(tip: Tip) -> Tip:
    return Tip.objects.prefetch_related("messages").get(id=tip.id)


@transaction.atomic
def tip_triage(*, officer, reference: str, status: str = "", urgency: str = "") -> Tip:
    """An officer sets how urgent a tip is and whether it is being looked into or closed."""
    if not status and not urgency:
        raise DomainError(ERROR_NOTHING_TO_CHANGE, field="status")
    if status and status not in SETTABLE_STATUSES:
        raise DomainError(ERROR_STATUS_NOT_SETTABLE, field="status")
    tip = tip_in_scope_locked(officer=officer, reference=reference)
    detail = {}
    if status and status != tip.status:
        detail["status"] = [tip.status, status]
        tip.status = status
    if urgency and urgency != tip.urgency:
        detail["urgency"] = [tip.urgency, urgency]
        tip.urgency = urgency
    if detail:
        tip.save(update_fields=["status", "urgency"])
        TipAction.objects.create(tip=tip, officer=officer, action="triage", detail=detail)
    return tip


@transaction.atomic
def tip_place(*, officer, reference: str, lat: float, lon: float) -> Tip:
    """An officer marks where a tip with no point happens; the point routes it to its precinct, and it can be forwarded.

    The officer must see the tip (one of their precincts', or one with no place, which every officer sees) and the
    point must route to a precinct they cover: placing never moves a tip into or out of another precinct's queue.
    The step is recorded (who, when, the point and the precinct before and after); a forwarded tip is not placed.
    """
    tip = tip_in_scope_locked(officer=officer, reference=reference)
    if tip.alert_key is not None:
        raise AlreadyForwarded(ERROR_ALREADY_FORWARDED)
    if tip.location is not None:
        raise AlreadyPlaced(ERROR_ALREADY_PLACED, field="location")
    try:
        match = precinct_for_point(lat=lat, lon=lon)
    except OutsideJurisdiction as error:
        raise OutsideJurisdiction(ERROR_OUTSIDE, field="location") from error
    if not officer_covers(officer=officer, precinct_id=match.precinct_id):
        raise PlaceNotCovered(ERROR_PLACE_NOT_COVERED.format(precinct=match.name), field="location")
    detail = {"lat": lat, "lon": lon, "precinct": [tip.precinct.code if tip.precinct_id else None, match.code]}
    tip.location = Point(lon, lat, srid=4326)
    tip.precinct_id = match.precinct_id
    tip.is_overlap, tip.is_gap = match.is_overlap, match.is_gap
    tip.save(update_fields=["location", "precinct", "is_overlap", "is_gap"])
    TipAction.objects.create(tip=tip, officer=officer, action="place", detail=detail)
    return tip


@transaction.atomic
def tip_message_send(*, officer, reference: str, kind: str, body: str) -> Tip:
    """An officer replies to the tipster, or asks them a question (the tip then waits for the answer)."""
    tip = tip_in_scope_locked(officer=officer, reference=reference)
    if tip.status == S.CLOSED:
        raise TipClosed(ERROR_TIP_CLOSED, field="body")
    TipMessage.objects.create(
        tip=tip, author=TipAuthor.OFFICER, kind=kind, body=body.strip(), officer=officer, sent_on=timezone.localdate()
    )
    if kind == TipMessageKind.QUESTION and tip.status != S.FORWARDED:
        tip.status = S.WAITING_FOR_TIPSTER
    elif tip.status == S.NEW:
        tip.status = S.IN_REVIEW
    tip.save(update_fields=["status"])
    TipAction.objects.create(tip=tip, officer=officer, action=kind)
    return tip


def alert_from_tip_enqueue(**kwargs) -> None:
    from celery import current_app

    current_app.signature(TIP_ALERT_TASK, kwargs=kwargs).delay()


def _alert_description(tip: Tip, summary: str) -> str:
    # Dispatch reads Spanish first, whoever forwards it.
    with translation.override(settings.LANGUAGE_CODE):
        title = gettext(TIP_CATEGORIES[tip.category].title)
        return f"{gettext('Anonymous tip')} · {title} · {tip.reference}\n\n{summary.strip()}"


@transaction.atomic
def tip_forward(*, officer, reference: str, summary: str) -> Tip:
    """Send a tip to dispatch as an alert routed by its place; what dispatch reads is the officer's summary."""
    tip = tip_in_scope_locked(officer=officer, reference=reference)
    if tip.alert_key is not None:
        raise AlreadyForwarded(ERROR_ALREADY_FORWARDED)
    if tip.precinct_id is None:
        raise DomainError(ERROR_NO_PLACE, field="place")
    if tip.location is not None:
        lat, lon, accuracy = tip.location.y, tip.location.x, 50.0
    else:
        lat, lon, accuracy = precinct_point(precinct_id=tip.precinct_id)
    tip.alert_key = uuid.uuid4()
    tip.status = S.FORWARDED
    tip.save(update_fields=["alert_key", "status"])
    TipAction.objects.create(tip=tip, officer=officer, action="forward", detail={"summary": summary.strip()})
    task_kwargs = {
        "key": str(tip.alert_key),
        "category": TIP_CATEGORIES[tip.category].alert_category,
        "lat": lat,
        "lon": lon,
        "accuracy_meters": accuracy,
        "description": _alert_description(tip, summary),
    }
    transaction.on_commit(lambda: alert_from_tip_enqueue(**task_kwargs))
    return tip
