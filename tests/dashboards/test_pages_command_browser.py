"""The commander's dashboard in a real Chromium with a real Celery worker: the month it opens on, the pack
computed off the request path with its progress, the weekly trend charts and the printed PDF pack."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from backend.accounts.models import Role
from backend.alerts.models import AlertStep
from backend.analytics.models import AnalyticsJob, JobKind, JobStatus
from tests.factories import PrecinctFactory, staff_user
from tests.factories.alerts import AlertFactory, category
from tests.factories.analytics import FormalReportFactory, offense_type
from tests.plugins.browser import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

WEEKS_OF_DATA = 60


@pytest.fixture
def precinct():
    return PrecinctFactory(column=0, name="Precinto Sur")


def _previous_month(today: dt.date) -> str:
    last = today.replace(day=1) - dt.timedelta(days=1)
    return f"{last:%Y-%m}"


def _weekly_data(precinct) -> None:
    """One formal theft and one theft alert a week for WEEKS_OF_DATA weeks, ending yesterday."""
    yesterday = timezone.now() - dt.timedelta(days=1)
    theft, alert_category = offense_type("simple_theft"), category("theft")
    for week in range(WEEKS_OF_DATA):
        moment = yesterday - dt.timedelta(weeks=week)
        FormalReportFactory(precinct=precinct, offense_type=theft, occurred_at=moment)
        alert = AlertFactory(precinct=precinct, category=alert_category, created_at=moment)
        AlertStep.objects.filter(alert=alert).update(created_at=moment)


def test_the_pack_opens_on_the_last_complete_month_and_labels_the_current_one_so_far(
    browser_context, precinct, celery_worker, screenshot
):
    # given a commander of one precinct
    commander = staff_user(Role.COMMANDER, precincts=[precinct])
    today = timezone.localdate()
    page = browser_context(commander).new_page()

    # when they open the dashboard
    page.goto("/mando/")

    # then the last complete month is chosen, and the current month is offered as "so far"
    assert page.locator("#command-month").input_value() == _previous_month(today)
    current = page.locator(f"#command-month option[value='{today:%Y-%m}']")
    expect(current).to_have_text(f"{today:%Y-%m} (hasta hoy)")
    expect(page.locator("#command-heading")).to_contain_text(f"Precinto Sur, {_previous_month(today)}")
    expect(page.locator("#command-heading")).not_to_contain_text("hasta hoy")

    # when they pick the current month
    page.select_option("#command-month", f"{today:%Y-%m}")
    page.click("#command-form button[type=submit]")

    # then the heading says the month is not over
    expect(page.locator("#command-heading")).to_contain_text(f"{today:%Y-%m} (hasta hoy)")
    assert page.context.problems == []


def test_the_pack_is_computed_by_the_worker_and_shows_weekly_trends_beside_a_year_earlier(
    browser_context, precinct, celery_worker, screenshot
):
    # given a year and more of weekly thefts in both sources
    _weekly_data(precinct)
    commander = staff_user(Role.COMMANDER, precincts=[precinct])
    page = browser_context(commander).new_page()

    # when the commander opens the pack
    page.goto("/mando/")

    # then the tables and one chart per category with data, totals first, are drawn once the job is done
    expect(page.locator("#stop-tables table")).to_have_count(2)
    charts = page.locator("#trends .trend-chart")
    expect(charts).to_have_count(4)
    assert charts.evaluate_all("nodes => nodes.map(node => node.dataset.source + ':' + node.dataset.code)") == [
        "formal:total",
        "formal:simple_theft",
        "informal:total",
        "informal:theft",
    ]
    caption = page.locator("#trends .trend-chart[data-source=formal][data-code=simple_theft] figcaption")
    expect(caption).to_contain_text("52 en las últimas 52 semanas")
    assert page.locator("#trends canvas").first.evaluate("canvas => Chart.getChart(canvas).data.datasets.length") == 2
    expect(page.locator("#pack-progress")).to_be_hidden()
    job = AnalyticsJob.objects.get(kind=JobKind.STOP_PACK)
    assert (job.status, job.progress, job.is_final, job.precinct_ids) == (JobStatus.DONE, 100, True, [precinct.id])
    screenshot(page, "command-dashboard", full_page=True)

    # and a second visit reads the cached month instead of computing it again
    page.reload()
    expect(page.locator("#trends .trend-chart")).to_have_count(4)
    assert AnalyticsJob.objects.filter(kind=JobKind.STOP_PACK).count() == 1
    assert page.context.problems == []


def test_the_printed_pack_is_built_with_progress_and_downloads_as_a_tagged_pdf_with_the_tables(
    browser_context, precinct, celery_worker, screenshot
):
    # given a month of data and the commander on the dashboard
    _weekly_data(precinct)
    commander = staff_user(Role.COMMANDER, precincts=[precinct])
    page = browser_context(commander).new_page()
    page.goto("/mando/")
    expect(page.locator("#stop-tables table")).to_have_count(2)

    # when they ask for the PDF
    page.click("#pdf-button")

    # then the page offers the file once the worker has built it, and it downloads
    link = page.locator("#pdf-link")
    expect(link).to_be_visible(timeout=60_000)
    screenshot(page, "command-pdf-ready")
    with page.expect_download() as download:
        link.click()
    content = download.value.path().read_bytes()
    assert content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(content))
    text = " ".join(page_.extract_text() for page_ in reader.pages)
    for expected in ("Conteos y variación", "Hurto simple", "Tendencias semanales", "Cifra negra", "Adopción"):
        assert expected in text
    assert "Precinto Sur" in text
    # Tagged for screen readers (PDF/UA-1), in Spanish.
    root = reader.trailer["/Root"]
    assert (root["/MarkInfo"]["/Marked"], root["/Lang"]) == (True, "es")
    assert "/StructTreeRoot" in root
    job = AnalyticsJob.objects.get(kind=JobKind.STOP_PACK_PDF)
    assert (job.status, job.result["bytes"]) == (JobStatus.DONE, len(content))
    assert page.context.problems == []


def test_the_dashboard_reads_on_a_phone(browser_context, precinct, celery_worker, screenshot):
    _weekly_data(precinct)
    commander = staff_user(Role.COMMANDER, precincts=[precinct])
    page = browser_context(commander, viewport=PHONE).new_page()
    page.goto("/mando/")
    expect(page.locator("#trends .trend-chart")).to_have_count(4)
    screenshot(page, "command-dashboard-phone", full_page=True)
    wide = page.evaluate(
        "[...document.querySelectorAll('body *')].filter(n => n.getBoundingClientRect().right > innerWidth + 1)"
        ".filter(n => !n.closest('.table-scroll')).map(n => n.tagName + '#' + n.id + '.' + n.className).slice(0, 8)"
    )
    assert wide == []
