"""Writes for alerts: creation with idempotency, the response timeline, merging and photo approval."""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.gis.geos import Point
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy

from backend.accounts.scope import staff_scope
from backend.common.errors import Conflict, DomainError, Forbidden, NotFound, Unprocessable
from backend.common.photos import InspectedPhoto, SanitizedPhoto
from backend.common.ratelimit import Limit, rate_limit_check, rate_limit_consume
from backend.geo.models import Precinct
from backend.geo.selectors import precinct_for_point

from .. import presenters
from ..models import Alert, AlertPhoto, AlertStatus, AlertStep, Event, ReporterRecord
from ..presenters import AlertRelated, alert_for_views
from .events import EventType, alert_event_record
from .selectors import category_active
from .uploads import photo_store, photos_sanitize, stored_files_delete

IDEMPOTENCY_WINDOW = timedelta(hours=24)
# Abuse control per reporter; idempotent retries and refused alerts are free.
ALERT_RATE_LIMITS = (Limit(count=5, per_seconds=60), Limit(count=30, per_seconds=86_400))
ERROR_UNKNOWN_CATEGORY = gettext_lazy("Unknown or inactive category.")
ERROR_BLOCKED_REPORTER = gettext_lazy("Your account may not send alerts. Contact your precinct.")
ERROR_IDEMPOTENCY_MISMATCH = gettext_lazy("This Idempotency-Key was already used with a different request.")
ERROR_ILLEGAL_TRANSITION = gettext_lazy("An alert that is '{current}' cannot become '{target}'.")
# Outside one's scope an alert does not exist: writes answer as reads do (404), revealing nothing.
ERROR_ALERT_NOT_FOUND = gettext_lazy("No such alert.")
ERROR_MERGE_SELF = gettext_lazy("An alert cannot be merged into itself.")
ERROR_MERGE_AGENCY = gettext_lazy("Only alerts of the same agency can be merged.")
ERROR_MERGE_TARGET_CLOSED = gettext_lazy("The target alert is itself a duplicate.")
ERROR_PHOTO_NOT_FOUND = gettext_lazy("No such photo on this alert.")

S = AlertStatus
CLOSED_STATUSES = frozenset({S.RESOLVED, S.FALSE_ALARM, S.DUPLICATE})
# The response timeline (DESIGN §4). Duplicate is reached only through alert_merge.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.RECEIVED: frozenset({S.ACKNOWLEDGED, S.FALSE_ALARM}),
    S.ACKNOWLEDGED: frozenset({S.CONTACTED, S.UNIT_DISPATCHED, S.RESOLVED, S.FALSE_ALARM}),
    S.CONTACTED: frozenset({S.UNIT_DISPATCHED, S.RESOLVED, S.FALSE_ALARM}),
    S.UNIT_DISPATCHED: frozenset({S.ON_SCENE, S.RESOLVED, S.FALSE_ALARM}),
    S.ON_SCENE: frozenset({S.RESOLVED, S.FALSE_ALARM}),
    S.RESOLVED: frozenset(),
    S.FALSE_ALARM: frozenset(),
    S.DUPLICATE: frozenset(),
}
MERGEABLE_STATUSES = frozenset(set(S) - CLOSED_STATUSES)


class IllegalTransition(Conflict):
    code = "illegal_transition"


class IdempotencyMismatch(Unprocessable):
    code = "idempotency_key_reused"


@dataclass(frozen=True)
class AlertInput:
    category: str
    lat: float
    lon: float
    accuracy_meters: float
    description: str = ""
    # Inspected (size, format, pixel count) but not decoded: decoding waits until the cheap checks pass.
    photos: list[InspectedPhoto] = field(default_factory=list)

    def fingerprint(self) -> str:
        """A digest of the request body, to tell an honest retry from a reused key."""
        body = {
            "category": self.category,
            "lat": round(self.lat, 7),
            "lon": round(self.lon, 7),
            "accuracy_meters": round(self.accuracy_meters, 2),
            "description": self.description,
            "photos": [hashlib.sha256(photo.raw).hexdigest() for photo in self.photos],
        }
        return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class AlertCreation:
    """What ``alert_create`` did: the alert, its full view, and whether this call created it (False: a retry)."""

    alert: Alert
    view: dict
    is_new: bool


def _idempotent_replay(*, reporter, key: str, fingerprint: str) -> Alert | None:
    """The alert this key created within the window, if any; a key older than the window is released."""
    holder = Alert.objects.filter(reporter=reporter, idempotency_key=key).first()
    if holder is None:
        return None
    if holder.created_at < timezone.now() - IDEMPOTENCY_WINDOW:
        Alert.objects.filter(id=holder.id).update(idempotency_key="")
        return None
    if holder.request_fingerprint != fingerprint:
        raise IdempotencyMismatch(ERROR_IDEMPOTENCY_MISMATCH, field="Idempotency-Key")
    return holder


# Locks the reporter's record (creating it on first use) and reads whether they are blocked, in one statement:
# every alert of one reporter then queues here, so the retry check and the limit below cannot race.
_REPORTER_LOCK_SQL = f"""
    INSERT INTO {ReporterRecord._meta.db_table} AS record (user_id, false_alarm_count, is_blocked, blocked_reason)
    VALUES (%s, 0, false, '')
    ON CONFLICT (user_id) DO UPDATE SET user_id = EXCLUDED.user_id
    RETURNING record.is_blocked
"""


def _reporter_lock(reporter) -> None:
    with connection.cursor() as cursor:
        cursor.execute(_REPORTER_LOCK_SQL, [reporter.id])
        if cursor.fetchone()[0]:
            raise Forbidden(ERROR_BLOCKED_REPORTER, extra={"reason": "blocked"})


def _alert_rate_key(reporter) -> str:
    return f"alert:{reporter.id}"


def _early_refusal(*, reporter, idempotency_key: str, fingerprint: str, limits: tuple[Limit, ...]) -> Alert | None:
    """Before decoding photos, the same checks without locks: a refused or retried request decodes nothing."""
    if ReporterRecord.objects.filter(user=reporter, is_blocked=True).exists():
        raise Forbidden(ERROR_BLOCKED_REPORTER, extra={"reason": "blocked"})
    if idempotency_key:
        original = _idempotent_replay(reporter=reporter, key=idempotency_key, fingerprint=fingerprint)
        if original is not None:
            return original
    rate_limit_check(key=_alert_rate_key(reporter), limits=limits)
    return None


def alert_create(
    *, reporter, data: AlertInput, idempotency_key: str = "", limits: tuple[Limit, ...] = ALERT_RATE_LIMITS
) -> AlertCreation:
    """Route and save an alert with its photos, all or nothing.

    A retry with the same Idempotency-Key within 24 h returns the original alert and creates nothing. The
    per-reporter limit counts only alerts that were created: a retry, or an alert refused for any reason
    (outside every jurisdiction, a bad photo), rolls its count back with everything else. ``limits`` replaces the
    neighbor's limits for a reporter that speaks for many people (an Open311 integrator's system user).
    """
    fingerprint = data.fingerprint()
    sanitized: list[SanitizedPhoto] = []
    if data.photos:
        original = _early_refusal(
            reporter=reporter, idempotency_key=idempotency_key, fingerprint=fingerprint, limits=limits
        )
        if original is not None:
            return _retried(original)
        sanitized = photos_sanitize(data.photos)
    stored_paths: list[str] = []
    try:
        with transaction.atomic():
            _reporter_lock(reporter)
            if idempotency_key:
                original = _idempotent_replay(reporter=reporter, key=idempotency_key, fingerprint=fingerprint)
                if original is not None:
                    return _retried(original)
            rate_limit_consume(key=_alert_rate_key(reporter), limits=limits)
            category = category_active(data.category)
            if category is None:
                raise DomainError(ERROR_UNKNOWN_CATEGORY, field="category")
            match = precinct_for_point(lat=data.lat, lon=data.lon)
            alert = Alert(
                reporter=reporter,
                category=category,
                agency=category.agency,
                location=Point(data.lon, data.lat, srid=4326),
                accuracy_meters=data.accuracy_meters,
                description=data.description,
                precinct=Precinct(id=match.precinct_id, code=match.code, name=match.name),
                is_overlap=match.is_overlap,
                is_gap=match.is_gap,
                idempotency_key=idempotency_key,
                request_fingerprint=fingerprint,
            )
            received = _alert_insert(alert, lat=data.lat, lon=data.lon)
            photos = [
                photo_store(photo=photo, stored_paths=stored_paths, alert=alert, uploaded_by=reporter)
                for photo in sanitized
            ]
            # Everything the event shows was just written here: no need to read it back.
            snapshot = (alert, AlertRelated(steps=[received], photos=photos, information=[]))
            event = alert_event_record(event_type=EventType.ALERT_CREATED, alert_id=alert.id, snapshot=snapshot)
    except BaseException:
        stored_files_delete(stored_paths)
        raise
    return AlertCreation(alert=alert, view=event.payload["alert"], is_new=True)


# The alert and its first step in one statement: the button's hottest write, without the ORM's per-save work.
_ALERT_INSERT_SQL = f"""
    WITH alert AS (
        INSERT INTO {Alert._meta.db_table}
            (reporter_id, category_id, agency, location, accuracy_meters, description, precinct_id, is_overlap,
             is_gap, status, merged_into_id, idempotency_key, request_fingerprint, created_at, updated_at)
        VALUES (%(reporter)s, %(category)s, %(agency)s, ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326),
                %(accuracy)s, %(description)s, %(precinct)s, %(is_overlap)s, %(is_gap)s, %(status)s, NULL,
                %(key)s, %(fingerprint)s, %(now)s, %(now)s)
        RETURNING id
    )
    INSERT INTO {AlertStep._meta.db_table} (alert_id, status, actor_id, note, created_at)
    SELECT id, %(status)s, NULL, '', %(now)s FROM alert
    RETURNING alert_id, id
"""


def _alert_insert(alert: Alert, *, lat: float, lon: float) -> AlertStep:
    """Insert ``alert`` (unsaved) and its 'received' step; fills in the alert's id and returns the step."""
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            _ALERT_INSERT_SQL,
            {
                "reporter": alert.reporter_id,
                "category": alert.category_id,
                "agency": alert.agency,
                "lon": lon,
                "lat": lat,
                "accuracy": alert.accuracy_meters,
                "description": alert.description,
                "precinct": alert.precinct_id,
                "is_overlap": alert.is_overlap,
                "is_gap": alert.is_gap,
                "status": S.RECEIVED,
                "key": alert.idempotency_key,
                "fingerprint": alert.request_fingerprint,
                "now": now,
            },
        )
        alert.id, step_id = cursor.fetchone()
    alert.status, alert.created_at, alert.updated_at = S.RECEIVED, now, now
    alert._state.adding, alert._state.db = False, connection.alias
    step = AlertStep(id=step_id, alert=alert, status=S.RECEIVED, note="", created_at=now)
    step._state.adding, step._state.db = False, connection.alias
    return step


def _retried(original: Alert) -> AlertCreation:
    """A retry gets the answer the first request got: the view logged when the alert was created."""
    created = (
        Event.objects.filter(alert_id=original.id, type=EventType.ALERT_CREATED)
        .values_list("payload", flat=True)
        .first()
    )
    if created is not None:
        return AlertCreation(alert=original, view=created["alert"], is_new=False)
    alert = alert_for_views(original.id)  # the log was pruned by hand: show the alert as it is now
    return AlertCreation(alert=alert, view=presenters.alert_full(alert), is_new=False)


def _locked_alert_in_scope(*, alert_id: int, actor) -> Alert:
    alert = Alert.objects.select_for_update().filter(id=alert_id).first()
    if alert is None:
        raise NotFound(ERROR_ALERT_NOT_FOUND)
    if not staff_scope(actor).covers(precinct_id=alert.precinct_id, agency=alert.agency):
        raise NotFound(ERROR_ALERT_NOT_FOUND)
    return alert


@transaction.atomic
def alert_transition(
    *, alert_id: int, actor, status: str, note: str = "", photos: list[SanitizedPhoto] | None = None
) -> AlertStep:
    """Move an alert one step along its timeline.

    The row lock makes concurrent dispatchers queue; the one that finds the status already moved gets 409.
    """
    alert = _locked_alert_in_scope(alert_id=alert_id, actor=actor)
    if status not in TRANSITIONS.get(alert.status, frozenset()):
        raise IllegalTransition(ERROR_ILLEGAL_TRANSITION.format(current=alert.status, target=status), field="status")
    alert.status = status
    alert.save(update_fields=["status", "updated_at"])
    step = AlertStep.objects.create(alert=alert, status=status, actor=actor, note=note)
    stored_paths: list[str] = []
    try:
        for photo in photos or []:
            # On-scene photos from dispatch are official: the community may see them at once.
            photo_store(
                photo=photo, stored_paths=stored_paths, alert=alert, step=step, uploaded_by=actor, is_approved=True
            )
    except BaseException:
        stored_files_delete(stored_paths)
        raise
    if status == S.FALSE_ALARM:
        record, _ = ReporterRecord.objects.get_or_create(user_id=alert.reporter_id)
        ReporterRecord.objects.filter(id=record.id).update(false_alarm_count=F("false_alarm_count") + 1)
    redacted_step = {"status": step.status, "created_at": step.created_at.isoformat()}
    full_step = {
        **redacted_step,
        "note": note,
        "actor": {"id": actor.id, "name": actor.get_full_name() or actor.username},
    }
    alert_event_record(
        event_type=EventType.ALERT_STEP_ADDED,
        alert_id=alert.id,
        extra={"step": full_step},
        community_extra={"step": redacted_step},
    )
    return step


@transaction.atomic
def alert_merge(*, alert_id: int, into_id: int, actor, note: str = "") -> Alert:
    """Close an alert as a duplicate of another of the same agency."""
    if alert_id == into_id:
        raise DomainError(ERROR_MERGE_SELF, field="into")
    # Lock both rows in id order so two opposite merges cannot deadlock.
    locked = {a.id: a for a in Alert.objects.select_for_update().filter(id__in=sorted([alert_id, into_id]))}
    if len(locked) != 2:
        raise NotFound(ERROR_ALERT_NOT_FOUND)
    duplicate, target = locked[alert_id], locked[into_id]
    scope = staff_scope(actor)
    for alert in (duplicate, target):
        if not scope.covers(precinct_id=alert.precinct_id, agency=alert.agency):
            raise NotFound(ERROR_ALERT_NOT_FOUND)
    if duplicate.agency != target.agency:
        raise DomainError(ERROR_MERGE_AGENCY, field="into")
    if target.status == S.DUPLICATE:
        raise IllegalTransition(ERROR_MERGE_TARGET_CLOSED, field="into")
    if duplicate.status not in MERGEABLE_STATUSES:
        raise IllegalTransition(ERROR_ILLEGAL_TRANSITION.format(current=duplicate.status, target=S.DUPLICATE))
    duplicate.status = S.DUPLICATE
    duplicate.merged_into = target
    duplicate.save(update_fields=["status", "merged_into", "updated_at"])
    AlertStep.objects.create(alert=duplicate, status=S.DUPLICATE, actor=actor, note=note)
    alert_event_record(event_type=EventType.ALERT_MERGED, alert_id=duplicate.id, extra={"merged_into": target.id})
    return duplicate


@transaction.atomic
def photo_approve(*, alert_id: int, photo_id: int, actor) -> AlertPhoto:
    """Let the community see a photo; dispatch decides."""
    alert = _locked_alert_in_scope(alert_id=alert_id, actor=actor)
    photo = AlertPhoto.objects.filter(id=photo_id, alert=alert).first()
    if photo is None:
        raise NotFound(ERROR_PHOTO_NOT_FOUND)
    if not photo.is_approved:
        photo.is_approved = True
        photo.save(update_fields=["is_approved"])
        alert_event_record(event_type=EventType.ALERT_PHOTO_APPROVED, alert_id=alert.id, extra={"photo_id": photo.id})
    return photo
