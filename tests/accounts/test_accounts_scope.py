import pytest
from django.db import IntegrityError

from backend.accounts.models import Agency, Role
from backend.accounts.scope import precincts_in_scope, staff_scope
from tests.factories import PrecinctFactory, PrefectureFactory, UserFactory, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def geography():
    south = PrefectureFactory(code="SUR")
    north = PrefectureFactory(code="NORTE")
    return {
        "x": PrecinctFactory(column=0, prefecture=south),
        "y": PrecinctFactory(column=1, prefecture=south),
        "z": PrecinctFactory(column=2, prefecture=north),
        "south": south,
    }


def test_dispatcher_is_scoped_to_assigned_precincts(geography):
    dispatcher = staff_user(Role.DISPATCHER, precincts=[geography["x"]])
    scope = staff_scope(dispatcher)
    assert scope.precinct_ids == {geography["x"].id}
    assert scope.covers(precinct_id=geography["x"].id)
    assert not scope.covers(precinct_id=geography["y"].id)


def test_commander_of_a_prefecture_sees_all_its_precincts(geography):
    commander = UserFactory(role=Role.COMMANDER, prefecture=geography["south"])
    assert set(precincts_in_scope(commander)) == {geography["x"], geography["y"]}


def test_agency_operator_is_scoped_to_precincts_and_agency(geography):
    operator = staff_user(Role.AGENCY_OPERATOR, precincts=[geography["z"]], agency=Agency.BOMBEROS)
    scope = staff_scope(operator)
    assert scope.covers(precinct_id=geography["z"].id, agency=Agency.BOMBEROS)
    assert not scope.covers(precinct_id=geography["z"].id, agency=Agency.CARABINEROS)


def test_administrator_is_unrestricted_and_neighbor_has_no_staff_scope(geography):
    assert staff_scope(UserFactory(role=Role.ADMINISTRATOR)).is_unrestricted
    neighbor_scope = staff_scope(UserFactory(role=Role.NEIGHBOR))
    assert neighbor_scope.precinct_ids == frozenset()
    assert not neighbor_scope.covers(precinct_id=geography["x"].id)


def test_inactive_staff_have_no_scope(geography):
    dispatcher = staff_user(Role.DISPATCHER, precincts=[geography["x"]], is_active=False)
    assert staff_scope(dispatcher).precinct_ids == frozenset()


def test_agency_operator_must_name_an_agency():
    with pytest.raises(IntegrityError):
        UserFactory(role=Role.AGENCY_OPERATOR, agency="")
