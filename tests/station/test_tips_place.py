"""Officers place a tip that came with no point: routed by the point, kept to their precincts, then forwarded."""

import pytest

from backend.accounts.models import Role
from backend.alerts.models import Alert
from backend.station.models import Tip, TipAction, TipStatus
from backend.station.tips.services import (
    ERROR_ALREADY_FORWARDED,
    ERROR_ALREADY_PLACED,
    ERROR_OUTSIDE,
    ERROR_PLACE_NOT_COVERED,
)
from tests.factories import PrecinctFactory, staff_user
from tests.factories.geo import ORIGIN_LAT, ORIGIN_LON, cell_center
from tests.factories.station import station_officer
from tests.factories.station_tips import tip_sent

pytestmark = pytest.mark.django_db
REVIEW = "/api/station/tips/review/"
FAR_AWAY = {"lat": ORIGIN_LAT + 1.0, "lon": ORIGIN_LON - 1.0}


@pytest.fixture
def precincts():
    return PrecinctFactory(column=0, name="San Ramón"), PrecinctFactory(column=1, name="La Cisterna")


def point(column: int) -> dict:
    lat, lon = cell_center(column)
    return {"lat": lat, "lon": lon}


def place_of(tip: Tip) -> tuple:
    tip.refresh_from_db()
    return tip.precinct_id, tip.location


def test_an_officer_places_a_tip_with_no_place_and_then_forwards_it_to_that_point(
    client_for, precincts, eager_tasks, django_capture_on_commit_callbacks
):
    # given a tip with no place and an officer of A
    import backend.alerts.incidents.tasks  # noqa: F401  (registers the task the station sends by name)

    a, _b = precincts
    tip, _ = tip_sent()
    officer = station_officer([a])

    # when the officer sets its place at a point of A
    response = client_for(officer).post(f"{REVIEW}{tip.reference}/place/", point(0), format="json")

    # then the tip is in A at that point, and the step says who placed it, where, and from which precinct
    assert response.status_code == 200, response.json()
    body = response.json()
    lat, lon = cell_center(0)
    assert (body["precinct"], body["lat"], body["lon"], body["is_gap"], body["is_overlap"]) == (
        a.code, lat, lon, False, False
    )  # fmt: skip
    tip.refresh_from_db()
    assert (tip.precinct_id, tip.location.y, tip.location.x, tip.status) == (a.id, lat, lon, TipStatus.NEW)
    action = TipAction.objects.get()
    assert (action.officer, action.action, action.detail) == (
        officer, "place", {"lat": lat, "lon": lon, "precinct": [None, a.code]}
    )  # fmt: skip
    assert action.created_at is not None

    # and forwarding now makes one alert of A at that point
    with django_capture_on_commit_callbacks(execute=True):
        forwarded = client_for(officer).post(f"{REVIEW}{tip.reference}/forward/", {"summary": "Venta en la plaza."})
    assert forwarded.status_code == 202, forwarded.json()
    alert = Alert.objects.get()
    assert (alert.precinct_id, round(alert.location.y, 6), round(alert.location.x, 6)) == (
        a.id, round(lat, 6), round(lon, 6)
    )  # fmt: skip


def test_a_placed_tip_leaves_the_other_precincts_queues(client_for, precincts):
    # given a tip with no place, which officers of A and of B both see
    a, b = precincts
    tip, _ = tip_sent()
    officer_a, officer_b = client_for(station_officer([a])), client_for(station_officer([b]))
    assert officer_a.get(f"{REVIEW}{tip.reference}/").status_code == 200

    # when the officer of B places it in B
    assert officer_b.post(f"{REVIEW}{tip.reference}/place/", point(1), format="json").status_code == 200

    # then it is B's only: the officer of A no longer finds it, nor can they place it
    assert officer_a.get(f"{REVIEW}{tip.reference}/").status_code == 404
    assert officer_a.post(f"{REVIEW}{tip.reference}/place/", point(0), format="json").status_code == 404
    assert [row["reference"] for row in officer_b.get(REVIEW, {"precinct": b.code}).json()] == [tip.reference]
    assert place_of(tip)[0] == b.id


def test_an_officer_cannot_place_a_tip_in_a_precinct_they_do_not_cover(client_for, precincts):
    a, b = precincts
    tip, _ = tip_sent()

    response = client_for(station_officer([a])).post(f"{REVIEW}{tip.reference}/place/", point(1), format="json")

    assert response.status_code == 403
    assert response.json()["error"]["fields"] == {"location": [ERROR_PLACE_NOT_COVERED.format(precinct=b.name)]}
    assert (place_of(tip), TipAction.objects.count()) == ((None, None), 0)


def test_an_officer_cannot_place_a_tip_of_a_precinct_they_do_not_cover(client_for, precincts):
    # given a tip that names only B's comuna, and an officer of A
    a, b = precincts
    tip, _ = tip_sent(comuna=b.code)

    # when they try to place it at a point of A (which would move it into their queue)
    response = client_for(station_officer([a])).post(f"{REVIEW}{tip.reference}/place/", point(0), format="json")

    # then, as for any tip out of their scope, there is no such tip
    assert response.status_code == 404
    assert (place_of(tip), TipAction.objects.count()) == ((b.id, None), 0)


def test_a_comuna_only_tip_gets_a_point_in_a_covered_precinct(client_for, precincts):
    # given a tip that names only A's comuna, and an officer of both precincts
    a, b = precincts
    tip, _ = tip_sent(comuna=a.code)
    officer = station_officer([a, b])

    # when the officer places it at a point of B
    response = client_for(officer).post(f"{REVIEW}{tip.reference}/place/", point(1), format="json")

    # then it moves to B, and the step records where it came from
    assert response.status_code == 200
    assert place_of(tip)[0] == b.id
    assert TipAction.objects.get().detail["precinct"] == [a.code, b.code]


def test_an_administrator_places_a_tip_anywhere_the_precincts_reach(client_for, precincts):
    _a, b = precincts
    tip, _ = tip_sent()

    response = client_for(staff_user(Role.ADMINISTRATOR)).post(f"{REVIEW}{tip.reference}/place/", point(1))

    assert response.status_code == 200
    assert place_of(tip)[0] == b.id


def test_a_point_outside_every_precinct_is_refused_and_nothing_changes(client_for, precincts):
    tip, _ = tip_sent()

    response = client_for(station_officer([precincts[0]])).post(f"{REVIEW}{tip.reference}/place/", FAR_AWAY)

    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {"location": [str(ERROR_OUTSIDE)]}
    assert (place_of(tip), TipAction.objects.count()) == ((None, None), 0)


@pytest.mark.parametrize(
    ("body", "field"),
    [({"lat": -33.59}, "lon"), ({"lat": 91, "lon": -70.69}, "lat"), ({"lat": "aquí", "lon": -70.69}, "lat")],
)
def test_a_bad_point_is_refused_naming_the_field(client_for, precincts, body, field):
    tip, _ = tip_sent()

    response = client_for(station_officer([precincts[0]])).post(f"{REVIEW}{tip.reference}/place/", body)

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [field]
    assert (place_of(tip), TipAction.objects.count()) == ((None, None), 0)


def test_a_tip_with_a_point_is_not_moved(client_for, precincts):
    tip, _ = tip_sent(column=0)
    before = place_of(tip)

    response = client_for(station_officer(precincts)).post(f"{REVIEW}{tip.reference}/place/", point(1))

    assert response.status_code == 409
    assert response.json()["error"]["message"] == str(ERROR_ALREADY_PLACED)
    assert (place_of(tip), TipAction.objects.count()) == (before, 0)


def test_a_forwarded_tip_is_not_placed(client_for, precincts, eager_tasks):
    # given a comuna-only tip already forwarded (to a point inside its comuna)
    a, _b = precincts
    tip, _ = tip_sent(comuna=a.code)
    officer = client_for(station_officer([a]))
    assert officer.post(f"{REVIEW}{tip.reference}/forward/", {"summary": "Venta."}).status_code == 202

    response = officer.post(f"{REVIEW}{tip.reference}/place/", point(0))

    assert response.status_code == 409
    assert response.json()["error"]["message"] == str(ERROR_ALREADY_FORWARDED)
    assert place_of(tip) == (a.id, None)
    assert list(TipAction.objects.values_list("action", flat=True)) == ["forward"]


def test_only_station_officers_place_tips(client_for, precincts, api_client):
    tip, _ = tip_sent()

    dispatcher = client_for(staff_user(Role.DISPATCHER, [precincts[0]]))

    assert dispatcher.post(f"{REVIEW}{tip.reference}/place/", point(0)).status_code == 403
    assert api_client.post(f"{REVIEW}{tip.reference}/place/", point(0)).status_code == 401
    assert (place_of(tip), TipAction.objects.count()) == ((None, None), 0)


def test_the_review_page_places_a_tip_and_names_the_problem_when_it_cannot(client, precincts):
    # given a tip with no place, and the officer of A signed in on the review page
    a, b = precincts
    tip, _ = tip_sent()
    client.force_login(station_officer([a]))
    page = f"/comisaria/revision/denuncias-anonimas/{tip.reference}/"
    assert 'id="place-form"' in client.get(page).content.decode()

    # when they type a point of B, the page refuses it naming B, keeps what they typed, and nothing changes
    refused = client.post(page, {"action": "place", **point(1)})
    assert refused.status_code == 400
    assert ERROR_PLACE_NOT_COVERED.format(precinct=b.name) in refused.content.decode()
    assert f'value="{point(1)["lat"]}"' in refused.content.decode()
    assert (place_of(tip), TipAction.objects.count()) == ((None, None), 0)

    # when they type a point of A, the tip is placed and the form is gone
    placed = client.post(page, {"action": "place", **point(0)}, follow=True)
    assert placed.status_code == 200
    assert 'id="place-form"' not in placed.content.decode()
    assert place_of(tip)[0] == a.id
