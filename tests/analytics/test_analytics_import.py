import csv
import datetime as dt
import json

import pytest
from django.core.management import call_command

from backend.analytics.models import FormalReport, ReportSource
from backend.analytics.selectors.routing import precincts_for_points
from backend.analytics.services.formal_reports import (
    REASON_BAD_COORDINATES,
    REASON_BAD_DATE,
    REASON_FILED_BEFORE_OCCURRED,
    REASON_IN_FUTURE,
    REASON_MISSING,
    REASON_OUTSIDE_JURISDICTION,
    REASON_UNKNOWN_OFFENSE,
    formal_report_rows_read,
    formal_reports_import,
)
from backend.geo.selectors import OutsideJurisdiction, precinct_for_point
from tests.factories import PrecinctFactory, square
from tests.factories.analytics import offense_type
from tests.factories.geo import CELL_DEGREES, ORIGIN_LAT, ORIGIN_LON, cell_center

pytestmark = pytest.mark.django_db

HEADER = ["external_id", "offense_type", "occurred_at", "filed_at", "lat", "lon"]


@pytest.fixture(autouse=True)
def _catalogue():
    offense_type()


def _write_csv(path, rows):
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def _read_rejects(path):
    with path.open(newline="") as handle:
        return [(int(row["row"]), row["external_id"], row["reason"]) for row in csv.DictReader(handle)]


def test_valid_rows_load_routed_to_their_precinct(tmp_path):
    # given two precincts and a CSV with one report in each
    first, second = PrecinctFactory(column=0), PrecinctFactory(column=1)
    (lat0, lon0), (lat1, lon1) = cell_center(0), cell_center(1)
    path = _write_csv(
        tmp_path / "reports.csv",
        [
            ["A-1", "simple_theft", "2024-03-01T10:00:00-03:00", "2024-03-01T12:00:00-03:00", lat0, lon0],
            ["A-2", "Robo por sorpresa", "2024-03-02 21:15", "2024-03-03 09:00", lat1, lon1],
        ],
    )
    # when
    call_command("import_formal_reports", str(path), verbosity=0)
    # then both load, with their offense types, local-time parsing and routing
    reports = {report.external_id: report for report in FormalReport.objects.select_related("offense_type")}
    assert sorted(reports) == ["A-1", "A-2"]
    assert (reports["A-1"].precinct_id, reports["A-1"].offense_type.code) == (first.id, "simple_theft")
    assert (reports["A-2"].precinct_id, reports["A-2"].offense_type.code) == (second.id, "surprise_robbery")
    assert reports["A-2"].occurred_at == dt.datetime(2024, 3, 3, 0, 15, tzinfo=dt.UTC)  # 21:15 at UTC-3
    assert reports["A-1"].source == ReportSource.POLICE_RECORDS
    assert not (tmp_path / "reports.csv.rejects.csv").exists()


def test_bad_rows_are_rejected_with_row_number_and_reason_and_good_rows_still_load(tmp_path):
    PrecinctFactory(column=0)
    lat, lon = cell_center(0)
    far_lat, far_lon = -33.0, -71.5
    path = _write_csv(
        tmp_path / "mixed.csv",
        [
            ["OK-1", "simple_theft", "2024-03-01T10:00", "2024-03-01T11:00", lat, lon],  # row 2
            ["BAD-COORD", "simple_theft", "2024-03-01T10:00", "2024-03-01T11:00", "95", lon],  # row 3
            ["BAD-NAN", "simple_theft", "2024-03-01T10:00", "2024-03-01T11:00", "nan", lon],  # row 4
            ["BAD-TYPE", "piracy", "2024-03-01T10:00", "2024-03-01T11:00", lat, lon],  # row 5
            ["BAD-ORDER", "simple_theft", "2024-03-01T10:00", "2024-03-01T09:00", lat, lon],  # row 6
            ["BAD-FUTURE", "simple_theft", "2024-03-01T10:00", "2999-01-01T00:00", lat, lon],  # row 7
            ["BAD-DATE", "simple_theft", "yesterday", "2024-03-01T11:00", lat, lon],  # row 8
            ["BAD-FAR", "simple_theft", "2024-03-01T10:00", "2024-03-01T11:00", far_lat, far_lon],  # row 9
            ["", "simple_theft", "2024-03-01T10:00", "2024-03-01T11:00", lat, lon],  # row 10
        ],
    )
    rejects_path = tmp_path / "rejects.csv"
    call_command("import_formal_reports", str(path), rejects=str(rejects_path), verbosity=0)
    assert list(FormalReport.objects.values_list("external_id", flat=True)) == ["OK-1"]
    assert _read_rejects(rejects_path) == [
        (3, "BAD-COORD", REASON_BAD_COORDINATES),
        (4, "BAD-NAN", REASON_BAD_COORDINATES),
        (5, "BAD-TYPE", REASON_UNKNOWN_OFFENSE.format(value="piracy")),
        (6, "BAD-ORDER", REASON_FILED_BEFORE_OCCURRED),
        (7, "BAD-FUTURE", REASON_IN_FUTURE.format(column="filed_at")),
        (8, "BAD-DATE", REASON_BAD_DATE.format(column="occurred_at")),
        (9, "BAD-FAR", REASON_OUTSIDE_JURISDICTION),
        (10, "", REASON_MISSING.format(column="external_id")),
    ]


def test_re_running_an_import_inserts_nothing_new(tmp_path):
    PrecinctFactory(column=0)
    lat, lon = cell_center(0)
    rows = [[f"R-{n}", "fraud", "2024-03-01T10:00", "2024-03-01T11:00", lat, lon] for n in range(5)]
    path = _write_csv(tmp_path / "reports.csv", rows + [rows[0]])  # a duplicate inside the file too
    first = formal_reports_import(raw_rows=formal_report_rows_read(path)[1], batch_size=2)
    second = formal_reports_import(raw_rows=formal_report_rows_read(path)[1], batch_size=2)
    assert (first.inserted, first.already_present, first.rejected) == (5, 1, 0)
    assert (second.inserted, second.already_present, second.rejected) == (0, 6, 0)
    assert FormalReport.objects.count() == 5


def test_the_same_external_id_from_another_source_is_another_report(tmp_path):
    PrecinctFactory(column=0)
    lat, lon = cell_center(0)
    path = _write_csv(tmp_path / "r.csv", [["X-1", "fraud", "2024-03-01T10:00", "2024-03-01T11:00", lat, lon]])
    call_command("import_formal_reports", str(path), verbosity=0)
    call_command("import_formal_reports", str(path), source="online_complaint", verbosity=0)
    assert sorted(FormalReport.objects.values_list("source", flat=True)) == ["online_complaint", "police_records"]


def test_geojson_features_load_and_a_feature_without_point_is_rejected(tmp_path):
    precinct = PrecinctFactory(column=0)
    lat, lon = cell_center(0)
    properties = {"offense_type": "drugs", "occurred_at": "2024-03-01T10:00", "filed_at": "2024-03-01T10:30"}
    document = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {**properties, "external_id": "G-1"},
            },
            {"type": "Feature", "geometry": None, "properties": {**properties, "external_id": "G-2"}},
        ],
    }
    path = tmp_path / "reports.geojson"
    path.write_text(json.dumps(document))
    result = formal_reports_import(raw_rows=formal_report_rows_read(path)[1])
    assert list(FormalReport.objects.values_list("external_id", "precinct_id")) == [("G-1", precinct.id)]
    assert [(reject.row, reject.external_id) for reject in result.rejects] == [(2, "G-2")]


def test_bulk_routing_agrees_with_the_selector_inside_overlap_gap_and_outside():
    # given an overlap between columns 0 and 1, and a gap between columns 1 and 2
    PrecinctFactory(column=0, boundary=square(0, size=CELL_DEGREES + 0.004))
    PrecinctFactory(column=1)
    PrecinctFactory(column=2, boundary=square(2, grow=-0.003))
    lat = ORIGIN_LAT + CELL_DEGREES / 2
    edge = ORIGIN_LON + CELL_DEGREES
    points = [
        cell_center(0),  # inside
        (lat, edge + 0.001),  # overlap, deeper in column 0
        (lat, edge + 0.003),  # overlap, deeper in column 1
        (lat, edge + CELL_DEGREES + 0.001),  # gap, nearer column 1
        (lat, edge + CELL_DEGREES + 0.0025),  # gap, nearer column 2
        (lat, ORIGIN_LON - 0.02),  # outside, about 1.9 km west
    ]
    # when
    routed = precincts_for_points(points=points)
    # then each point gets exactly what the one-point selector says
    expected = []
    for point_lat, point_lon in points:
        try:
            match = precinct_for_point(lat=point_lat, lon=point_lon)
            expected.append((match.precinct_id, match.is_overlap, match.is_gap))
        except OutsideJurisdiction:
            expected.append(None)
    assert [None if r is None else (r.precinct_id, r.is_overlap, r.is_gap) for r in routed] == expected
    assert [r is None for r in routed] == [False, False, False, False, False, True]
    assert [r.is_overlap for r in routed[1:3]] == [True, True]
    assert [r.is_gap for r in routed[3:5]] == [True, True]
