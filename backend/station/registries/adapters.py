"""One adapter per registry: the columns of its daily file, how a row becomes a record, how long its data
stays fresh, and what its records mean for a person (the restrictions a check returns).

Staleness policy (README, "Restriction registries"): a registry's current batch is *stale* once its
effective date is older than ``max_age_days`` (Chile's calendar); it is *missing* when no batch was ever
imported. Health and custody data decide whether someone may leave home, so they **fail closed**: stale or
missing, the check answers "unavailable" and no permit is issued. The civil registry and SII change slowly:
stale, they answer from their last batch (the audit row says so); missing, they fail closed too, because
without them nobody can tell a real RUN or employer from an invented one. An administrator can override a
registry for a few hours with a recorded reason (``RegistryOverride``); answers given under it name it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext_noop

from ..models import Registry
from .runs import InvalidRun, run_parse

STALE_REFUSES = "refuse"
STALE_ANSWERS = "answer"


class RowInvalid(ValueError):
    """A row that cannot be imported; the message is an English msgid-like sentence naming the column."""


@dataclass(frozen=True)
class Record:
    """What a registry holds about one RUN (the columns of ``RegistryRecord``)."""

    run: int
    kind: str
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    reference: str = ""
    related_run: int | None = None


@dataclass(frozen=True)
class Restriction:
    """Why a registry stops a person (or an employer): reason code, registry, dates and the registry's reference."""

    registry: str
    code: str
    kind: str
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    reference: str = ""

    def as_dict(self) -> dict:
        return {
            "registry": self.registry,
            "code": self.code,
            "kind": self.kind,
            "valid_from": self.valid_from.isoformat() if self.valid_from else None,
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
        }


def _date(row: dict, column: str, *, required: bool) -> dt.date | None:
    text = (row.get(column) or "").strip()
    if not text:
        if required:
            raise RowInvalid(f"{column}: missing date")
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise RowInvalid(f"{column}: {text!r} is not a date (YYYY-MM-DD)") from error


def _run(row: dict, column: str, *, required: bool = True) -> int | None:
    text = (row.get(column) or "").strip()
    if not text and not required:
        return None
    try:
        return run_parse(text)
    except InvalidRun as error:
        raise RowInvalid(f"{column}: {text!r} is not a valid RUN (check digit)") from error


def _choice(row: dict, column: str, allowed: tuple[str, ...]) -> str:
    value = (row.get(column) or "").strip().lower()
    if value not in allowed:
        raise RowInvalid(f"{column}: {value!r} is not one of {', '.join(allowed)}")
    return value


@dataclass(frozen=True)
class RegistryAdapter:
    registry: str
    authority: str
    columns: tuple[str, ...]
    max_age_days: int
    when_stale: str
    # Rows that may repeat a RUN (several restrictions of one person) are unique on (run, kind, valid_from).
    one_row_per_run: bool = False
    kinds: tuple[str, ...] = field(default=())

    def parse(self, row: dict) -> Record:
        raise NotImplementedError

    def restrictions(self, records: list[Record], *, start: dt.date, end: dt.date) -> list[Restriction]:
        """What the records mean for someone asking about [start, end] (Chile dates)."""
        raise NotImplementedError

    def duplicate_key(self, record: Record) -> tuple:
        return (record.run,) if self.one_row_per_run else (record.run, record.kind, record.valid_from)


def _overlaps(record: Record, start: dt.date, end: dt.date) -> bool:
    return (record.valid_from is None or record.valid_from <= end) and (
        record.valid_until is None or record.valid_until >= start
    )


@dataclass(frozen=True)
class RestrictionPeriodAdapter(RegistryAdapter):
    """A registry of restrictions over periods: MINSAL's positive tests, close contacts and ordered quarantines
    (always with an end), or Gendarmería's house arrest, night confinement and sentences commuted to home
    confinement (Ley 21.228; open-ended until a court ends them)."""

    restriction_code: str = ""
    end_required: bool = True

    def parse(self, row: dict) -> Record:
        valid_from = _date(row, "valid_from", required=True)
        valid_until = _date(row, "valid_until", required=self.end_required)
        if valid_until is not None and valid_until < valid_from:
            raise RowInvalid("valid_until: before valid_from")
        return Record(
            run=_run(row, "run"),
            kind=_choice(row, "kind", self.kinds),
            valid_from=valid_from,
            valid_until=valid_until,
            reference=(row.get("reference") or "").strip()[:40],
        )

    def restrictions(self, records, *, start, end):
        return [
            Restriction(self.registry, self.restriction_code, r.kind, r.valid_from, r.valid_until, r.reference)
            for r in records
            if _overlaps(r, start, end)
        ]


class CivilAdapter(RegistryAdapter):
    """The civil registry's RUN list: every RUN it knows, living or deceased. A RUN it does not know is invalid."""

    def parse(self, row: dict) -> Record:
        status = _choice(row, "status", self.kinds)
        deceased_on = _date(row, "deceased_on", required=status == "deceased")
        if status == "living" and deceased_on is not None:
            raise RowInvalid("deceased_on: given for a living person")
        return Record(run=_run(row, "run"), kind=status, valid_from=deceased_on)

    def restrictions(self, records, *, start, end):
        if not records:
            return [Restriction(self.registry, "run_unknown", "unknown")]
        return [
            Restriction(self.registry, "run_deceased", r.kind, r.valid_from) for r in records if r.kind == "deceased"
        ]


class EmployerAdapter(RegistryAdapter):
    """SII's taxpayer activity: a company's RUT, its activity code, whether it trades, and its legal representative."""

    def parse(self, row: dict) -> Record:
        code = (row.get("activity_code") or "").strip()
        if not (code.isdigit() and len(code) == 6):
            raise RowInvalid(f"activity_code: {code!r} is not a six-digit SII code")
        return Record(
            run=_run(row, "rut"),
            kind=_choice(row, "status", self.kinds),
            reference=code,
            related_run=_run(row, "representative_run"),
        )

    def restrictions(self, records, *, start, end):
        if not records:
            return [Restriction(self.registry, "employer_unknown", "unknown")]
        return [Restriction(self.registry, "employer_inactive", r.kind, reference=r.reference) for r in records
                if r.kind != "active"]  # fmt: skip


ADAPTERS: dict[str, RegistryAdapter] = {
    adapter.registry: adapter
    for adapter in (
        RestrictionPeriodAdapter(
            Registry.HEALTH,
            gettext_noop("Ministry of Health (MINSAL)"),
            columns=("run", "kind", "valid_from", "valid_until", "reference"),
            max_age_days=1,
            when_stale=STALE_REFUSES,
            kinds=("positive_test", "close_contact", "quarantine"),
            restriction_code="health_quarantine",
        ),
        RestrictionPeriodAdapter(
            Registry.CUSTODY,
            gettext_noop("Gendarmería de Chile"),
            columns=("run", "kind", "valid_from", "valid_until", "reference"),
            max_age_days=1,
            when_stale=STALE_REFUSES,
            kinds=("house_arrest", "night_confinement", "commuted_sentence"),
            restriction_code="custody_restriction",
            end_required=False,
        ),
        CivilAdapter(
            Registry.CIVIL,
            gettext_noop("Civil Registry (Servicio de Registro Civil e Identificación)"),
            columns=("run", "status", "deceased_on"),
            max_age_days=7,
            when_stale=STALE_ANSWERS,
            one_row_per_run=True,
            kinds=("living", "deceased"),
        ),
        EmployerAdapter(
            Registry.EMPLOYER,
            gettext_noop("Tax office (SII)"),
            columns=("rut", "activity_code", "status", "representative_run"),
            max_age_days=31,
            when_stale=STALE_ANSWERS,
            one_row_per_run=True,
            kinds=("active", "ceased"),
        ),
    )
}
PERSON_REGISTRIES = (Registry.HEALTH, Registry.CUSTODY, Registry.CIVIL)
