"""Dark figure endpoint numbers, the scope matrix and bad input on the analytics API."""

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from backend.accounts.models import Agency, Role
from backend.analytics.estimation import (
    NOT_ESTIMABLE_NO_LINKS,
    WARNING_EMPTY_SOURCE,
    WARNING_FEW_LINKS,
    WARNING_NO_LINKS,
    WARNING_TINY_COUNTS,
    chapman_estimate,
)
from backend.analytics.models import IncidentLink, LinkageRun, LinkStatus
from backend.analytics.selectors.areas import ERROR_MONTH_FORMAT, ERROR_RANGE_ORDER
from backend.analytics.selectors.dark_figure import (
    NOT_ESTIMABLE_LABEL,
    NOT_ESTIMABLE_LINKAGE_NOT_RUN,
    WARNING_LINKAGE_NOT_RUN,
)
from tests.factories import PrecinctFactory, UserFactory, staff_user
from tests.factories.alerts import AlertFactory, category
from tests.factories.analytics import FormalReportFactory, offense_type

pytestmark = pytest.mark.django_db

WHEN = dt.datetime(2024, 3, 10, 15, 0, tzinfo=dt.UTC)
DARK_FIGURE = "/api/analytics/dark-figure/"


def _month_of_data(precinct, *, reports=25, violent_reports=3, alerts=22, default_links=8, strict_links=5):
    formal = [FormalReportFactory(precinct=precinct, occurred_at=WHEN) for _ in range(reports)]
    formal += [
        FormalReportFactory(precinct=precinct, occurred_at=WHEN, offense_type=offense_type("robbery_with_violence"))
        for _ in range(violent_reports)
    ]
    informal = [AlertFactory(precinct=precinct, created_at=WHEN, category=category("theft")) for _ in range(alerts)]
    for preset, count in (("default", default_links), ("strict", strict_links)):
        IncidentLink.objects.bulk_create(
            IncidentLink(formal_report=formal[i], alert=informal[i], preset=preset, distance_m=5, hours_apart=1)
            for i in range(count)
        )
    # An unlinked pair is the analyst's "not the same incident": it is not a recapture.
    IncidentLink.objects.create(
        formal_report=formal[20], alert=informal[20], preset="default", distance_m=5, hours_apart=1, status="unlinked"
    )
    LinkageRun.objects.create(
        precinct=precinct, month=dt.date(2024, 3, 1), preset="default", formal_count=0, alert_count=0, link_count=0,
        ran_at=timezone.now(),
    )  # fmt: skip
    return formal, informal


def _rows(body, preset, group="all"):
    return [
        row for block in body["presets"] if block["preset"] == preset for row in block["rows"] if row["group"] == group
    ]


def test_dark_figure_matches_chapman_for_each_preset_and_stratum(client_for):
    precinct = PrecinctFactory(column=0)
    _month_of_data(precinct)
    client = client_for(staff_user(Role.COMMANDER, [precinct]))
    response = client.get(DARK_FIGURE, {"precinct": precinct.code, "month": "2024-03"})
    assert response.status_code == 200
    body = response.json()
    (overall,) = _rows(body, "default")
    expected = chapman_estimate(28, 22, 8)
    assert (overall["n1"], overall["n2"], overall["m"]) == (28, 22, 8)
    assert overall["n_hat"] == pytest.approx(expected.n_hat, abs=1e-12)
    assert overall["standard_error"] == pytest.approx(expected.standard_error, abs=1e-12)
    assert (overall["n_hat_low"], overall["n_hat_high"]) == pytest.approx(
        (expected.interval_low, expected.interval_high), abs=1e-12
    )
    assert overall["dark_figure"] == pytest.approx(expected.dark_figure, abs=1e-12)
    assert (overall["dark_figure_low"], overall["dark_figure_high"]) == pytest.approx(
        (expected.dark_figure_low, expected.dark_figure_high), abs=1e-12
    )
    assert overall["warnings"] == []
    assert overall["linkage_computed"] is True
    # the property stratum has enough records; the violent one (3 reports, 0 alerts) is left out
    (property_row,) = _rows(body, "default", "property")
    assert (property_row["n1"], property_row["n2"], property_row["m"]) == (25, 22, 8)
    assert _rows(body, "default", "violent") == []
    # strict links exist but its linkage run was never recorded, so it says so
    (strict,) = _rows(body, "strict")
    assert (strict["m"], strict["linkage_computed"]) == (5, False)
    assert strict["warnings"] == [WARNING_FEW_LINKS, WARNING_LINKAGE_NOT_RUN]
    assert body["goal"] == 0.3
    assert body["enusc_baseline"]["year"] == 2023  # 2024 has no ENUSC figure yet: the nearest is shown


def test_no_data_and_no_links_give_a_defined_result_with_warnings(client_for):
    precinct = PrecinctFactory(column=0)
    client = client_for(staff_user(Role.COMMANDER, [precinct]))
    body = client.get(DARK_FIGURE, {"precinct": precinct.code, "month": "2024-03"}).json()
    (row,) = _rows(body, "loose")
    assert (row["n1"], row["n2"], row["m"], row["n_hat"], row["dark_figure"]) == (0, 0, 0, None, None)
    assert (row["estimable"], row["not_estimable_reason"]) == (False, NOT_ESTIMABLE_LINKAGE_NOT_RUN)
    assert row["warnings"] == [
        WARNING_EMPTY_SOURCE,
        WARNING_NO_LINKS,
        WARNING_FEW_LINKS,
        WARNING_TINY_COUNTS,
        WARNING_LINKAGE_NOT_RUN,
    ]


def test_no_linked_pair_is_not_estimable_with_its_reason_and_no_degenerate_interval(client_for):
    # given a month with both sources but no link (the default linkage did run)
    precinct = PrecinctFactory(column=0)
    _month_of_data(precinct, alerts=21, default_links=0, strict_links=0)
    client = client_for(staff_user(Role.COMMANDER, [precinct]))
    # when the dark figure is asked for as JSON and as CSV
    (row,) = _rows(client.get(DARK_FIGURE, {"precinct": precinct.code, "month": "2024-03"}).json(), "default")
    response = client.get(DARK_FIGURE, {"precinct": precinct.code, "month": "2024-03", "format": "csv"})
    # then neither shows a number for N̂ or D̂, and both say why
    assert (row["n1"], row["n2"], row["m"]) == (28, 21, 0)
    assert (row["estimable"], row["not_estimable_reason"]) == (False, NOT_ESTIMABLE_NO_LINKS)
    assert [row[key] for key in ("n_hat", "n_hat_low", "n_hat_high", "dark_figure", "dark_figure_low")] == [None] * 5
    assert WARNING_NO_LINKS in row["warnings"]
    (csv_row,) = [
        line
        for line in csv.DictReader(io.StringIO(response.content.decode()))
        if (line["preset"], line["group"]) == ("default", "all")
    ]
    assert (csv_row["n_hat"], csv_row["dark_figure"], csv_row["dark_figure_high"]) == (NOT_ESTIMABLE_LABEL,) * 3
    assert (csv_row["estimable"], csv_row["not_estimable_reason"]) == ("False", NOT_ESTIMABLE_NO_LINKS)


def test_dark_figure_csv_has_one_line_per_precinct_preset_and_group(client_for):
    precinct = PrecinctFactory(column=0)
    _month_of_data(precinct)
    client = client_for(staff_user(Role.COMMANDER, [precinct]))
    response = client.get(DARK_FIGURE, {"precinct": precinct.code, "month": "2024-03", "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(row["preset"], row["group"]) for row in rows] == [
        ("strict", "all"), ("strict", "property"), ("default", "all"), ("default", "property"),
        ("loose", "all"), ("loose", "property"),
    ]  # fmt: skip
    assert (rows[2]["n1"], rows[2]["n2"], rows[2]["m"], rows[2]["goal"]) == ("28", "22", "8", "0.3")


def test_prefecture_dark_figure_adds_a_total_row(client_for):
    first, second = PrecinctFactory(column=0), PrecinctFactory(column=1)
    _month_of_data(first, default_links=8)
    _month_of_data(second, default_links=4)
    client = client_for(staff_user(Role.ADMINISTRATOR))
    body = client.get(DARK_FIGURE, {"prefecture": first.prefecture.code, "month": "2024-03"}).json()
    rows = _rows(body, "default")
    assert [row["precinct"] for row in rows] == [first.code, second.code, "total"]
    assert (rows[2]["n1"], rows[2]["n2"], rows[2]["m"]) == (56, 44, 12)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", 401),
        ("neighbor", 403),
        ("agency_operator", 403),
        ("dispatcher_here", 200),
        ("dispatcher_elsewhere", 403),
        ("commander_here", 200),
        ("commander_elsewhere", 403),
        ("commander_by_prefecture", 200),
        ("administrator", 200),
    ],
)
def test_scope_matrix(who, expected, api_client, client_for):
    here, elsewhere = PrecinctFactory(column=0), PrecinctFactory(column=1)
    users = {
        "neighbor": lambda: UserFactory(role=Role.NEIGHBOR),
        "agency_operator": lambda: staff_user(Role.AGENCY_OPERATOR, [here], agency=Agency.BOMBEROS),
        "dispatcher_here": lambda: staff_user(Role.DISPATCHER, [here]),
        "dispatcher_elsewhere": lambda: staff_user(Role.DISPATCHER, [elsewhere]),
        "commander_here": lambda: staff_user(Role.COMMANDER, [here]),
        "commander_elsewhere": lambda: staff_user(Role.COMMANDER, [elsewhere]),
        "commander_by_prefecture": lambda: staff_user(Role.COMMANDER, prefecture=here.prefecture),
        "administrator": lambda: staff_user(Role.ADMINISTRATOR),
    }
    client = api_client if who == "anonymous" else client_for(users[who]())
    for url, params in (
        (DARK_FIGURE, {"precinct": here.code, "month": "2024-03"}),
        ("/api/analytics/stop-pack/", {"precinct": here.code, "end": "2024-03-31"}),
        ("/api/analytics/hotspots/", {"precinct": here.code, "month": "2024-03"}),
        ("/api/analytics/adoption/", {"precinct": here.code}),
        ("/api/analytics/maps/precinct-month/", {"precinct": here.code, "month": "2024-03"}),
    ):
        response = client.get(url, params)
        # The STOP pack is computed in Celery: an allowed request is accepted (202) with a status URL.
        allowed = 202 if url.startswith("/api/analytics/stop-pack/") else 200
        assert (url, response.status_code) == (url, allowed if expected == 200 else expected)
        if expected != 200:
            assert response.json()["error"]["code"] in {"not_authenticated", "permission_denied", "forbidden"}


def test_a_prefecture_is_forbidden_unless_all_its_precincts_are_in_scope(client_for):
    here = PrecinctFactory(column=0)
    PrecinctFactory(column=1, prefecture=here.prefecture)
    client = client_for(staff_user(Role.COMMANDER, [here]))
    response = client.get(DARK_FIGURE, {"prefecture": here.prefecture.code, "month": "2024-03"})
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("url", "params", "status", "field"),
    [
        (DARK_FIGURE, {"precinct": "NOPE", "month": "2024-03"}, 404, "precinct"),
        (DARK_FIGURE, {"prefecture": "NOPE", "month": "2024-03"}, 404, "prefecture"),
        (DARK_FIGURE, {"precinct": "P000", "month": "2024-3"}, 400, "month"),
        (DARK_FIGURE, {"precinct": "P000", "month": "March"}, 400, "month"),
        (DARK_FIGURE, {"precinct": "P000", "month": "2024-13"}, 404, "month"),
        (DARK_FIGURE, {"precinct": "P000", "month": "2999-01"}, 404, "month"),
        (DARK_FIGURE, {"precinct": "P000"}, 400, "month"),
        ("/api/analytics/hotspots/", {"precinct": "P000", "month": "1999-12"}, 404, "month"),
        ("/api/analytics/stop-pack/", {"precinct": "P000", "end": "2024-02-30"}, 400, "end"),
        ("/api/analytics/stop-pack/", {"precinct": "P000", "end": "2999-01-01"}, 400, "end"),
        ("/api/analytics/adoption/", {"start": "2024-03-10", "end": "2024-03-01"}, 400, "start"),
        ("/api/analytics/adoption/", {"start": "10/03/2024"}, 400, "start"),
    ],
)
def test_bad_input(url, params, status, field, client_for):
    PrecinctFactory(column=0, code="P000")
    client = client_for(staff_user(Role.ADMINISTRATOR))
    response = client.get(url, params)
    assert response.status_code == status
    assert list(response.json()["error"]["fields"]) == [field]


def test_error_messages_are_the_module_constants(client_for):
    PrecinctFactory(column=0, code="P000")
    client = client_for(staff_user(Role.ADMINISTRATOR))
    bad_month = client.get(DARK_FIGURE, {"precinct": "P000", "month": "2024-3"}).json()["error"]
    bad_range = client.get("/api/analytics/adoption/", {"start": "2024-03-10", "end": "2024-03-01"}).json()["error"]
    assert (bad_month["message"], bad_range["message"]) == (ERROR_MONTH_FORMAT, ERROR_RANGE_ORDER)


def test_csv_errors_come_back_as_json(client_for):
    client = client_for(staff_user(Role.ADMINISTRATOR))
    response = client.get(DARK_FIGURE, {"precinct": "NOPE", "month": "2024-03", "format": "csv"})
    assert (response.status_code, response["Content-Type"]) == (404, "application/json")


def test_unlinked_links_do_not_count(client_for):
    precinct = PrecinctFactory(column=0)
    _month_of_data(precinct, default_links=0, strict_links=0)
    assert IncidentLink.objects.filter(status=LinkStatus.UNLINKED).count() == 1
    client = client_for(staff_user(Role.ADMINISTRATOR))
    (row,) = _rows(client.get(DARK_FIGURE, {"precinct": precinct.code, "month": "2024-03"}).json(), "default")
    assert row["m"] == 0


@pytest.mark.parametrize(
    "path",
    [
        "/api/analytics/adoption/?format=csv",
        "/api/analytics/dark-figure/?format=csv",
        "/api/analytics/stop-pack/?format=csv",
        "/api/analytics/stop-pack/page/",
        "/api/analytics/maps/precinct-month/",
    ],
)
def test_options_on_csv_and_html_endpoints_describes_them_in_json(client_for, path):
    commander = staff_user(Role.COMMANDER, [PrecinctFactory(column=0)])
    # when
    response = client_for(commander).options(path)
    # then: no CSV or HTML rendering of the description (that was a 500)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["name"]
