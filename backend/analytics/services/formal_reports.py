"""Importing formal reports from police records: validate every row, route in bulk, insert idempotently."""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from backend.analytics.models import OffenseType, ReportSource
from backend.analytics.selectors.areas import FIRST_YEAR, Month, local_zone
from backend.analytics.selectors.routing import ROUTING_COLUMNS_SQL, route_table
from backend.analytics.services.jobs import analytics_jobs_invalidate

BATCH_SIZE = 20_000
MAX_EXTERNAL_ID_LENGTH = 64
# Clocks of the exporting system may run a little ahead of ours.
FUTURE_TOLERANCE = dt.timedelta(minutes=5)
CSV_COLUMNS = ("external_id", "offense_type", "occurred_at", "filed_at", "lat", "lon")
# Optional: the folio of the online complaint this record also describes (counted once, see FormalReport.counted).
OPTIONAL_COLUMNS = ("complaint_folio",)
MAX_COMPLAINT_FOLIO_LENGTH = 20
REJECT_COLUMNS = ("row", "external_id", "reason")

REASON_MISSING = "Missing {column}."
REASON_EXTERNAL_ID_LENGTH = f"external_id is longer than {MAX_EXTERNAL_ID_LENGTH} characters."
REASON_COMPLAINT_FOLIO_LENGTH = f"complaint_folio is longer than {MAX_COMPLAINT_FOLIO_LENGTH} characters."
REASON_BAD_COORDINATES = "Bad coordinates: lat must be a number in [-90, 90] and lon in [-180, 180]."
REASON_UNKNOWN_OFFENSE = "Unknown offense type {value!r}."
REASON_BAD_DATE = "{column} is not an ISO 8601 date and time."
REASON_FILED_BEFORE_OCCURRED = "filed_at is before occurred_at."
REASON_IN_FUTURE = "{column} is in the future."
REASON_TOO_OLD = f"occurred_at is before {FIRST_YEAR}."
REASON_OUTSIDE_JURISDICTION = "The location is outside every precinct's jurisdiction."
REASON_BAD_GEOMETRY = "The feature has no Point geometry."
ERROR_UNKNOWN_FORMAT = "Unsupported file type {suffix}: use .csv, .geojson or .json."
ERROR_MISSING_COLUMNS = "The CSV lacks the columns: {columns}."
ERROR_NOT_FEATURE_COLLECTION = "The GeoJSON file is not a FeatureCollection."
ERROR_UNKNOWN_SOURCE = "Unknown source {source}."


class ImportFileError(ValueError):
    """The file as a whole cannot be read (as opposed to a bad row, which is rejected and skipped)."""


@dataclass(frozen=True)
class ReportRow:
    row: int
    external_id: str
    offense_type_id: int
    occurred_at: dt.datetime
    filed_at: dt.datetime
    lat: float
    lon: float
    complaint_folio: str = ""


@dataclass(frozen=True)
class Reject:
    row: int
    external_id: str
    reason: str


@dataclass
class ImportResult:
    inserted: int = 0
    already_present: int = 0
    rejects: list[Reject] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return len(self.rejects)


def formal_report_rows_read(path: Path) -> tuple[int, Iterator[tuple[int, dict[str, Any]]]]:
    """(row count, iterator of (row number, raw values)); CSV rows are numbered as a spreadsheet shows them."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open(newline="", encoding="utf-8-sig") as handle:
            total = max(sum(1 for _ in handle) - 1, 0)
        return total, _csv_rows(path)
    if suffix in (".geojson", ".json"):
        with path.open(encoding="utf-8") as handle:
            document = json.load(handle)
        if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
            raise ImportFileError(ERROR_NOT_FEATURE_COLLECTION)
        features = document.get("features") or []
        return len(features), _geojson_rows(features)
    raise ImportFileError(ERROR_UNKNOWN_FORMAT.format(suffix=suffix or "(none)"))


def _csv_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [column for column in CSV_COLUMNS if column not in (reader.fieldnames or [])]
        if missing:
            raise ImportFileError(ERROR_MISSING_COLUMNS.format(columns=", ".join(missing)))
        # Row 1 is the header, as in a spreadsheet.
        yield from enumerate(reader, start=2)


def _geojson_rows(features: Sequence[Any]) -> Iterator[tuple[int, dict[str, Any]]]:
    for row_number, feature in enumerate(features, start=1):
        properties = dict(feature.get("properties") or {}) if isinstance(feature, dict) else {}
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        if isinstance(geometry, dict) and geometry.get("type") == "Point":
            coordinates = geometry.get("coordinates") or [None, None]
            properties["lon"], properties["lat"] = (list(coordinates) + [None, None])[:2]
        else:
            properties["_geometry_error"] = REASON_BAD_GEOMETRY
        yield row_number, properties


class RowValidator:
    """Turns raw values into a ReportRow or a Reject with the first reason found."""

    def __init__(self, *, now: dt.datetime | None = None) -> None:
        self.now = (now or timezone.now()) + FUTURE_TOLERANCE
        self.zone = local_zone()
        self.offense_ids: dict[str, int] = {}
        for offense_id, code, label_es, label_en in OffenseType.objects.values_list(
            "id", "code", "label_es", "label_en"
        ):
            for name in (code, label_es, label_en):
                self.offense_ids[name.strip().lower()] = offense_id

    def validate(self, row: int, raw: dict[str, Any]) -> ReportRow | Reject:
        external_id = str(raw.get("external_id") or "").strip()

        def reject(reason: str) -> Reject:
            return Reject(row=row, external_id=external_id, reason=reason)

        if raw.get("_geometry_error"):
            return reject(raw["_geometry_error"])
        for column in CSV_COLUMNS:
            if raw.get(column) is None or str(raw[column]).strip() == "":
                return reject(REASON_MISSING.format(column=column))
        if len(external_id) > MAX_EXTERNAL_ID_LENGTH:
            return reject(REASON_EXTERNAL_ID_LENGTH)
        complaint_folio = str(raw.get("complaint_folio") or "").strip().upper()
        if len(complaint_folio) > MAX_COMPLAINT_FOLIO_LENGTH:
            return reject(REASON_COMPLAINT_FOLIO_LENGTH)
        lat, lon = _coordinate(raw["lat"]), _coordinate(raw["lon"])
        if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
            return reject(REASON_BAD_COORDINATES)
        offense_id = self.offense_ids.get(str(raw["offense_type"]).strip().lower())
        if offense_id is None:
            return reject(REASON_UNKNOWN_OFFENSE.format(value=str(raw["offense_type"]).strip()))
        moments = {}
        for column in ("occurred_at", "filed_at"):
            moment = self._moment(raw[column])
            if moment is None:
                return reject(REASON_BAD_DATE.format(column=column))
            if moment > self.now:
                return reject(REASON_IN_FUTURE.format(column=column))
            moments[column] = moment
        if moments["filed_at"] < moments["occurred_at"]:
            return reject(REASON_FILED_BEFORE_OCCURRED)
        if moments["occurred_at"].year < FIRST_YEAR:
            return reject(REASON_TOO_OLD)
        return ReportRow(
            row, external_id, offense_id, moments["occurred_at"], moments["filed_at"], lat, lon, complaint_folio
        )

    def _moment(self, value: Any) -> dt.datetime | None:
        try:
            moment = dt.datetime.fromisoformat(str(value).strip())
        except ValueError:
            return None
        # Police exports write local time without an offset. UTC after that: aware datetimes sharing a
        # tzinfo compare by wall clock, which is wrong across a daylight-saving change.
        return (moment.replace(tzinfo=self.zone) if moment.tzinfo is None else moment).astimezone(dt.UTC)


def _coordinate(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


_BATCH_TABLE = "analytics_import_batch"
_INSERT_SQL = f"""
    INSERT INTO analytics_formalreport
        (created_at, updated_at, offense_type_id, occurred_at, filed_at, location,
         precinct_id, is_overlap, is_gap, source, external_id, complaint_folio)
    SELECT now(), now(), offense_type_id, occurred_at, filed_at, geom, precinct_id, is_overlap, is_gap,
           %s, external_id, complaint_folio
    FROM {_BATCH_TABLE} WHERE precinct_id IS NOT NULL ORDER BY row_id
    ON CONFLICT (source, external_id) DO NOTHING
"""


@transaction.atomic
def formal_reports_import_batch(*, rows: Sequence[ReportRow], source: str) -> ImportResult:
    """Insert valid rows in one set-based pass: COPY to a temp table, route there, INSERT … ON CONFLICT DO NOTHING."""
    if source not in ReportSource.values:
        raise ValueError(ERROR_UNKNOWN_SOURCE.format(source=source))
    result = ImportResult()
    if not rows:
        return result
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE {_BATCH_TABLE} (row_id integer PRIMARY KEY, external_id text NOT NULL, "
            f"offense_type_id bigint NOT NULL, occurred_at timestamptz NOT NULL, filed_at timestamptz NOT NULL, "
            f"complaint_folio text NOT NULL DEFAULT '', "
            f"{ROUTING_COLUMNS_SQL}) ON COMMIT DROP"
        )
        columns = "row_id, external_id, offense_type_id, occurred_at, filed_at, lat, lon, complaint_folio"
        with cursor.copy(f"COPY {_BATCH_TABLE} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(
                    (
                        row.row,
                        row.external_id,
                        row.offense_type_id,
                        row.occurred_at,
                        row.filed_at,
                        row.lat,
                        row.lon,
                        row.complaint_folio,
                    )
                )
        route_table(cursor=cursor, table=_BATCH_TABLE)
        cursor.execute(f"SELECT row_id, external_id FROM {_BATCH_TABLE} WHERE precinct_id IS NULL ORDER BY row_id")
        result.rejects = [Reject(row_id, external_id, REASON_OUTSIDE_JURISDICTION) for row_id, external_id in cursor]
        cursor.execute(
            f"SELECT array_agg(DISTINCT precinct_id), min(occurred_at) FROM {_BATCH_TABLE} "
            "WHERE precinct_id IS NOT NULL"
        )
        touched_precincts, first_occurred = cursor.fetchone()
        cursor.execute(_INSERT_SQL, [source])
        result.inserted = cursor.rowcount
        cursor.execute(f"DROP TABLE {_BATCH_TABLE}")
    result.already_present = len(rows) - result.rejected - result.inserted
    if result.inserted:
        first_month = Month.containing(timezone.localtime(first_occurred, local_zone()).date()).first_day
        analytics_jobs_invalidate(precinct_ids=touched_precincts, first_month=first_month)
    return result


def formal_reports_import(
    *,
    raw_rows: Iterable[tuple[int, dict[str, Any]]],
    source: str = ReportSource.POLICE_RECORDS,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Validate every row and load the good ones batch by batch; bad rows come back as rejects.

    Each batch commits on its own: a million-row file is not one transaction, and a re-run skips
    what is already loaded because (source, external_id) is unique.
    """
    validator = RowValidator()
    total = ImportResult()
    batch: list[ReportRow] = []

    def flush() -> None:
        result = formal_reports_import_batch(rows=batch, source=source)
        total.inserted += result.inserted
        total.already_present += result.already_present
        total.rejects.extend(result.rejects)
        if progress:
            progress(len(batch))
        batch.clear()

    for row_number, raw in raw_rows:
        checked = validator.validate(row_number, raw)
        if isinstance(checked, Reject):
            total.rejects.append(checked)
            if progress:
                progress(1)
            continue
        batch.append(checked)
        if len(batch) >= batch_size:
            flush()
    flush()
    total.rejects.sort(key=lambda reject: reject.row)
    return total


def rejects_write(*, rejects: Sequence[Reject], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(REJECT_COLUMNS)
        writer.writerows((reject.row, reject.external_id, reject.reason) for reject in rejects)
