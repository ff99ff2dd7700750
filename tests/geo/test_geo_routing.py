import pytest
from django.test import override_settings

from backend.geo.selectors import ERROR_OUTSIDE_JURISDICTION, OutsideJurisdiction, precinct_for_point
from tests.factories import PrecinctFactory, square
from tests.factories.geo import CELL_DEGREES, ORIGIN_LAT, ORIGIN_LON, cell_center

pytestmark = pytest.mark.django_db


def test_point_inside_one_precinct_routes_there_unflagged():
    # given two precincts side by side
    first, second = PrecinctFactory(column=0), PrecinctFactory(column=1)
    # when a point falls in the second
    match = precinct_for_point(lat=cell_center(1)[0], lon=cell_center(1)[1])
    # then
    assert (match.precinct_id, match.is_boundary_case, match.is_overlap, match.is_gap) == (
        second.id,
        False,
        False,
        False,
    )
    assert first.id != match.precinct_id


def test_point_in_overlap_goes_to_the_precinct_it_is_deepest_inside_and_is_flagged():
    # given two precincts that overlap by 0.004 degrees around column 1's left edge
    left = PrecinctFactory(column=0, boundary=square(0, size=CELL_DEGREES + 0.004))
    right = PrecinctFactory(column=1)
    edge_lon = ORIGIN_LON + CELL_DEGREES
    lat = ORIGIN_LAT + CELL_DEGREES / 2
    # when points fall in the overlap, nearer each side's interior
    near_left = precinct_for_point(lat=lat, lon=edge_lon + 0.001)
    near_right = precinct_for_point(lat=lat, lon=edge_lon + 0.003)
    # then each goes to the precinct whose border is farther away, and both are flagged as overlaps
    assert (near_left.precinct_id, near_left.is_overlap, near_left.is_boundary_case) == (left.id, True, True)
    assert (near_right.precinct_id, near_right.is_overlap, near_right.is_boundary_case) == (right.id, True, True)


def test_overlap_choice_is_deterministic():
    PrecinctFactory(column=0, boundary=square(0, size=CELL_DEGREES + 0.004))
    PrecinctFactory(column=1)
    lat, lon = ORIGIN_LAT + CELL_DEGREES / 2, ORIGIN_LON + CELL_DEGREES + 0.002
    assert len({precinct_for_point(lat=lat, lon=lon).precinct_id for _ in range(5)}) == 1


def test_point_in_gap_goes_to_nearest_precinct_within_tolerance_and_is_flagged():
    # given two precincts with a 0.003-degree (about 280 m) gap between them
    left = PrecinctFactory(column=0)
    PrecinctFactory(column=1, boundary=square(1, grow=-0.003))
    lat = ORIGIN_LAT + CELL_DEGREES / 2
    # when a point lies 0.001 degrees (about 93 m) east of the left precinct
    match = precinct_for_point(lat=lat, lon=ORIGIN_LON + CELL_DEGREES + 0.001)
    # then
    assert (match.precinct_id, match.is_gap, match.is_boundary_case) == (left.id, True, True)
    assert 90 < match.gap_distance_meters < 96


def test_point_beyond_tolerance_is_outside_jurisdiction():
    PrecinctFactory(column=0)
    lat = ORIGIN_LAT + CELL_DEGREES / 2
    with pytest.raises(OutsideJurisdiction, match=str(ERROR_OUTSIDE_JURISDICTION)):
        precinct_for_point(lat=lat, lon=ORIGIN_LON + CELL_DEGREES + 0.01)  # about 930 m away


@override_settings(GEO_GAP_TOLERANCE_METERS=1500)
def test_gap_tolerance_is_a_setting():
    left = PrecinctFactory(column=0)
    lat = ORIGIN_LAT + CELL_DEGREES / 2
    assert precinct_for_point(lat=lat, lon=ORIGIN_LON + CELL_DEGREES + 0.01).precinct_id == left.id


def test_no_precincts_at_all_is_outside_jurisdiction():
    with pytest.raises(OutsideJurisdiction):
        precinct_for_point(lat=-33.5, lon=-70.6)
