"""Online complaints as formal reports: they count from filing, stop counting when rejected, and a police
record that describes the same incident (it carries the complaint's folio) leaves one report, not two."""

import csv
import datetime as dt
import uuid

import pytest
from django.utils import timezone

from backend.analytics.models import FormalReport, ReportSource
from backend.analytics.selectors.areas import Area, month_parse
from backend.analytics.selectors.dark_figure import dark_figure_report
from backend.analytics.selectors.stop_pack import compstat_counts
from backend.analytics.services.formal_reports import formal_report_rows_read, formal_reports_import
from backend.analytics.services.online_complaints import online_complaints_sync
from backend.station.complaints.services import ComplaintInput, complaint_file, complaint_review
from tests.factories import PrecinctFactory
from tests.factories.analytics import offense_type
from tests.factories.geo import cell_center
from tests.factories.station import station_officer, verified_citizen

pytestmark = pytest.mark.django_db
OCCURRED = dt.datetime(2025, 5, 2, 21, 30, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _offense_catalogue():
    offense_type()  # re-seeds the catalogue a transactional test may have flushed


@pytest.fixture
def precinct():
    return PrecinctFactory(column=0, name="La Granja")


def file_complaint(*, offense="simple_theft", lat=None, lon=None, address="", comuna="", items=None):
    if lat is None and not address:
        lat, lon = cell_center(0)
    data = ComplaintInput(
        offense=offense,
        occurred_at=OCCURRED,
        narrative="Me robaron el celular.",
        reported_elsewhere=False,
        submission_key=uuid.uuid4(),
        lat=lat,
        lon=lon,
        address=address,
        comuna=comuna,
        items=items if items is not None else [{"description": "Celular", "value": 90000}],
    )
    return complaint_file(complainant=verified_citizen(), data=data).complaint


def counts(precinct):
    area = Area(kind="precinct", code=precinct.code, name=precinct.name, precincts=(precinct,))
    report = dark_figure_report(area=area, month=month_parse("2025-05"))
    pack = compstat_counts(precinct_ids=[precinct.id], end_date=dt.date(2025, 5, 20))
    n1 = report.rows_for(preset="default")[0].estimate.n1
    theft = next(row for row in pack["formal"] if row["code"] == "simple_theft")
    return n1, theft["windows"]["last_28_days"]["current"]


def test_a_filed_complaint_becomes_a_formal_report_of_source_online_complaint(precinct):
    # given a complaint filed with a map point
    complaint = file_complaint()

    # when the sync runs (after commit in production; the task calls this service)
    result = online_complaints_sync(folio=complaint.folio)

    # then one formal report mirrors it, and it counts in the dark figure and the STOP pack
    report = FormalReport.objects.get()
    assert (result.written, result.removed) == (1, 0)
    assert (report.source, report.external_id, report.offense_type.code) == (
        ReportSource.ONLINE_COMPLAINT,
        complaint.folio,
        "simple_theft",
    )
    assert (report.occurred_at, report.precinct) == (OCCURRED, precinct)
    assert report.location.equals_exact(complaint.location, tolerance=1e-9)
    assert counts(precinct) == (1, 1)


def test_the_sync_is_idempotent_and_a_rejection_stops_the_count(precinct):
    complaint = file_complaint()
    online_complaints_sync()
    online_complaints_sync()
    assert FormalReport.objects.count() == 1
    assert online_complaints_sync().written == 0  # nothing changed, nothing rewritten

    # when an officer rejects it
    complaint_review(officer=station_officer([precinct]), folio=complaint.folio, action="reject", note="No es delito.")
    result = online_complaints_sync(folio=complaint.folio)

    # then it no longer counts
    assert result.removed == 1
    assert FormalReport.objects.count() == 0
    assert counts(precinct) == (0, 0)


def test_a_complaint_with_only_an_address_counts_on_its_comuna(precinct):
    complaint = file_complaint(address="Santa Rosa 9000", comuna=precinct.code)

    online_complaints_sync()

    report = FormalReport.objects.get(external_id=complaint.folio)
    assert precinct.boundary.contains(report.location)
    assert report.precinct == precinct


def test_all_nine_complaint_types_map_to_an_offense_type(precinct):
    from backend.analytics.models import OffenseType
    from backend.station.complaints.catalogue import COMPLAINT_TYPES

    assert {kind.offense for kind in COMPLAINT_TYPES.values()} <= set(
        OffenseType.objects.values_list("code", flat=True)
    )


def write_csv(path, rows):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(
            handle,
            fieldnames=["external_id", "offense_type", "occurred_at", "filed_at", "lat", "lon", "complaint_folio"],
        )
        writer.writeheader()
        writer.writerows(rows)


def test_a_police_record_carrying_the_complaint_folio_is_one_incident_not_two(precinct, tmp_path):
    # given an online complaint already counted as a formal report
    complaint = file_complaint()
    online_complaints_sync()
    assert counts(precinct) == (1, 1)
    lat, lon = cell_center(0)

    # when the police-records import brings the case the complaint became (with its folio), and another case
    path = tmp_path / "records.csv"
    local = timezone.localtime(OCCURRED).replace(tzinfo=None)
    write_csv(
        path,
        [
            {
                "external_id": "CASO-1",
                "offense_type": "simple_theft",
                "occurred_at": local.isoformat(),
                "filed_at": (local + dt.timedelta(days=2)).isoformat(),
                "lat": lat,
                "lon": lon,
                "complaint_folio": complaint.folio.lower(),
            },
            {
                "external_id": "CASO-2",
                "offense_type": "simple_theft",
                "occurred_at": local.isoformat(),
                "filed_at": (local + dt.timedelta(days=1)).isoformat(),
                "lat": lat,
                "lon": lon,
                "complaint_folio": "",
            },
        ],
    )
    _, rows = formal_report_rows_read(path)
    result = formal_reports_import(raw_rows=rows)

    # then both rows are stored, but the complaint and its case count once: two incidents, not three
    assert (result.inserted, result.rejected) == (2, 0)
    assert FormalReport.objects.count() == 3
    assert FormalReport.objects.get(external_id="CASO-1").complaint_folio == complaint.folio
    assert counts(precinct) == (2, 2)
    counted = set(FormalReport.objects.counted().values_list("external_id", flat=True))
    assert counted == {"CASO-1", "CASO-2"}

    # and a later sync (the beat) does not bring the duplicate back
    online_complaints_sync()
    assert counts(precinct) == (2, 2)


def test_the_order_does_not_matter_a_record_imported_before_the_complaint_syncs(precinct):
    complaint = file_complaint()
    FormalReport.objects.create(
        offense_type_id=FormalReport._meta.get_field("offense_type").related_model.objects.get(code="simple_theft").id,
        occurred_at=OCCURRED,
        filed_at=OCCURRED + dt.timedelta(days=1),
        location=complaint.location,
        precinct=precinct,
        source=ReportSource.POLICE_RECORDS,
        external_id="CASO-9",
        complaint_folio=complaint.folio,
    )

    online_complaints_sync()

    assert FormalReport.objects.count() == 2
    assert counts(precinct) == (1, 1)
