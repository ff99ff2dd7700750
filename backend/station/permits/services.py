"""Writes for permits: issue (one person, or an employer's workers) after the registry checks, and the re-scan.

Order of a request: idempotent replay, then the configured rules (type, phase, hours, weekday), then the
registries (audited, outside the write so the audit survives a refusal), then one transaction that takes the
quota (an upsert on a unique row: two requests at once cannot both take the last one), the folio, the
signature and the permit row. A refusal raises ``PermitRefused`` before anything is written.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import time
import uuid
from dataclasses import dataclass, field

from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy, gettext_noop

from backend.common.errors import Conflict, DomainError, NotFound
from backend.geo.models import Precinct

from ..documents.folios import folio_format, folio_next, folio_sequence
from ..documents.masking import run_mask
from ..documents.services import Fact, document_prepare
from ..identity.checks import identity_verified_require
from ..models import (
    CollectivePermit,
    DocumentKind,
    IssuedDocument,
    Permit,
    PermitRescan,
    PermitRule,
    PermitStatus,
    PermitType,
    Registry,
    RegistryBatch,
)
from ..registries.adapters import PERSON_REGISTRIES
from ..registries.runs import run_format, run_parse
from ..registries.services import RegistryVerdict, registry_check
from .rows import columns, insert_columns, insert_fields, insert_values, instance, stored, width
from .rules import (
    PERIOD_NAMES,
    REFUSAL_ACTIVITY_MISMATCH,
    REFUSAL_COLLECTIVE_ONLY,
    REFUSAL_NO_PHASE,
    REFUSAL_NOT_COLLECTIVE,
    REFUSAL_NOT_REPRESENTATIVE,
    REFUSAL_PHASE,
    REFUSAL_QUOTA,
    REFUSAL_REGISTRY_UNAVAILABLE,
    REFUSAL_WORKER,
    REGISTRY_NAMES,
    PermitRefused,
    Window,
    quota_period_start,
    window_for,
)

PROCEDURE_ISSUE = "permit_issue"
PROCEDURE_COLLECTIVE = "collective_permit_issue"
PROCEDURE_RESCAN = "permit_rescan"
MAX_WORKERS = 200

ERROR_UNKNOWN_TYPE = gettext_lazy("Unknown permit type.")
ERROR_UNKNOWN_COMUNA = gettext_lazy("Unknown comuna.")
ERROR_DESTINATION = gettext_lazy("Write where you are going.")
ERROR_REASON = gettext_lazy("Write the reason for the permit.")
ERROR_SUBMISSION_REUSED = gettext_lazy("This form was already sent with other answers. Reload it to ask again.")
ERROR_NO_WORKERS = gettext_lazy("Add at least one worker.")
ERROR_TOO_MANY_WORKERS = gettext_lazy("At most {count} workers per request.")
ERROR_WORKER_REPEATED = gettext_lazy("Worker {run} is on the list twice.")
ERROR_WORKER_RUN = gettext_lazy("Worker {line}: {run} is not a valid RUN.")
ERROR_EMPLOYER_RUT = gettext_lazy("The company's RUT is not valid (check digit).")

# After a re-scan: what happens to an active permit whose holder (or employer) the new batch restricts.
RESCAN_ACTIONS = {
    Registry.HEALTH: PermitStatus.REVOKED,
    Registry.CUSTODY: PermitStatus.REVOKED,
    Registry.CIVIL: PermitStatus.REVOKED,
    # A company that stopped trading is a question for the officer at the checkpoint, not a certainty.
    Registry.EMPLOYER: PermitStatus.FLAGGED,
}
RESCAN_REASONS = {
    Registry.HEALTH: gettext_noop("The health registry now shows the holder in quarantine."),
    Registry.CUSTODY: gettext_noop("Gendarmería's registry now shows a court restriction on the holder."),
    Registry.CIVIL: gettext_noop("The civil registry now records the holder's RUN as deceased or unknown."),
    Registry.EMPLOYER: gettext_noop("The tax office now shows the employer inactive or unknown."),
}


@dataclass(frozen=True)
class PermitInput:
    permit_type: str
    comuna: str
    starts_at: dt.datetime
    submission_key: uuid.UUID
    destination: str = ""
    reason: str = ""
    language: str = field(default_factory=lambda: translation.get_language() or "es-cl")

    def fingerprint(self) -> str:
        body = [self.permit_type, self.comuna, self.starts_at.isoformat(), self.destination, self.reason]
        return hashlib.sha256(json.dumps(body).encode()).hexdigest()


@dataclass(frozen=True)
class Worker:
    run: str
    name: str


@dataclass(frozen=True)
class CollectiveInput:
    permit_type: str
    comuna: str
    starts_at: dt.datetime
    employer_rut: str
    employer_name: str
    activity_code: str
    workers: tuple[Worker, ...]
    submission_key: uuid.UUID
    language: str = field(default_factory=lambda: translation.get_language() or "es-cl")

    def fingerprint(self) -> str:
        body = [self.permit_type, self.comuna, self.starts_at.isoformat(), self.employer_rut, self.activity_code,
                [[worker.run, worker.name] for worker in self.workers]]  # fmt: skip
        return hashlib.sha256(json.dumps(body).encode()).hexdigest()


@dataclass(frozen=True)
class PermitIssue:
    permit: Permit
    is_new: bool


@dataclass(frozen=True)
class CollectiveIssue:
    collective: CollectivePermit
    permits: list[Permit]
    is_new: bool


@dataclass(frozen=True)
class _Plan:
    permit_type: PermitType
    precinct: Precinct
    phase: int
    rule: PermitRule
    window: Window


# The configuration a request needs, in one statement: asked on every permit, so plain SQL (the ORM spent more
# compiling its two queries than PostgreSQL spends answering this one). Each join is on a unique key. The last
# join is the idempotency check (the permit this requester's form already issued), asked in the same round trip.
_PLAN_SQL = """
SELECT sent.id, sent.request_fingerprint, p.id, p.code, p.name, cp.phase, {types}, {rules}
FROM (VALUES (1)) AS one (x)
LEFT JOIN geo_precinct p ON p.code = %s
LEFT JOIN station_comunaphase cp ON cp.precinct_id = p.id
LEFT JOIN station_permittype t ON t.code = %s AND t.is_active
LEFT JOIN station_permitrule r ON r.permit_type_id = t.id AND r.phase = cp.phase
LEFT JOIN station_permit sent ON sent.requester_id = %s AND sent.submission_key = %s
"""


@functools.cache
def _plan_sql() -> str:
    return _PLAN_SQL.format(types=columns("t", PermitType), rules=columns("r", PermitRule))


@dataclass(frozen=True)
class _Asked:
    """The plan statement's row: the replay it found (if any), and the configuration to plan with."""

    sent: tuple[int, str] | None
    row: tuple


def _asked(*, type_code: str, comuna: str, requester=None, submission_key=None) -> _Asked:
    with connection.cursor() as cursor:
        cursor.execute(_plan_sql(), [comuna, type_code, getattr(requester, "pk", None), submission_key])
        row = cursor.fetchone()
    return _Asked(sent=(row[0], row[1]) if row[0] is not None else None, row=row[2:])


def _plan(*, type_code: str, comuna: str, starts_at: dt.datetime, collective: bool, now: dt.datetime,
          asked: _Asked | None = None) -> _Plan:  # fmt: skip
    row = (asked or _asked(type_code=type_code, comuna=comuna)).row
    type_count = width(PermitType)
    # The comuna without its boundary (deferred: never read here).
    precinct = Precinct.from_db(connection.alias, ["id", "code", "name"], row[:3]) if row[0] is not None else None
    phase = row[3]
    permit_type = instance(PermitType, row[4 : 4 + type_count])
    rule = instance(PermitRule, row[4 + type_count :])
    if rule is not None:
        rule.permit_type = permit_type
    if permit_type is None:
        raise DomainError(ERROR_UNKNOWN_TYPE, field="permit_type")
    if permit_type.is_collective and not collective:
        raise PermitRefused(REFUSAL_COLLECTIVE_ONLY, field="permit_type")
    if collective and not permit_type.is_collective:
        raise PermitRefused(REFUSAL_NOT_COLLECTIVE, field="permit_type")
    if precinct is None:
        raise DomainError(ERROR_UNKNOWN_COMUNA, field="comuna")
    if phase is None:
        raise PermitRefused(REFUSAL_NO_PHASE, field="comuna")
    if rule is None:
        raise PermitRefused(REFUSAL_PHASE, field="permit_type", phase=phase)
    weekdays = [day for day in permit_type.weekdays if not rule.weekdays or day in rule.weekdays]
    window = window_for(permit_type=permit_type, requested_start=starts_at, weekdays=weekdays, now=now)
    return _Plan(permit_type, precinct, phase, rule, window)


def verdict_refusal(verdict: RegistryVerdict) -> PermitRefused | None:
    """The refusal a registry verdict means for the person themself: unavailable first, then the first restriction."""
    unavailable = verdict.unavailable
    if unavailable:
        names = ", ".join(str(REGISTRY_NAMES[registry]) for registry in unavailable)
        return PermitRefused(REFUSAL_REGISTRY_UNAVAILABLE, registries=names)
    for restriction in verdict.restrictions:
        until = restriction.valid_until.strftime("%d-%m-%Y") if restriction.valid_until else ""
        return PermitRefused(restriction.code, until=until)
    return None


def _take_quota_and_folio(*, run: int, plan: _Plan) -> str:
    """Count one use and take the permit's folio, or refuse: the upsert locks the (RUN, type, period) row, so
    concurrent requests queue. One statement: the folio is drawn only when the quota allowed the permit (a
    refusal burns no number), in the same round trip."""
    if plan.rule.quota is None:
        return folio_next(DocumentKind.PERMIT)
    period = quota_period_start(period=plan.rule.quota_period, starts_at=plan.window.starts_at)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH taken AS (
                INSERT INTO station_permitquotause (run, permit_type_id, period_start, used) VALUES (%s, %s, %s, 1)
                ON CONFLICT (run, permit_type_id, period_start)
                DO UPDATE SET used = station_permitquotause.used + 1 WHERE station_permitquotause.used < %s
                RETURNING used
            )
            SELECT nextval(%s::regclass) FROM taken
            """,
            [run, plan.permit_type.id, period, plan.rule.quota, folio_sequence(DocumentKind.PERMIT)],
        )
        row = cursor.fetchone()
    if row is None:
        raise PermitRefused(
            REFUSAL_QUOTA, field="permit_type", quota=plan.rule.quota, period=PERIOD_NAMES[plan.rule.quota_period]
        )
    return folio_format(DocumentKind.PERMIT, row[0])


# The signed document and its permit, stored in one statement (the permit's row points at the document's new id):
# asked on every permit, so plain SQL built from the models (rows.py) instead of two ORM saves.
_ISSUE_SQL = """
WITH document AS (
    INSERT INTO station_issueddocument ({document_columns}) VALUES ({document_values}) RETURNING id
)
INSERT INTO station_permit (document_id, {permit_columns})
VALUES ((SELECT id FROM document), {permit_values})
RETURNING document_id, id
"""


@functools.cache
def _issue_sql() -> str:
    document_count = len(insert_fields(IssuedDocument))
    permit_count = len(insert_fields(Permit, without=("document",)))
    return _ISSUE_SQL.format(
        document_columns=insert_columns(IssuedDocument),
        document_values=", ".join(["%s"] * document_count),
        permit_columns=insert_columns(Permit, without=("document",)),
        permit_values=", ".join(["%s"] * permit_count),
    )


def _local_text(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%d-%m-%Y %H:%M")


def _issue_one(*, requester, run: int, holder_name: str, plan: _Plan, destination: str, reason: str,
               language: str, submission_key, fingerprint: str, collective=None, folio: str | None = None,
               ) -> Permit:  # fmt: skip
    window = plan.window
    facts = [
        Fact(gettext_noop("Permit type"), plan.permit_type.name_es),
        Fact(gettext_noop("Holder"), holder_name),
        Fact(gettext_noop("Comuna"), plan.precinct.name),
        Fact(gettext_noop("Valid from"), _local_text(window.starts_at)),
        Fact(gettext_noop("Valid until"), _local_text(window.ends_at)),
    ]
    if destination:
        facts.append(Fact(gettext_noop("Destination"), destination))
    if collective is not None:
        facts.append(Fact(gettext_noop("Employer"), collective.employer_name))
    public_facts = [facts[0], facts[2], facts[3], facts[4]]
    document = document_prepare(
        kind=DocumentKind.PERMIT,
        owner=requester,
        holder_run=run_format(run),
        holder_name=holder_name,
        title=gettext_noop("Safe-conduct permit"),
        subtitle=gettext_noop("Comisaría Virtual"),
        facts=facts,
        public_facts=public_facts,
        language=language,
        valid_from=window.starts_at,
        valid_until=window.ends_at,
        folio=folio,
    )
    permit = Permit(
        document=document,
        folio=document.folio,
        permit_type=plan.permit_type,
        requester=requester,
        run=run,
        holder_name=holder_name,
        precinct=plan.precinct,
        phase=plan.phase,
        destination=destination,
        reason=reason,
        starts_at=window.starts_at,
        ends_at=window.ends_at,
        collective=collective,
        submission_key=submission_key,
        request_fingerprint=fingerprint,
    )
    with connection.cursor() as cursor:
        cursor.execute(_issue_sql(), [*insert_values(document), *insert_values(permit, without=("document",))])
        document_id, permit_id = cursor.fetchone()
    stored(document, document_id)
    permit.document = document  # sets document_id too
    return stored(permit, permit_id)


def permit_issue(*, requester, data: PermitInput) -> PermitIssue:
    """Issue a permit to the signed-in person for their own RUN, or refuse naming the rule (nothing written)."""
    identity_verified_require(requester)
    asked = _asked(type_code=data.permit_type, comuna=data.comuna, requester=requester,
                   submission_key=data.submission_key)  # fmt: skip
    if asked.sent is not None:
        if asked.sent[1] != data.fingerprint():
            raise Conflict(ERROR_SUBMISSION_REUSED, field="submission_key")
        original = Permit.objects.select_related("document", "permit_type", "precinct").get(id=asked.sent[0])
        return PermitIssue(permit=original, is_new=False)
    now = timezone.now()
    plan = _plan(type_code=data.permit_type, comuna=data.comuna, starts_at=data.starts_at, collective=False, now=now,
                 asked=asked)  # fmt: skip
    destination, reason = data.destination.strip(), data.reason.strip()
    if plan.permit_type.needs_destination and not destination:
        raise DomainError(ERROR_DESTINATION, field="destination")
    if plan.permit_type.needs_reason and not reason:
        raise DomainError(ERROR_REASON, field="reason")
    run = run_parse(requester.rut)
    verdict = registry_check(run=run, registries=PERSON_REGISTRIES, procedure=PROCEDURE_ISSUE, asked_by=requester,
                             start=plan.window.starts_at, end=plan.window.ends_at)  # fmt: skip
    refusal = verdict_refusal(verdict)
    if refusal is not None:
        raise refusal
    try:
        with transaction.atomic():
            folio = _take_quota_and_folio(run=run, plan=plan)
            permit = _issue_one(requester=requester, run=run, holder_name=requester.get_full_name(), plan=plan,
                                destination=destination, reason=reason, language=data.language,
                                submission_key=data.submission_key, fingerprint=data.fingerprint(),
                                folio=folio)  # fmt: skip
    except IntegrityError:
        # The same form sent twice at once: the unique (requester, key, run) let one through; answer with it.
        original = Permit.objects.filter(requester=requester, submission_key=data.submission_key).first()
        if original is None:
            raise
        return PermitIssue(permit=original, is_new=False)
    return PermitIssue(permit=permit, is_new=True)


def _workers(data: CollectiveInput) -> list[tuple[int, str]]:
    if not data.workers:
        raise DomainError(ERROR_NO_WORKERS, field="workers")
    if len(data.workers) > MAX_WORKERS:
        raise DomainError(ERROR_TOO_MANY_WORKERS.format(count=MAX_WORKERS), field="workers")
    workers, seen = [], set()
    for line, worker in enumerate(data.workers, start=1):
        try:
            run = run_parse(worker.run)
        except ValueError as error:
            raise DomainError(ERROR_WORKER_RUN.format(line=line, run=worker.run), field="workers") from error
        if run in seen:
            raise DomainError(ERROR_WORKER_REPEATED.format(run=run_format(run)), field="workers")
        seen.add(run)
        workers.append((run, worker.name.strip()))
    return workers


def collective_permit_issue(*, requester, data: CollectiveInput) -> CollectiveIssue:
    """An employer's permits for its workers: the company against SII, every worker against the person registries.

    All or nothing: if a worker may not get a permit, none is issued and the refusal lists the workers' masked
    RUNs (not why: that is the worker's own data).
    """
    identity_verified_require(requester)
    original = CollectivePermit.objects.filter(requester=requester, submission_key=data.submission_key).first()
    if original is not None:
        if original.request_fingerprint != data.fingerprint():
            raise Conflict(ERROR_SUBMISSION_REUSED, field="submission_key")
        return CollectiveIssue(collective=original, permits=list(original.permits.order_by("id")), is_new=False)
    now = timezone.now()
    plan = _plan(type_code=data.permit_type, comuna=data.comuna, starts_at=data.starts_at, collective=True, now=now)
    try:
        employer_run = run_parse(data.employer_rut)
    except ValueError as error:
        raise DomainError(ERROR_EMPLOYER_RUT, field="employer_rut") from error
    workers = _workers(data)
    window = plan.window
    employer = registry_check(run=employer_run, registries=[Registry.EMPLOYER], procedure=PROCEDURE_COLLECTIVE,
                              asked_by=requester, start=window.starts_at, end=window.ends_at)  # fmt: skip
    refusal = verdict_refusal(employer)
    if refusal is not None:
        raise refusal
    records = _employer_record(employer_run)
    if records is not None and run_parse(requester.rut) != records[1]:
        raise PermitRefused(REFUSAL_NOT_REPRESENTATIVE, field="employer_rut")
    if records is not None and records[0] != data.activity_code.strip():
        raise PermitRefused(REFUSAL_ACTIVITY_MISMATCH, field="activity_code", activity=records[0])
    refused, unavailable = [], set()
    for run, _ in workers:
        verdict = registry_check(run=run, registries=PERSON_REGISTRIES, procedure=PROCEDURE_COLLECTIVE,
                                 asked_by=requester, start=window.starts_at, end=window.ends_at)  # fmt: skip
        unavailable.update(verdict.unavailable)
        if verdict.restrictions:
            refused.append(run_mask(run_format(run)))
    if unavailable:
        names = ", ".join(str(REGISTRY_NAMES[registry]) for registry in sorted(unavailable))
        raise PermitRefused(REFUSAL_REGISTRY_UNAVAILABLE, registries=names)
    if refused:
        raise PermitRefused(REFUSAL_WORKER, field="workers", count=len(refused), runs=", ".join(refused))
    try:
        with transaction.atomic():
            collective = CollectivePermit.objects.create(
                requester=requester, employer_rut=employer_run, employer_name=data.employer_name.strip(),
                activity_code=data.activity_code.strip(), permit_type=plan.permit_type, precinct=plan.precinct,
                starts_at=window.starts_at, ends_at=window.ends_at, worker_count=len(workers),
                submission_key=data.submission_key, request_fingerprint=data.fingerprint(),
            )  # fmt: skip
            permits = [
                _issue_one(
                    requester=requester,
                    run=run,
                    holder_name=name,
                    plan=plan,
                    destination="",
                    reason="",
                    language=data.language,
                    submission_key=data.submission_key,
                    fingerprint=data.fingerprint(),
                    collective=collective,
                )  # fmt: skip
                for run, name in workers
            ]
    except IntegrityError:
        original = CollectivePermit.objects.filter(requester=requester, submission_key=data.submission_key).first()
        if original is None:
            raise
        return CollectiveIssue(collective=original, permits=list(original.permits.order_by("id")), is_new=False)
    return CollectiveIssue(collective=collective, permits=permits, is_new=True)


def _employer_record(employer_run: int) -> tuple[str, int] | None:
    """(activity code, legal representative) from SII's current batch; None when SII answers from a live source."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT r.reference, r.related_run FROM station_registryrecord r JOIN station_registrybatch b"
            " ON b.id = r.batch_id WHERE b.is_current AND b.registry = %s AND r.run = %s",
            [Registry.EMPLOYER, employer_run],
        )
        row = cursor.fetchone()
    return (row[0], row[1]) if row else None


# The re-scan

_RESCAN_HITS = {
    # Restrictions of the new batch overlapping an active permit's days (Chile dates).
    "window": """
        SELECT DISTINCT ON (p.id) p.id, p.document_id, p.run, r.kind
        FROM station_permit p JOIN station_registryrecord r ON r.batch_id = %(batch)s AND r.run = p.run
        WHERE p.status = 'active' AND p.ends_at > %(now)s
          AND (r.valid_from IS NULL OR r.valid_from <= (p.ends_at AT TIME ZONE 'America/Santiago')::date)
          AND (r.valid_until IS NULL OR r.valid_until >= (p.starts_at AT TIME ZONE 'America/Santiago')::date)
        ORDER BY p.id
    """,
    # The civil registry: a holder now deceased, or whose RUN the registry no longer knows.
    "civil": """
        SELECT p.id, p.document_id, p.run, COALESCE(r.kind, 'unknown') AS kind
        FROM station_permit p LEFT JOIN station_registryrecord r ON r.batch_id = %(batch)s AND r.run = p.run
        WHERE p.status = 'active' AND p.ends_at > %(now)s AND (r.id IS NULL OR r.kind = 'deceased')
    """,
    # SII: collective permits whose employer ceased trading or is no longer known.
    "employer": """
        SELECT p.id, p.document_id, p.run, COALESCE(r.kind, 'unknown') AS kind
        FROM station_permit p JOIN station_collectivepermit c ON c.id = p.collective_id
        LEFT JOIN station_registryrecord r ON r.batch_id = %(batch)s AND r.run = c.employer_rut
        WHERE p.status = 'active' AND p.ends_at > %(now)s AND (r.id IS NULL OR r.kind <> 'active')
    """,
}
_HIT_QUERY = {Registry.HEALTH: "window", Registry.CUSTODY: "window", Registry.CIVIL: "civil",
              Registry.EMPLOYER: "employer"}  # fmt: skip
_RESCAN_CODES = {Registry.HEALTH: "health_quarantine", Registry.CUSTODY: "custody_restriction",
                 Registry.CIVIL: "run_deceased", Registry.EMPLOYER: "employer_inactive"}  # fmt: skip


@dataclass(frozen=True)
class RescanResult:
    batch_id: int
    active_count: int
    revoked_count: int
    flagged_count: int
    seconds: float
    skipped: bool = False


@transaction.atomic
def permits_rescan(*, batch_id: int) -> RescanResult:
    """Re-check every active permit against a fresh batch in set-based SQL; revoke or flag those now restricted.

    Health, custody and civil hits are revoked (document included, so every verification says so); a ceased
    employer only flags its workers' permits. A batch that is no longer current is skipped.
    """
    started = time.perf_counter()
    now = timezone.now()
    batch = RegistryBatch.objects.select_for_update().filter(id=batch_id).first()
    if batch is None:
        raise NotFound(f"No registry batch {batch_id}.")
    if not batch.is_current:
        return RescanResult(batch_id, 0, 0, 0, time.perf_counter() - started, skipped=True)
    registry = batch.registry
    action = RESCAN_ACTIONS[registry]
    code = _RESCAN_CODES[registry]
    parameters = {"batch": batch.id, "now": now, "status": str(action), "code": code,
                  "reason": RESCAN_REASONS[registry], "registry": registry,
                  "source": f"batch:{batch.source}"[:300], "procedure": PROCEDURE_RESCAN}  # fmt: skip
    revoke_documents = (
        """, documents AS (
            UPDATE station_issueddocument d SET status = 'revoked', revoked_at = %(now)s, revoked_reason = %(reason)s,
                   updated_at = %(now)s
            FROM changed WHERE d.id = changed.document_id AND d.status = 'valid'
            RETURNING d.id
        )"""
        if action == PermitStatus.REVOKED
        else ""
    )
    sql = f"""
        WITH hits AS ({_RESCAN_HITS[_HIT_QUERY[registry]]}),
        changed AS (
            UPDATE station_permit p SET status = %(status)s, status_code = CASE
                       WHEN %(registry)s = 'civil' AND hits.kind = 'unknown' THEN 'run_unknown'
                       WHEN %(registry)s = 'employer' AND hits.kind = 'unknown' THEN 'employer_unknown'
                       ELSE %(code)s END,
                   status_kind = hits.kind, status_changed_at = %(now)s, status_batch_id = %(batch)s,
                   updated_at = %(now)s
            FROM hits WHERE p.id = hits.id
            RETURNING p.id, p.document_id, p.run, p.status_code, p.status_kind
        ){revoke_documents},
        audit AS (
            INSERT INTO station_registryquery (asked_at, asked_by_id, procedure, run, registry, result, restrictions,
                                               is_stale, source, batch_id, override_id)
            SELECT %(now)s, NULL, %(procedure)s, changed.run, %(registry)s, 'restricted',
                   changed.status_code || ':' || changed.status_kind, false, %(source)s, %(batch)s, NULL
            FROM changed
            RETURNING 1
        )
        SELECT (SELECT count(*) FROM changed),
               (SELECT count(*) FROM station_permit WHERE status = 'active' AND ends_at > %(now)s),
               (SELECT count(*) FROM audit)
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, parameters)
        changed_count, active_count, _ = cursor.fetchone()
    revoked = changed_count if action == PermitStatus.REVOKED else 0
    flagged = changed_count if action == PermitStatus.FLAGGED else 0
    finished = timezone.now()
    PermitRescan.objects.create(batch=batch, started_at=now, finished_at=finished, active_count=active_count,
                                revoked_count=revoked, flagged_count=flagged)  # fmt: skip
    return RescanResult(batch.id, active_count, revoked, flagged, time.perf_counter() - started)
