import datetime as dt

import pytest
from django.contrib.gis.geos import Point

from backend.accounts.models import Role
from backend.analytics.models import IncidentLink, LinkageRun, LinkStatus
from backend.analytics.selectors.areas import Month
from backend.analytics.services.linkage import incident_links_compute
from tests.factories import PrecinctFactory, staff_user
from tests.factories.alerts import AlertFactory, category
from tests.factories.analytics import FormalReportFactory, analytics_jobs_run, offense_type
from tests.factories.geo import cell_center

pytestmark = pytest.mark.django_db

MARCH = Month(dt.date(2024, 3, 1))
NOON = dt.datetime(2024, 3, 10, 15, 0, tzinfo=dt.UTC)
DEGREES_PER_METRE_EAST = 1 / 92_730  # longitude degrees per metre at -33.59


def _at(column: int, metres_east: float = 0.0) -> Point:
    lat, lon = cell_center(column)
    return Point(lon + metres_east * DEGREES_PER_METRE_EAST, lat, srid=4326)


def _report(precinct, *, metres_east=0.0, when=NOON, code="simple_theft"):
    return FormalReportFactory(
        precinct=precinct, location=_at(0, metres_east), occurred_at=when, offense_type=offense_type(code)
    )


def _alert(precinct, *, metres_east=0.0, when=NOON, code="theft", **kwargs):
    return AlertFactory(
        precinct=precinct, location=_at(0, metres_east), created_at=when, category=category(code), **kwargs
    )


def _pairs(preset):
    return set(
        IncidentLink.objects.filter(preset=preset)
        .exclude(status=LinkStatus.UNLINKED)
        .values_list("formal_report_id", "alert_id")
    )


def test_presets_link_within_their_distance_and_time_only():
    # given three reports, each with one compatible alert farther away in space and time
    precinct = PrecinctFactory(column=0)
    near = (
        _report(precinct, metres_east=-2000),
        _alert(precinct, metres_east=-1900, when=NOON + dt.timedelta(hours=2)),
    )
    middle = (_report(precinct), _alert(precinct, metres_east=250, when=NOON + dt.timedelta(hours=12)))
    far = (_report(precinct, metres_east=2000), _alert(precinct, metres_east=2450, when=NOON + dt.timedelta(hours=48)))
    # when every preset runs
    for preset in ("strict", "default", "loose"):
        incident_links_compute(precinct_ids=[precinct.id], month=MARCH, preset=preset)
    # then each preset links what its thresholds allow
    ids = [(report.id, alert.id) for report, alert in (near, middle, far)]
    assert _pairs("strict") == {ids[0]}
    assert _pairs("default") == {ids[0], ids[1]}
    assert _pairs("loose") == set(ids)
    link = IncidentLink.objects.get(preset="strict")
    assert (round(link.distance_m), link.hours_apart) == (100, 2.0)
    assert LinkageRun.objects.get(preset="loose").link_count == 3


def test_linkage_is_one_to_one_nearest_first_and_respects_categories():
    precinct = PrecinctFactory(column=0)
    report_near, report_farther = _report(precinct, metres_east=10), _report(precinct, metres_east=120)
    alert = _alert(precinct)
    _alert(precinct, code="fire")  # incompatible with theft
    _alert(precinct, code="theft", status="false_alarm")  # not an incident
    summary = incident_links_compute(precinct_ids=[precinct.id], month=MARCH, preset="default")
    assert _pairs("default") == {(report_near.id, alert.id)}
    assert (summary.formal_count, summary.alert_count, summary.proposed) == (2, 1, 1)
    assert report_farther.links.count() == 0


def test_links_never_cross_precincts_or_months():
    first, second = PrecinctFactory(column=0), PrecinctFactory(column=1)
    _report(first)
    AlertFactory(precinct=second, location=_at(0, 50), created_at=NOON, category=category("theft"))
    _alert(first, when=dt.datetime(2024, 4, 1, 4, 0, tzinfo=dt.UTC))  # 1 April local, next month
    incident_links_compute(precinct_ids=[first.id, second.id], month=MARCH, preset="loose")
    assert _pairs("loose") == set()


def test_rerun_keeps_confirmed_and_unlinked_decisions_and_replaces_proposals():
    precinct = PrecinctFactory(column=0)
    confirmed_pair = (_report(precinct, metres_east=-3000), _alert(precinct, metres_east=-2990))
    unlinked_pair = (_report(precinct), _alert(precinct, metres_east=20))
    proposed_pair = (_report(precinct, metres_east=3000), _alert(precinct, metres_east=3010))
    incident_links_compute(precinct_ids=[precinct.id], month=MARCH, preset="default")
    reviewer = staff_user(Role.COMMANDER, [precinct])
    client_links = {link.formal_report_id: link for link in IncidentLink.objects.all()}
    client_links[confirmed_pair[0].id].status = LinkStatus.CONFIRMED
    client_links[confirmed_pair[0].id].save()
    client_links[unlinked_pair[0].id].status = LinkStatus.UNLINKED
    client_links[unlinked_pair[0].id].reviewed_by = reviewer
    client_links[unlinked_pair[0].id].save()
    # when a new alert appears near the confirmed report and linkage runs again
    _alert(precinct, metres_east=-3000)
    summary = incident_links_compute(precinct_ids=[precinct.id], month=MARCH, preset="default")
    # then the decisions stand, the unlinked pair is not proposed again, the proposal is recreated
    statuses = dict(
        IncidentLink.objects.values_list("formal_report_id", "status").filter(preset="default").order_by("id")
    )
    assert statuses == {
        confirmed_pair[0].id: LinkStatus.CONFIRMED,
        unlinked_pair[0].id: LinkStatus.UNLINKED,
        proposed_pair[0].id: LinkStatus.PROPOSED,
    }
    assert IncidentLink.objects.filter(formal_report=confirmed_pair[0]).get().alert_id == confirmed_pair[1].id
    assert (summary.confirmed_kept, summary.proposed) == (1, 1)


def test_analyst_lists_and_confirms_and_unlinks_links_in_scope(client_for):
    precinct, other = PrecinctFactory(column=0), PrecinctFactory(column=1)
    first = (_report(precinct, metres_east=-3000), _alert(precinct, metres_east=-2990))
    second = (_report(precinct), _alert(precinct, metres_east=20))
    incident_links_compute(precinct_ids=[precinct.id], month=MARCH, preset="default")
    commander = staff_user(Role.COMMANDER, [precinct])
    client = client_for(commander)

    listed = client.get("/api/analytics/links/", {"precinct": precinct.code, "month": "2024-03", "preset": "default"})
    assert listed.status_code == 200
    assert [item["formal_report"]["id"] for item in listed.json()["results"]] == [first[0].id, second[0].id]
    link_ids = [item["id"] for item in listed.json()["results"]]

    confirmed = client.post(f"/api/analytics/links/{link_ids[0]}/confirm/")
    unlinked = client.post(f"/api/analytics/links/{link_ids[1]}/unlink/")
    assert (confirmed.status_code, confirmed.json()["status"], confirmed.json()["reviewed_by"]) == (
        200,
        "confirmed",
        commander.username,
    )
    assert (unlinked.status_code, unlinked.json()["status"]) == (200, "unlinked")

    # a commander of another precinct can neither see nor review these links
    outsider = client_for(staff_user(Role.COMMANDER, [other]))
    assert outsider.post(f"/api/analytics/links/{link_ids[0]}/unlink/").status_code == 404
    assert outsider.get("/api/analytics/links/", {"precinct": precinct.code, "month": "2024-03"}).status_code == 403
    assert IncidentLink.objects.get(id=link_ids[0]).status == LinkStatus.CONFIRMED


def test_linkage_can_be_run_through_the_api(client_for):
    precinct = PrecinctFactory(column=0)
    _report(precinct), _alert(precinct, metres_east=30)
    client = client_for(staff_user(Role.COMMANDER, [precinct]))
    response = client.post("/api/analytics/links/run/", {"precinct": precinct.code, "month": "2024-03"}, format="json")
    # The run is accepted (202) and happens off the request path; nothing is linked until it runs.
    assert response.status_code == 202
    assert IncidentLink.objects.count() == 0
    status_url = response.json()["status_url"]
    analytics_jobs_run()
    status = client.get(status_url).json()
    assert (status["status"], status["progress"]) == ("done", 100)
    result = client.get(status["result_url"])
    assert [(row["preset"], row["proposed"]) for row in result.json()] == [
        ("strict", 1),
        ("default", 1),
        ("loose", 1),
    ]
