import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from backend.accounts.models import Agency, Role
from backend.alerts.incidents.selectors import alert_response_times
from backend.alerts.incidents.services import ERROR_ILLEGAL_TRANSITION, IllegalTransition, alert_transition
from backend.alerts.models import Alert, AlertStatus, AlertStep, Event, ReporterRecord
from tests.factories import PrecinctFactory, UserFactory, staff_user
from tests.factories.alerts import AlertFactory, category

pytestmark = pytest.mark.django_db


@pytest.fixture
def precinct():
    return PrecinctFactory(column=0)


@pytest.fixture
def dispatcher(precinct):
    return staff_user(Role.DISPATCHER, precincts=[precinct], first_name="Cabo", last_name="Soto")


def step(client, alert, status, note=""):
    return client.post(f"/api/alerts/{alert.id}/steps/", {"status": status, "note": note}, format="json")


def test_dispatch_walks_the_whole_timeline(client_for, precinct, dispatcher):
    alert = AlertFactory(precinct=precinct)
    client = client_for(dispatcher)
    for status in ["acknowledged", "contacted", "unit_dispatched", "on_scene", "resolved"]:
        assert step(client, alert, status, note=f"now {status}").status_code == 201
    alert.refresh_from_db()
    assert alert.status == "resolved"
    steps = list(AlertStep.objects.filter(alert=alert).values_list("status", "actor_id"))
    assert steps == [("received", None)] + [
        (status, dispatcher.id) for status in ["acknowledged", "contacted", "unit_dispatched", "on_scene", "resolved"]
    ]
    assert Event.objects.filter(alert=alert, type="alert.step_added").count() == 5


@pytest.mark.parametrize(
    ("current", "target"),
    [
        ("received", "on_scene"),
        ("received", "resolved"),
        ("resolved", "acknowledged"),
        ("acknowledged", "acknowledged"),
        ("false_alarm", "resolved"),
        ("on_scene", "contacted"),
    ],  # fmt: skip
)
def test_illegal_transition_is_409_and_writes_nothing(client_for, precinct, dispatcher, current, target):
    alert = AlertFactory(precinct=precinct, status=current)
    response = step(client_for(dispatcher), alert, target)
    assert response.status_code == 409
    assert response.json()["error"]["message"] == ERROR_ILLEGAL_TRANSITION.format(current=current, target=target)
    assert AlertStep.objects.filter(alert=alert).count() == 1
    assert not Event.objects.exists()


def test_duplicate_is_not_a_step_dispatch_can_post(client_for, precinct, dispatcher):
    alert = AlertFactory(precinct=precinct)
    assert step(client_for(dispatcher), alert, "duplicate").status_code == 400


def test_dispatcher_of_another_precinct_cannot_see_or_act(client_for, precinct):
    alert = AlertFactory(precinct=precinct)
    outsider = staff_user(Role.DISPATCHER, precincts=[PrecinctFactory(column=1)])
    client = client_for(outsider)
    assert client.get(f"/api/alerts/{alert.id}/").status_code == 404
    assert step(client, alert, "acknowledged").status_code == 404
    alert.refresh_from_db()
    assert alert.status == "received"
    assert not Event.objects.exists()


def test_agency_operator_acts_only_on_their_agency(client_for, precinct):
    fire = AlertFactory(precinct=precinct, category=category("fire"))
    robbery = AlertFactory(precinct=precinct)
    firefighter = staff_user(Role.AGENCY_OPERATOR, precincts=[precinct], agency=Agency.BOMBEROS)
    client = client_for(firefighter)
    assert step(client, fire, "acknowledged").status_code == 201
    assert step(client, robbery, "acknowledged").status_code == 404


def test_neighbor_cannot_act(client_for, precinct):
    alert = AlertFactory(precinct=precinct)
    assert step(client_for(alert.reporter), alert, "acknowledged").status_code == 403


def test_false_alarm_counts_against_the_reporter(client_for, precinct, dispatcher):
    alert = AlertFactory(precinct=precinct)
    second = AlertFactory(precinct=precinct, reporter=alert.reporter)
    step(client_for(dispatcher), alert, "false_alarm")
    step(client_for(dispatcher), second, "false_alarm")
    assert ReporterRecord.objects.get(user=alert.reporter).false_alarm_count == 2


def test_response_times_derive_from_the_timeline(precinct, dispatcher):
    start = timezone.now() - timedelta(minutes=30)
    alert = AlertFactory(precinct=precinct, created_at=start)
    for minutes, status in [(2, "acknowledged"), (5, "contacted"), (12, "on_scene"), (25, "resolved")]:
        AlertStep.objects.create(
            alert=alert, status=status, actor=dispatcher, created_at=start + timedelta(minutes=minutes)
        )
    times = alert_response_times(alert=Alert.objects.get(id=alert.id))
    assert (times.to_acknowledge, times.to_contact, times.to_on_scene, times.to_close) == (120.0, 300.0, 720.0, 1500.0)


def test_response_times_of_an_untouched_alert_are_none(precinct):
    times = alert_response_times(alert=AlertFactory(precinct=precinct))
    assert (times.to_acknowledge, times.to_close) == (None, None)


@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_acting_at_once_one_wins_the_other_gets_409():
    precinct = PrecinctFactory(column=0)
    alert = AlertFactory(precinct=precinct)
    dispatchers = [staff_user(Role.DISPATCHER, precincts=[precinct]) for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def act(user):
        barrier.wait()
        try:
            alert_transition(alert_id=alert.id, actor=user, status=AlertStatus.ACKNOWLEDGED)
            outcomes.append("won")
        except IllegalTransition:
            outcomes.append("409")
        finally:
            connection.close()

    threads = [threading.Thread(target=act, args=(user,)) for user in dispatchers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["409", "won"]
    assert AlertStep.objects.filter(alert=alert, status="acknowledged").count() == 1


def test_merge_closes_the_duplicate(client_for, precinct, dispatcher):
    original, duplicate = AlertFactory(precinct=precinct), AlertFactory(precinct=precinct)
    response = client_for(dispatcher).post(f"/api/alerts/{duplicate.id}/merge/", {"into": original.id}, format="json")
    assert response.status_code == 200
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into_id) == ("duplicate", original.id)
    assert Event.objects.get(type="alert.merged").payload["merged_into"] == original.id


def test_merge_across_agencies_or_scope_is_refused(client_for, precinct, dispatcher):
    robbery, fire = AlertFactory(precinct=precinct), AlertFactory(precinct=precinct, category=category("fire"))
    foreign = AlertFactory(precinct=PrecinctFactory(column=1))
    client = client_for(dispatcher)
    assert client.post(f"/api/alerts/{fire.id}/merge/", {"into": robbery.id}, format="json").status_code == 400
    assert client.post(f"/api/alerts/{robbery.id}/merge/", {"into": foreign.id}, format="json").status_code == 404
    assert client.post(f"/api/alerts/{robbery.id}/merge/", {"into": robbery.id}, format="json").status_code == 400
    assert not Alert.objects.filter(status="duplicate").exists()


def test_possible_duplicates_are_same_agency_within_300_m_and_30_minutes(client_for, precinct, dispatcher):
    alert = AlertFactory(precinct=precinct)
    near = AlertFactory(precinct=precinct, location=_offset(alert.location, meters_north=200))
    AlertFactory(precinct=precinct, location=_offset(alert.location, meters_north=400))  # too far
    AlertFactory(precinct=precinct, created_at=alert.created_at - timedelta(minutes=45))  # too old
    AlertFactory(precinct=precinct, category=category("fire"))  # other agency
    body = client_for(dispatcher).get(f"/api/alerts/{alert.id}/").json()
    assert [other["id"] for other in body["possible_duplicates"]] == [near.id]
    assert body["response_times"] == {"to_acknowledge": None, "to_contact": None, "to_on_scene": None, "to_close": None}


def _offset(point, *, meters_north: float):
    from django.contrib.gis.geos import Point

    return Point(point.x, point.y + meters_north / 111_320.0, srid=4326)


def test_on_scene_photo_is_attached_to_the_step(client_for, precinct, dispatcher):
    from pathlib import Path

    alert = AlertFactory(precinct=precinct, status="unit_dispatched")
    photo_path = Path(__file__).parents[1] / "fixtures" / "photo_with_gps.jpg"
    with photo_path.open("rb") as photo:
        response = client_for(dispatcher).post(
            f"/api/alerts/{alert.id}/steps/", {"status": "on_scene", "photos": [photo]}, format="multipart"
        )
    assert response.status_code == 201
    on_scene = AlertStep.objects.get(alert=alert, status="on_scene")
    assert on_scene.photos.count() == 1
    assert response.json()["steps"][-1]["photos"] == [on_scene.photos.get().id]


def test_user_owns_nothing_of_another_neighbor(client_for, precinct):
    alert = AlertFactory(precinct=precinct)
    other = UserFactory()
    assert client_for(other).get(f"/api/alerts/{alert.id}/").status_code == 404
    assert client_for(alert.reporter).get(f"/api/alerts/{alert.id}/").status_code == 200
    assert [f["id"] for f in client_for(other).get("/api/alerts/mine/").json()["features"]] == []
