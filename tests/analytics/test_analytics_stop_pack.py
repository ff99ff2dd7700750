import datetime as dt
import json
import re
from zoneinfo import ZoneInfo

import pytest
from django.contrib.gis.geos import Point
from django.core.management import call_command

from backend.accounts.models import Role
from backend.alerts.models import AlertStep
from backend.analytics.selectors.areas import Area
from backend.analytics.selectors.stop_pack import stop_pack
from tests.factories import PrecinctFactory, staff_user
from tests.factories.alerts import AlertFactory, category
from tests.factories.analytics import FormalReportFactory, analytics_jobs_run, offense_type
from tests.factories.geo import cell_center

pytestmark = pytest.mark.django_db

SANTIAGO = ZoneInfo("America/Santiago")
ASSET = re.compile(r"""<(?:script[^>]*\ssrc|link[^>]*\shref|iframe[^>]*\ssrc)=["']([^"']+)["']""")


def local(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SANTIAGO)


def _report(precinct, when, code="simple_theft"):
    return FormalReportFactory(precinct=precinct, occurred_at=when, offense_type=offense_type(code))


def _alert(precinct, when, code="theft", **kwargs):
    return AlertFactory(precinct=precinct, created_at=when, category=category(code), **kwargs)


def _area(precinct) -> Area:
    return Area(kind="precinct", code=precinct.code, name=precinct.name, precincts=(precinct,))


@pytest.fixture
def leap_year_data():
    """Hand-made records around the pack ending on 29 February 2024 (local days)."""
    precinct = PrecinctFactory(column=0)
    for when in (
        local(2024, 2, 29, 23, 30),  # last minutes of the end day: every current window
        local(2024, 2, 10, 12, 0),  # last 28 days and year to date
        local(2024, 1, 5, 12, 0),  # year to date only
        local(2024, 3, 1, 0, 30),  # after the end day: nowhere
        local(2023, 2, 28, 12, 0),  # every prior-year window (29 Feb maps to 28 Feb)
        local(2023, 3, 1, 0, 30),  # the day after the prior windows: nowhere
    ):
        _report(precinct, when)
    _report(precinct, local(2024, 2, 25, 9, 0), code="fraud")  # prior year 0 -> n/a
    _alert(precinct, local(2024, 2, 28, 20, 0))
    _alert(precinct, local(2024, 2, 27, 20, 0), code="fire")
    _alert(precinct, local(2024, 2, 27, 21, 0), status="false_alarm")  # not an incident
    return precinct


def _row(rows, code):
    return next(row for row in rows if row["code"] == code)


def _counts(row):
    return {name: (change["current"], change["prior"]) for name, change in row["windows"].items()}


def test_compstat_counts_on_a_leap_year_end_date(leap_year_data):
    pack = stop_pack(area=_area(leap_year_data), end_date=dt.date(2024, 2, 29))
    assert pack["windows"]["last_7_days_prior_year"] == {"start": "2023-02-23", "end": "2023-02-28"}
    theft = _row(pack["formal"], "simple_theft")
    assert _counts(theft) == {"last_7_days": (1, 1), "last_28_days": (2, 1), "year_to_date": (3, 1)}
    assert theft["windows"]["year_to_date"] == {
        "current": 3,
        "prior": 1,
        "absolute_change": 2,
        "percent_change": 200.0,
        "percent_change_label": "+200.0%",
        "wheeler_z": 1.46,  # 2(√3 − √1)
        "is_signal": False,
    }
    fraud = _row(pack["formal"], "fraud")["windows"]["last_7_days"]
    assert (fraud["percent_change"], fraud["percent_change_label"], fraud["wheeler_z"]) == (None, "n/a", 2.0)
    assert _counts(_row(pack["formal"], "total"))["year_to_date"] == (4, 1)
    assert _counts(_row(pack["informal"], "theft"))["last_7_days"] == (1, 0)
    assert _counts(_row(pack["informal"], "fire"))["last_7_days"] == (1, 0)
    assert _counts(_row(pack["informal"], "total"))["last_7_days"] == (2, 0)
    # side by side: formal property (theft + fraud) against informal property (theft alerts)
    property_group = next(row for row in pack["side_by_side"] if row["group"] == "property")
    assert (
        property_group["formal"]["last_7_days"]["current"],
        property_group["informal"]["last_7_days"]["current"],
    ) == (
        2,
        1,
    )


def test_response_times_come_from_the_timelines():
    precinct = PrecinctFactory(column=0)
    start = local(2024, 3, 20, 10, 0)
    for ack_seconds, extra in ((60, True), (120, False)):
        alert = _alert(precinct, start, status="resolved")
        AlertStep.objects.create(
            alert=alert, status="acknowledged", created_at=start + dt.timedelta(seconds=ack_seconds)
        )
        if extra:
            AlertStep.objects.create(alert=alert, status="on_scene", created_at=start + dt.timedelta(seconds=600))
            AlertStep.objects.create(alert=alert, status="resolved", created_at=start + dt.timedelta(seconds=1200))
    times = stop_pack(area=_area(precinct), end_date=dt.date(2024, 3, 31))["response_times"]
    assert times["to_acknowledge"] == {"count": 2, "median_seconds": 90.0, "p90_seconds": 114.0, "invalid": 0}
    assert times["to_on_scene"] == {"count": 1, "median_seconds": 600.0, "p90_seconds": 600.0, "invalid": 0}
    assert times["to_contact"]["count"] == 0
    assert times["to_contact"]["median_seconds"] is None


def test_the_pack_is_counted_in_a_fixed_number_of_queries(leap_year_data, django_assert_max_num_queries):
    for day in range(1, 28):
        _report(leap_year_data, local(2024, 2, day, 12, 0))
        _alert(leap_year_data, local(2024, 2, day, 13, 0))
    # Counts 2, trends 2 plus catalogues, response times 1, dark figure 6 (synthetic truth included), adoption 1.
    with django_assert_max_num_queries(17):
        pack = stop_pack(area=_area(leap_year_data), end_date=dt.date(2024, 2, 29))
    assert _counts(_row(pack["formal"], "simple_theft"))["last_28_days"] == (28, 1)


def test_pack_json_csv_and_html_endpoints(leap_year_data, client_for):
    client = client_for(staff_user(Role.COMMANDER, [leap_year_data]))
    params = {"precinct": leap_year_data.code, "end": "2024-02-29"}
    # The first request is accepted and computed off the request path; the job's result then answers.
    accepted = client.get("/api/analytics/stop-pack/", params)
    assert accepted.status_code == 202
    assert accepted["Location"] == accepted.json()["status_url"]
    assert accepted.json()["status"] == "pending"
    analytics_jobs_run()
    body = client.get("/api/analytics/stop-pack/", params).json()
    assert body["job"]["status"] == "done"
    assert body["map_url"] == f"/api/analytics/maps/precinct-month/?precinct={leap_year_data.code}&month=2024-02"
    assert [row["label"] for row in body["adoption"]["rows"]] == [leap_year_data.code, "Total"]

    csv_response = client.get("/api/analytics/stop-pack/", {**params, "format": "csv"})
    lines = csv_response.content.decode().splitlines()
    assert lines[0] == (
        "source,code,label_es,label_en,group,window,current,prior,absolute_change,percent_change,wheeler_z,is_signal"
    )
    assert "formal,fraud,Estafa,Fraud,property,last_7_days,1,0,1,n/a,2.0,False" in lines
    times_csv = client.get("/api/analytics/stop-pack/", {**params, "format": "csv", "table": "response_times"})
    assert times_csv.content.decode().splitlines()[0] == "milestone,count,median_seconds,p90_seconds,invalid"

    page = client.get("/api/analytics/stop-pack/page/", params)
    html = page.content.decode()
    assert (page.status_code, page["Content-Type"]) == (200, "text/html; charset=utf-8")
    assert f'<iframe src="{body["map_url"].replace("&", "&amp;")}"' in html
    assert "(n/a)" in html


def test_month_map_is_offline_and_may_be_framed_by_our_pages(leap_year_data, client_for):
    client = client_for(staff_user(Role.COMMANDER, [leap_year_data]))
    response = client.get("/api/analytics/maps/precinct-month/", {"precinct": leap_year_data.code, "month": "2024-02"})
    html = response.content.decode()
    assert (response.status_code, response["X-Frame-Options"]) == (200, "SAMEORIGIN")
    assert "/static/vendor/leaflet/leaflet.js" in html
    assert [url for url in ASSET.findall(html) if re.match(r"(https?:)?//", url)] == []


def test_hotspots_geojson_counts_both_sources_on_the_h3_grid(client_for):
    precinct = PrecinctFactory(column=0)
    lat, lon = cell_center(0)
    for _ in range(6):
        FormalReportFactory(precinct=precinct, location=Point(lon, lat, srid=4326), occurred_at=local(2024, 3, 5, 12))
    _alert(precinct, local(2024, 3, 5, 13), location=Point(lon, lat, srid=4326))
    client = client_for(staff_user(Role.COMMANDER, [precinct]))
    body = client.get("/api/analytics/hotspots/", {"precinct": precinct.code, "month": "2024-03"}).json()
    cells = [feature["properties"] for feature in body["features"]]
    busiest = max(cells, key=lambda cell: cell["count"])
    assert (busiest["formal"], busiest["informal"], busiest["count"]) == (6, 1, 7)
    assert sum(cell["count"] for cell in cells) == 7
    # Gi* counts the neighbours too, so the busy cell ties with its ring as the hottest
    assert busiest["z"] == max(cell["z"] for cell in cells) > 0
    assert len(cells) > 30
    assert body["properties"]["resolution"] == 9


def test_stop_pack_command_writes_offline_maps_and_tables(leap_year_data, tmp_path):
    call_command("stop_pack", precinct=leap_year_data.code, month="2024-02", out=str(tmp_path), verbosity=0)
    stem = f"{leap_year_data.code}-2024-02"
    names = {path.name for path in tmp_path.iterdir()}
    assert {
        f"map-{stem}.html",
        f"stop-{stem}.html",
        f"stop-{stem}.json",
        f"counts-{stem}.csv",
        f"response-times-{stem}.csv",
        f"adoption-{stem}.csv",
        f"dark-figure-{stem}.csv",
        f"dark-figure-{stem}.json",
        "static",
    } <= names
    for page in tmp_path.glob("*.html"):
        urls = ASSET.findall(page.read_text())
        assert [url for url in urls if re.match(r"(https?:)?//", url)] == [], page.name
        # every local asset the page loads is in the folder, so it opens offline
        assert [url for url in urls if not (tmp_path / url).exists() and not url.startswith("data:")] == []
    pack = json.loads((tmp_path / f"stop-{stem}.json").read_text())
    assert _counts(_row(pack["formal"], "simple_theft"))["year_to_date"] == (3, 1)
    dark = json.loads((tmp_path / f"dark-figure-{stem}.json").read_text())
    assert [block["rows"][0]["linkage_computed"] for block in dark["presets"]] == [True, True, True]
