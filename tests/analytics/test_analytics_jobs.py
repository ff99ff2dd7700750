"""Heavy analytics as jobs: 202 and a status URL, progress, the finished month cached until its data change,
the current month recomputed, scope on job ids, and the real Celery worker doing the work."""

import datetime as dt
import time

import pytest
from django.utils import timezone

from backend.accounts.models import Role
from backend.analytics.models import AnalyticsJob, JobKind, JobStatus, LinkStatus, SyntheticTruth
from backend.analytics.selectors.areas import Area, Month
from backend.analytics.selectors.dark_figure import dark_figure_report
from backend.analytics.selectors.jobs import ERROR_JOB_NOT_DONE, ERROR_JOB_NOT_FOUND
from backend.analytics.selectors.trends import weekly_trends
from backend.analytics.services.formal_reports import ReportRow, formal_reports_import_batch
from backend.analytics.services.jobs import (
    CURRENT_PERIOD_MAX_AGE,
    ERROR_JOB_FAILED,
    analytics_job_execute,
    analytics_job_request,
)
from backend.analytics.services.linkage import incident_link_review
from tests.factories import PrecinctFactory, staff_user
from tests.factories.alerts import AlertFactory, category
from tests.factories.analytics import FormalReportFactory, IncidentLinkFactory, analytics_jobs_run, offense_type

pytestmark = pytest.mark.django_db

PACK = "/api/analytics/stop-pack/"
MARCH = {"month": "2024-03"}


def _area(precinct) -> Area:
    return Area(kind="precinct", code=precinct.code, name=precinct.name, precincts=(precinct,))


def test_a_finished_month_is_computed_once_and_then_served_from_its_job(client_for):
    precinct = PrecinctFactory(column=0)
    client = client_for(staff_user(Role.COMMANDER, [precinct]))
    first = client.get(PACK, {"precinct": precinct.code, **MARCH})
    assert (first.status_code, first.json()["kind"], first.json()["progress"]) == (202, "stop_pack", 0)
    assert client.get(PACK, {"precinct": precinct.code, **MARCH}).json()["id"] == first.json()["id"]
    (job,) = analytics_jobs_run()
    assert (job.status, job.progress, job.is_final) == (JobStatus.DONE, 100, True)
    # Later requests read the stored result, however old it is.
    AnalyticsJob.objects.filter(id=job.id).update(finished_at=timezone.now() - dt.timedelta(days=90))
    again = client.get(PACK, {"precinct": precinct.code, **MARCH})
    assert (again.status_code, again.json()["job"]["id"], AnalyticsJob.objects.count()) == (200, job.id, 1)


def test_the_current_month_is_recomputed_once_its_result_is_older_than_the_limit(client_for):
    precinct = PrecinctFactory(column=0)
    client = client_for(staff_user(Role.COMMANDER, [precinct]))
    this_month = f"{timezone.localdate():%Y-%m}"
    client.get(PACK, {"precinct": precinct.code, "month": this_month})
    (job,) = analytics_jobs_run()
    assert job.is_final is False
    assert client.get(PACK, {"precinct": precinct.code, "month": this_month}).status_code == 200
    AnalyticsJob.objects.filter(id=job.id).update(finished_at=timezone.now() - CURRENT_PERIOD_MAX_AGE)
    response = client.get(PACK, {"precinct": precinct.code, "month": this_month})
    assert response.status_code == 202
    assert list(AnalyticsJob.objects.values_list("is_current", flat=True).order_by("id")) == [False, True]


def test_importing_reports_drops_the_cached_months_they_reach_and_no_others():
    # given packs cached for February, March and April
    precinct, other = PrecinctFactory(column=0), PrecinctFactory(column=1)
    for month_end in (dt.date(2024, 2, 29), dt.date(2024, 3, 31), dt.date(2024, 4, 30)):
        analytics_job_request(kind=JobKind.STOP_PACK, area=_area(precinct), end_date=month_end)
    analytics_job_request(kind=JobKind.STOP_PACK, area=_area(other), end_date=dt.date(2024, 4, 30))
    analytics_jobs_run()
    # when a report for 10 March in the first precinct is imported
    when = dt.datetime(2024, 3, 10, 15, tzinfo=dt.UTC)
    lat, lon = precinct.boundary.centroid.y, precinct.boundary.centroid.x
    row = ReportRow(row=1, external_id="X-1", offense_type_id=offense_type().id, occurred_at=when, filed_at=when,
                    lat=lat, lon=lon)  # fmt: skip
    assert formal_reports_import_batch(rows=[row], source="police_records").inserted == 1
    # then March and April (whose year-to-date reads March) are stale; February and the other precinct are not
    current = AnalyticsJob.objects.filter(is_current=True)
    assert sorted((job.precinct_ids[0], f"{job.month:%m}") for job in current) == [
        (precinct.id, "02"),
        (other.id, "04"),
    ]


def test_an_analysts_link_decision_drops_that_month_only():
    link = IncidentLinkFactory()
    precinct = link.formal_report.precinct
    for month_end in (dt.date(2024, 3, 31), dt.date(2024, 4, 30)):
        analytics_job_request(kind=JobKind.STOP_PACK, area=_area(precinct), end_date=month_end)
    analytics_jobs_run()
    incident_link_review(link_id=link.id, decision=LinkStatus.CONFIRMED, reviewer=None, allowed_precinct_ids=None)
    assert [f"{job.month:%m}" for job in AnalyticsJob.objects.filter(is_current=True)] == ["04"]


def test_a_failing_job_is_recorded_with_its_error_and_asked_for_again(client_for, monkeypatch):
    precinct = PrecinctFactory(column=0)
    client = client_for(staff_user(Role.COMMANDER, [precinct]))
    accepted = client.get(PACK, {"precinct": precinct.code, **MARCH}).json()

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("backend.analytics.selectors.stop_pack.stop_pack", broken)
    (job,) = analytics_jobs_run()
    status = client.get(accepted["status_url"]).json()
    assert (status["status"], status["error"], status["result_url"]) == (
        "failed",
        ERROR_JOB_FAILED.format(error="disk full"),
        None,
    )
    assert client.get(job_result_url(job.id)).json()["error"]["message"] == ERROR_JOB_NOT_DONE
    retry = client.get(PACK, {"precinct": precinct.code, **MARCH})
    assert (retry.status_code, retry.json()["id"] != job.id) == (202, True)


def job_result_url(job_id: int) -> str:
    return f"/api/analytics/jobs/{job_id}/result/"


def test_a_job_is_taken_by_one_worker_only():
    precinct = PrecinctFactory(column=0)
    job = analytics_job_request(kind=JobKind.STOP_PACK, area=_area(precinct), end_date=dt.date(2024, 3, 31))
    assert analytics_job_execute(job_id=job.id).status == JobStatus.DONE
    assert analytics_job_execute(job_id=job.id) is None


def test_jobs_outside_the_users_scope_are_not_found(client_for):
    here, elsewhere = PrecinctFactory(column=0), PrecinctFactory(column=1)
    job = analytics_job_request(kind=JobKind.STOP_PACK, area=_area(elsewhere), end_date=dt.date(2024, 3, 31))
    client = client_for(staff_user(Role.COMMANDER, [here]))
    for url in (f"/api/analytics/jobs/{job.id}/", job_result_url(job.id), "/api/analytics/jobs/999999/"):
        response = client.get(url)
        assert (response.status_code, response.json()["error"]["message"]) == (404, ERROR_JOB_NOT_FOUND)


def test_a_pack_asked_for_as_csv_is_accepted_as_json_while_it_is_computed(client_for):
    precinct = PrecinctFactory(column=0)
    client = client_for(staff_user(Role.COMMANDER, [precinct]))
    response = client.get(PACK, {"precinct": precinct.code, **MARCH, "format": "csv"})
    assert (response.status_code, response["Content-Type"]) == (202, "application/json")
    page = client.get("/api/analytics/stop-pack/page/", {"precinct": precinct.code, **MARCH})
    assert (page.status_code, page["Content-Type"]) == (202, "text/html; charset=utf-8")
    assert 'http-equiv="refresh"' in page.content.decode()


def test_weekly_trends_count_each_week_and_the_same_week_a_year_earlier():
    # given thefts on 2 March 2024 (twice), 29 February 2024 and 4 March 2023 (52 weeks before 2 March 2024)
    precinct = PrecinctFactory(column=0)
    theft = offense_type("simple_theft")
    for moment in ((2024, 3, 2), (2024, 3, 2), (2024, 2, 29), (2023, 3, 4)):
        FormalReportFactory(precinct=precinct, offense_type=theft, occurred_at=dt.datetime(*moment, 15, tzinfo=dt.UTC))
    AlertFactory(precinct=precinct, category=category("theft"), created_at=dt.datetime(2024, 3, 1, 15, tzinfo=dt.UTC))
    # when the trend ends on Saturday 2 March 2024
    trends = weekly_trends(precinct_ids=[precinct.id], end_date=dt.date(2024, 3, 2), weeks=3)
    # then the last week (25 Feb–2 Mar) holds three, and its year-earlier week (27 Feb–4 Mar 2023) one
    assert (trends["weeks"], trends["prior_weeks"]) == (
        ["2024-02-17", "2024-02-24", "2024-03-02"],
        ["2023-02-18", "2023-02-25", "2023-03-04"],
    )
    (theft_row, total) = trends["formal"]
    assert (theft_row["code"], theft_row["current"], theft_row["prior"]) == ("simple_theft", [0, 0, 3], [0, 0, 1])
    assert (total["code"], total["current"]) == ("total", [0, 0, 3])
    assert [(row["code"], row["current"]) for row in trends["informal"]] == [("theft", [0, 0, 1]), ("total", [0, 0, 1])]


def test_the_synthetic_truth_is_shown_beside_the_estimate_only_where_it_exists():
    precinct, other = PrecinctFactory(column=0), PrecinctFactory(column=1)
    SyntheticTruth.objects.create(
        precinct=precinct, month=dt.date(2024, 3, 1), true_incidents=40, reached_police=20, reached_app=18
    )
    area = Area(kind="prefecture", code="P", name="P", precincts=(precinct, other))
    rows = dark_figure_report(area=area, month=Month(dt.date(2024, 3, 1))).rows_for(preset="default")
    truths = [row.as_dict()["synthetic_truth"] for row in rows]
    assert truths[0] == {"true_n": 40, "true_dark_figure": 0.5, "interval_covers_true_n": None}
    assert truths[1:] == [None, None]  # the other precinct, and the total that would need both


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_real_worker_computes_the_pack_and_the_api_then_answers_with_it(client_for, celery_worker):
    precinct = PrecinctFactory(column=0)
    FormalReportFactory(precinct=precinct)
    client = client_for(staff_user(Role.COMMANDER, [precinct]))
    accepted = client.get(PACK, {"precinct": precinct.code, **MARCH})
    assert accepted.status_code == 202
    deadline = time.monotonic() + 60
    status = accepted.json()
    while status["status"] in ("pending", "running") and time.monotonic() < deadline:
        time.sleep(0.2)
        status = client.get(status["status_url"]).json()
    assert (status["status"], status["progress"]) == ("done", 100)
    pack = client.get(status["result_url"]).json()
    assert pack["formal"][-1]["windows"]["year_to_date"]["current"] == 1
    assert client.get(PACK, {"precinct": precinct.code, **MARCH}).status_code == 200
