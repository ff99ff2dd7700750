"""Writes for the registries: importing a daily file as a new batch, overrides, and the audited check itself.

**Malformed files apply nothing.** An import reads the whole file, reports every bad row (bad RUN or check
digit, bad date, unknown kind, duplicated row, wrong number of values) and, if there is any, rolls the whole
batch back: the registry keeps its current batch. A half-applied registry file would make the people in the
missing rows look unrestricted, which is the 2020 failure again; a refused file leaves the old batch in place
until it goes stale, and stale health or custody data fails closed, which someone notices.

**A new batch becomes current atomically.** Its rows are written (COPY) under the new batch's id, invisible to
lookups, which read only the current batch of each registry; then two one-row UPDATEs in the same transaction
move ``is_current``. Nothing rewrites the 19 million rows of the old batch in the request path; old batches'
rows are deleted later (``registry_batches_prune``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import BinaryIO

import requests
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from backend.accounts.models import Role
from backend.common.errors import Conflict, DomainError, Forbidden

from ..models import Registry, RegistryBatch, RegistryOverride
from .adapters import ADAPTERS, STALE_ANSWERS, Restriction
from .files import FileUnreadable, HashingReader, csv_rows, format_of, json_document
from .runs import MAX_RUN
from .sources import sources_lookup

MAX_REPORTED_ERRORS = 1000
MAX_OVERRIDE_HOURS = 24
FETCH_TIMEOUT_SECONDS = 30

RESULT_CLEAR = "clear"
RESULT_RESTRICTED = "restricted"
RESULT_UNAVAILABLE = "unavailable"

ERROR_FILE_INVALID = gettext_lazy("The file has {count} bad rows; nothing was imported.")
ERROR_FILE_EMPTY = gettext_lazy("The file has no rows; nothing was imported.")
ERROR_FILE_UNREADABLE = gettext_lazy("The file cannot be read: {detail}")
ERROR_ALREADY_IMPORTED = gettext_lazy("This file was already imported (batch {batch}).")
ERROR_EFFECTIVE_FUTURE = gettext_lazy("The effective date {date} is in the future.")
ERROR_EFFECTIVE_OLDER = gettext_lazy("The effective date {date} is older than the current batch's ({current}).")
ERROR_EFFECTIVE_DATE = gettext_lazy("The effective date {date} is not a date (YYYY-MM-DD).")
ERROR_FETCH = gettext_lazy("The registry's file could not be downloaded: {detail}")
ERROR_OVERRIDE_REASON = gettext_lazy("Write why the registry's data may be used as it is.")
ERROR_OVERRIDE_HOURS = gettext_lazy("An override lasts from 1 to {hours} hours.")
ERROR_OVERRIDE_ROLE = gettext_lazy("Only an administrator can override a registry.")
ERROR_OVERRIDE_WITHDRAWN = gettext_lazy("This override was already withdrawn.")

_COPY = "COPY station_registryrecord (batch_id, run, kind, valid_from, valid_until, reference, related_run) FROM STDIN"


@dataclass(frozen=True)
class RowError:
    line: int
    message: str


class RegistryFileInvalid(DomainError):
    """Every bad row of a refused file (the first ``MAX_REPORTED_ERRORS``) and how many there were."""

    code = "registry_file_invalid"

    def __init__(self, message: str, *, errors: list[RowError], error_count: int) -> None:
        super().__init__(message, extra={"errors": [{"line": e.line, "message": e.message} for e in errors]})
        self.errors = errors
        self.error_count = error_count


@dataclass(frozen=True)
class BatchImport:
    batch: RegistryBatch
    previous_batch_id: int | None


def chile_today(now: dt.datetime | None = None) -> dt.date:
    return timezone.localtime(now or timezone.now()).date()


class _Duplicates:
    """Seen keys: a bitmap of RUNs for one-row-per-RUN registries (19 M RUNs in 12.5 MB), else a dict."""

    def __init__(self, one_row_per_run: bool) -> None:
        self.bitmap = bytearray(MAX_RUN // 8 + 1) if one_row_per_run else None
        self.lines: dict[tuple, int] = {}

    def first_line(self, key: tuple, line: int) -> int | None:
        if self.bitmap is not None:
            run = key[0]
            byte, bit = divmod(run, 8)
            if self.bitmap[byte] & (1 << bit):
                return 0
            self.bitmap[byte] |= 1 << bit
            return None
        first = self.lines.get(key)
        if first is None:
            self.lines[key] = line
        return first


def _effective_date(value: dt.date | str | None) -> dt.date:
    if value is None or value == "":
        return chile_today()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise DomainError(ERROR_EFFECTIVE_DATE.format(date=value), field="effective_date") from error


def registry_batch_import(
    *,
    registry: str,
    stream: BinaryIO,
    source: str,
    file_format: str | None = None,
    effective_date: dt.date | str | None = None,
    imported_by=None,
    progress: Callable[[int], None] | None = None,
) -> BatchImport:
    """Import one daily file as the registry's new current batch, or nothing (RegistryFileInvalid lists why).

    The effective date is ``effective_date``, else the JSON file's own, else today (Chile).
    """
    adapter = ADAPTERS[registry]
    reader = HashingReader(stream, progress)
    try:
        file_format = file_format or format_of(source)
    except FileUnreadable as error:
        raise DomainError(ERROR_FILE_UNREADABLE.format(detail=error), field="file") from error
    errors: list[RowError] = []
    error_count = 0
    with transaction.atomic():
        with connection.cursor() as cursor:
            # One import per registry at a time; lookups are not blocked.
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"station.registry.{registry}"])
        batch = RegistryBatch.objects.create(
            registry=registry,
            source=source[:300],
            checksum=f"pending-{uuid.uuid4().hex}",
            row_count=0,
            effective_date=chile_today(),
            imported_by=imported_by,
        )
        try:
            if file_format == "csv":
                file_effective, rows = None, csv_rows(reader, columns=adapter.columns)
            else:
                file_effective, rows = json_document(reader, columns=adapter.columns)
            duplicates = _Duplicates(adapter.one_row_per_run)
            count = 0
            with connection.cursor() as cursor, cursor.cursor.copy(_COPY) as copy:
                for line, row in rows:
                    problem = None
                    if "__columns__" in row:
                        problem = f"has {row['__columns__']} values, expected {len(adapter.columns)}"
                    else:
                        try:
                            record = adapter.parse(row)
                        except ValueError as error:
                            problem = str(error)
                        else:
                            first = duplicates.first_line(adapter.duplicate_key(record), line)
                            if first is not None:
                                problem = f"duplicates line {first}" if first else f"RUN {record.run} appears twice"
                    if problem is not None:
                        error_count += 1
                        if len(errors) < MAX_REPORTED_ERRORS:
                            errors.append(RowError(line, problem))
                        continue
                    count += 1
                    if not error_count:
                        copy.write_row((batch.id, record.run, record.kind, record.valid_from, record.valid_until,
                                        record.reference, record.related_run))  # fmt: skip
            reader.drain()
        except FileUnreadable as error:
            raise DomainError(ERROR_FILE_UNREADABLE.format(detail=error), field="file") from error
        if error_count:
            raise RegistryFileInvalid(
                ERROR_FILE_INVALID.format(count=error_count), errors=errors, error_count=error_count
            )
        if count == 0:
            raise DomainError(ERROR_FILE_EMPTY, field="file")
        effective = _effective_date(effective_date if effective_date not in (None, "") else file_effective)
        if effective > chile_today():
            raise DomainError(ERROR_EFFECTIVE_FUTURE.format(date=effective), field="effective_date")
        previous = RegistryBatch.objects.select_for_update().filter(registry=registry, is_current=True).first()
        if previous is not None and effective < previous.effective_date:
            raise DomainError(
                ERROR_EFFECTIVE_OLDER.format(date=effective, current=previous.effective_date), field="effective_date"
            )
        same = RegistryBatch.objects.filter(registry=registry, checksum=reader.checksum).first()
        if same is not None:
            raise Conflict(ERROR_ALREADY_IMPORTED.format(batch=same.id), field="file")
        batch.checksum = reader.checksum
        batch.row_count = count
        batch.effective_date = effective
        batch.save(update_fields=["checksum", "row_count", "effective_date"])
        # Two statements: the partial unique index allows one current batch at every moment.
        RegistryBatch.objects.filter(registry=registry, is_current=True).update(is_current=False)
        RegistryBatch.objects.filter(id=batch.id).update(is_current=True)
        batch.is_current = True
    return BatchImport(batch=batch, previous_batch_id=previous.id if previous else None)


def registry_batch_fetch(*, registry: str, url: str, imported_by=None, progress=None) -> BatchImport:
    """Download a registry's daily file over HTTP(S) and import it like a local one."""
    try:
        response = requests.get(url, stream=True, timeout=FETCH_TIMEOUT_SECONDS)
        response.raise_for_status()
    except requests.RequestException as error:
        raise DomainError(ERROR_FETCH.format(detail=error), field="url") from error
    content_type = response.headers.get("Content-Type", "")
    file_format = "json" if "json" in content_type else "csv" if "csv" in content_type else None
    with response:
        response.raw.decode_content = True
        return registry_batch_import(
            registry=registry,
            stream=response.raw,
            source=url,
            file_format=file_format,
            imported_by=imported_by,
            progress=progress,
        )


@transaction.atomic
def registry_batches_prune(*, registry: str, keep: int = 2) -> int:
    """Delete the rows of all but the ``keep`` newest batches (the batch rows stay, the audit points at them)."""
    kept = list(RegistryBatch.objects.filter(registry=registry).order_by("-imported_at").values_list("id", flat=True))
    old = kept[keep:]
    if not old:
        return 0
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM station_registryrecord WHERE batch_id = ANY(%s)", [old])
        return cursor.rowcount


@transaction.atomic
def registry_override_create(*, registry: str, reason: str, hours: int, actor) -> RegistryOverride:
    """Let a registry answer from stale data (or, with none, answer clear) for ``hours``; recorded and audited."""
    if not (actor.is_superuser or actor.role == Role.ADMINISTRATOR):
        raise Forbidden(ERROR_OVERRIDE_ROLE)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(ERROR_OVERRIDE_REASON, field="reason")
    if not 1 <= hours <= MAX_OVERRIDE_HOURS:
        raise DomainError(ERROR_OVERRIDE_HOURS.format(hours=MAX_OVERRIDE_HOURS), field="hours")
    Registry(registry)
    now = timezone.now()
    return RegistryOverride.objects.create(
        registry=registry, reason=reason, created_by=actor, created_at=now, expires_at=now + dt.timedelta(hours=hours)
    )


@transaction.atomic
def registry_override_withdraw(*, override_id: int, actor) -> RegistryOverride:
    if not (actor.is_superuser or actor.role == Role.ADMINISTRATOR):
        raise Forbidden(ERROR_OVERRIDE_ROLE)
    override = RegistryOverride.objects.select_for_update().get(id=override_id)
    if override.withdrawn_at is not None:
        raise Conflict(ERROR_OVERRIDE_WITHDRAWN)
    override.withdrawn_at = timezone.now()
    override.save(update_fields=["withdrawn_at"])
    return override


# The check


@dataclass(frozen=True)
class RegistryAnswer:
    """One registry's answer about one RUN, as the audit records it."""

    registry: str
    result: str
    restrictions: tuple[Restriction, ...]
    source: str
    batch_id: int | None = None
    is_stale: bool = False
    override_id: int | None = None


@dataclass(frozen=True)
class RegistryVerdict:
    run: int
    answers: tuple[RegistryAnswer, ...] = field(default=())

    @property
    def restrictions(self) -> list[Restriction]:
        return [restriction for answer in self.answers for restriction in answer.restrictions]

    @property
    def unavailable(self) -> list[str]:
        return [answer.registry for answer in self.answers if answer.result == RESULT_UNAVAILABLE]

    @property
    def is_clear(self) -> bool:
        return all(answer.result == RESULT_CLEAR for answer in self.answers)


def _answer(
    source_answer, *, adapter, start: dt.date, end: dt.date, today: dt.date, override_id: int | None
) -> RegistryAnswer:
    registry = source_answer.registry
    if not source_answer.has_data:
        if override_id is not None:
            return RegistryAnswer(registry, RESULT_CLEAR, (), source_answer.source, override_id=override_id)
        return RegistryAnswer(registry, RESULT_UNAVAILABLE, (), source_answer.source)
    is_stale = (today - source_answer.effective_date).days > adapter.max_age_days
    if is_stale and adapter.when_stale != STALE_ANSWERS and override_id is None:
        return RegistryAnswer(registry, RESULT_UNAVAILABLE, (), source_answer.source, source_answer.batch_id, True)
    restrictions = tuple(adapter.restrictions(list(source_answer.records), start=start, end=end))
    return RegistryAnswer(
        registry,
        RESULT_RESTRICTED if restrictions else RESULT_CLEAR,
        restrictions,
        source_answer.source,
        source_answer.batch_id,
        is_stale,
        override_id if is_stale else None,
    )


# The check runs on every permit asked for and every checkpoint scan: the lookup (with the overrides in force) is
# one statement (sources.py), and the audit rows are one plain INSERT.
_AUDIT_INSERT = (
    "INSERT INTO station_registryquery (asked_at, asked_by_id, procedure, run, registry, result, restrictions, "
    "source, batch_id, is_stale, override_id) VALUES "
)
_AUDIT_ROW = "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"


def _restrictions_text(restrictions: tuple[Restriction, ...]) -> str:
    return ",".join(r.code if r.kind == "unknown" else f"{r.code}:{r.kind}" for r in restrictions)[:200]


def registry_check(
    *,
    run: int,
    registries: Sequence[str],
    procedure: str,
    asked_by=None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
) -> RegistryVerdict:
    """Ask each registry about ``run`` for [start, end] (default: now), apply the staleness policy, audit it.

    Run it outside the caller's write transaction: the audit rows must survive a refusal.
    """
    now = timezone.now()
    start = start or now
    end = end or start
    today = chile_today(now)
    found = sources_lookup(run=run, registries=list(registries), now=now)
    answers = tuple(
        _answer(
            found.answers[registry],
            adapter=ADAPTERS[registry],
            start=timezone.localtime(start).date(),
            end=timezone.localtime(end).date(),
            today=today,
            override_id=found.overrides.get(registry),
        )
        for registry in registries
    )
    asked_by_id = asked_by.pk if getattr(asked_by, "pk", None) else None
    rows = [
        (now, asked_by_id, procedure, run, str(answer.registry), answer.result, _restrictions_text(answer.restrictions),
         answer.source[:300], answer.batch_id, answer.is_stale, answer.override_id)
        for answer in answers
    ]  # fmt: skip
    with connection.cursor() as cursor:
        # One statement, so in autocommit it is its own transaction: no BEGIN and COMMIT around it.
        cursor.execute(_AUDIT_INSERT + ", ".join([_AUDIT_ROW] * len(rows)), [value for row in rows for value in row])
    return RegistryVerdict(run=run, answers=answers)
