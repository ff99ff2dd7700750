"""The electoral registry we load: polling stations (a point each) and the RUN → station table, from CSV files.

All or nothing: every row of both files is checked first, every bad row is reported with its line, and only a
clean pair of files is written, in one transaction. A partly loaded registry would refuse voters it should
serve, so a file with one bad row changes nothing. Rows are upserted (a station by its code, a voter by RUN).

``stations.csv``: ``code,name,address,comuna,region,lat,lon`` (WGS84 degrees).
``voters.csv``: ``run,dv,station_code`` (the RUN number without dots, its check digit, a station code from
either the stations file or the stations already loaded).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.gis.geos import Point
from django.db import transaction
from stdnum.cl import rut as stdnum_rut

from ..models import PollingStation, VoterRegistration

STATION_COLUMNS = ["code", "name", "address", "comuna", "region", "lat", "lon"]
VOTER_COLUMNS = ["run", "dv", "station_code"]
MAX_RUN = 99_999_999
BATCH_SIZE = 5_000

ERROR_COLUMNS = "the columns are {found}; expected {expected}"
ERROR_REQUIRED = "{column} is empty"
ERROR_DUPLICATE_STATION = "station {code} is also on line {line}"
ERROR_COORDINATE = "{column} {value!r} is not a number between {low} and {high}"
ERROR_RUN = "run {value!r} is not a whole number between 1 and {high}"
ERROR_DV = "the check digit of RUN {run} is {expected}, not {value!r}"
ERROR_DUPLICATE_VOTER = "RUN {run} is also on line {line}"
ERROR_UNKNOWN_STATION = "station {code!r} is neither in the stations file nor loaded"


@dataclass(frozen=True)
class RowError:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass
class RegistryLoad:
    stations: list[dict] = field(default_factory=list)
    voters: list[tuple[int, str]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def is_clean(self) -> bool:
        return not self.errors


def _rows(path: Path, columns: list[str], errors: list[RowError]) -> Iterable[tuple[int, dict]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        found = [name.strip() for name in (reader.fieldnames or [])]
        if found != columns:
            message = ERROR_COLUMNS.format(found=",".join(found), expected=",".join(columns))
            errors.append(RowError(path.name, 1, message))
            return
        for row in reader:
            yield reader.line_num, {key.strip(): (value or "").strip() for key, value in row.items() if key}


def _coordinate(value: str, low: float, high: float) -> float | None:
    try:
        number = float(value)
    except ValueError:
        return None
    return number if low <= number <= high else None


def stations_read(path: Path, errors: list[RowError]) -> list[dict]:
    stations, seen = [], {}
    for line, row in _rows(path, STATION_COLUMNS, errors):
        problems = [ERROR_REQUIRED.format(column=column) for column in ("code", "name", "comuna") if not row[column]]
        lat = _coordinate(row["lat"], -90, 90)
        lon = _coordinate(row["lon"], -180, 180)
        if lat is None:
            problems.append(ERROR_COORDINATE.format(column="lat", value=row["lat"], low=-90, high=90))
        if lon is None:
            problems.append(ERROR_COORDINATE.format(column="lon", value=row["lon"], low=-180, high=180))
        code = row["code"].upper()
        if code and code in seen:
            problems.append(ERROR_DUPLICATE_STATION.format(code=code, line=seen[code]))
        errors.extend(RowError(path.name, line, problem) for problem in problems)
        if code:
            seen.setdefault(code, line)
        if not problems:
            stations.append({**row, "code": code, "lat": lat, "lon": lon})
    return stations


def voters_read(path: Path, station_codes: set[str], errors: list[RowError]) -> list[tuple[int, str]]:
    voters, seen = [], {}
    for line, row in _rows(path, VOTER_COLUMNS, errors):
        problems = []
        text = row["run"].replace(".", "")
        run = int(text) if text.isdigit() and 1 <= int(text) <= MAX_RUN else None
        if run is None:
            problems.append(ERROR_RUN.format(value=row["run"], high=MAX_RUN))
        else:
            expected = stdnum_rut.calc_check_digit(str(run))
            if row["dv"].upper() != expected:
                problems.append(ERROR_DV.format(run=run, expected=expected, value=row["dv"]))
            if run in seen:
                problems.append(ERROR_DUPLICATE_VOTER.format(run=run, line=seen[run]))
            seen.setdefault(run, line)
        code = row["station_code"].upper()
        if not code:
            problems.append(ERROR_REQUIRED.format(column="station_code"))
        elif code not in station_codes:
            problems.append(ERROR_UNKNOWN_STATION.format(code=code))
        errors.extend(RowError(path.name, line, problem) for problem in problems)
        if not problems:
            voters.append((run, code))
    return voters


def registry_read(*, stations_path: Path | None, voters_path: Path | None) -> RegistryLoad:
    """Read and check both files; nothing is written."""
    load = RegistryLoad()
    if stations_path is not None:
        load.stations = stations_read(stations_path, load.errors)
    if voters_path is not None:
        known = set(PollingStation.objects.values_list("code", flat=True)) | {row["code"] for row in load.stations}
        load.voters = voters_read(voters_path, known, load.errors)
    return load


@transaction.atomic
def registry_apply(*, load: RegistryLoad, progress: Callable[[int], None] = lambda count: None) -> None:
    """Write a clean load: stations first (by code), then voters (by RUN); ``progress`` hears the rows written."""
    if not load.is_clean:
        raise ValueError("A load with bad rows is never applied.")
    PollingStation.objects.bulk_create(
        [
            PollingStation(
                code=row["code"],
                name=row["name"],
                address=row["address"],
                comuna=row["comuna"],
                region=row["region"],
                location=Point(row["lon"], row["lat"], srid=4326),
            )
            for row in load.stations
        ],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "address", "comuna", "region", "location", "updated_at"],
        batch_size=BATCH_SIZE,
    )
    progress(len(load.stations))
    station_ids = dict(PollingStation.objects.values_list("code", "id"))
    for start in range(0, len(load.voters), BATCH_SIZE):
        batch = load.voters[start : start + BATCH_SIZE]
        VoterRegistration.objects.bulk_create(
            [VoterRegistration(run=run, station_id=station_ids[code]) for run, code in batch],
            update_conflicts=True,
            unique_fields=["run"],
            update_fields=["station"],
        )
        progress(len(batch))
