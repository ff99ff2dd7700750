import re

import numpy as np
import pytest

from backend.analytics.estimation.linkage import (
    ERROR_DUPLICATE_IDS,
    ERROR_THRESHOLDS,
    LINKAGE_PRESETS,
    EventTable,
    LinkagePreset,
    LinkedPair,
    link_events,
    link_with_preset,
    local_metres_to_lat_lon,
    project_to_local_metres,
)

HOUR = 3600.0


def _table(*rows):
    return EventTable.from_rows(list(rows))


def _brute_force(formal, alerts, max_distance_m, max_hours):
    """Reference greedy matching by comparing every pair (same order and tie-break)."""
    candidates = []
    for i in range(len(formal)):
        for j in range(len(alerts)):
            if formal.categories[i] != alerts.categories[j]:
                continue
            distance = float(np.hypot(formal.x_m[i] - alerts.x_m[j], formal.y_m[i] - alerts.y_m[j]))
            hours = abs(float(formal.occurred_at_s[i] - alerts.occurred_at_s[j])) / HOUR
            if distance <= max_distance_m and hours <= max_hours:
                candidates.append((distance, hours, formal.ids[i], alerts.ids[j]))
    candidates.sort()
    used_formal, used_alert, pairs = set(), set(), []
    for _distance, _hours, formal_id, alert_id in candidates:
        if formal_id in used_formal or alert_id in used_alert:
            continue
        used_formal.add(formal_id)
        used_alert.add(alert_id)
        pairs.append((formal_id, alert_id))
    return pairs


def test_presets():
    # Given / When / Then
    assert LINKAGE_PRESETS == {
        "strict": LinkagePreset("strict", 150, 6),
        "default": LinkagePreset("default", 300, 24),
        "loose": LinkagePreset("loose", 500, 72),
    }


def test_thresholds_are_inclusive():
    # Given a formal report and alerts exactly at, and just beyond, 300 m and 24 h
    formal = _table(
        (1, 0.0, 0.0, "robbery", 0.0),
        (2, 10_000.0, 0.0, "robbery", 0.0),
        (3, 20_000.0, 0.0, "robbery", 0.0),
    )
    alerts = _table(
        (10, 300.0, 0.0, "robbery", 24 * HOUR),  # exactly at both limits: links
        (20, 10_300.001, 0.0, "robbery", 0.0),  # 1 mm too far
        (30, 20_000.0, 0.0, "robbery", 24 * HOUR + 1),  # 1 s too late
    )
    # When
    pairs = link_with_preset(formal, alerts, "default")
    # Then
    assert pairs == [LinkedPair(formal_id=1, alert_id=10, distance_m=300.0, hours_apart=24.0)]


def test_one_to_one_nearest_first():
    # Given formal A at 0 m and B at 100 m, alerts X at 60 m and Y at 250 m, on a line
    formal = _table(("A", 0.0, 0.0, "theft", 0.0), ("B", 100.0, 0.0, "theft", 0.0))
    alerts = _table(("X", 60.0, 0.0, "theft", 0.0), ("Y", 250.0, 0.0, "theft", 0.0))
    # When
    pairs = link_events(formal, alerts, max_distance_m=300, max_hours=24)
    # Then B–X (40 m) is taken first, so A falls back to Y (250 m); nobody is used twice
    assert pairs == [LinkedPair("B", "X", 40.0, 0.0), LinkedPair("A", "Y", 250.0, 0.0)]


def test_equal_distance_is_broken_by_time_then_ids():
    # Given two formal reports equally far from one alert, one closer in time
    alerts = _table((7, 0.0, 0.0, "theft", 0.0))
    closer_in_time = _table((2, 100.0, 0.0, "theft", 1 * HOUR), (1, -100.0, 0.0, "theft", 2 * HOUR))
    same_time = _table((2, 100.0, 0.0, "theft", 0.0), (1, -100.0, 0.0, "theft", 0.0))
    # When
    by_time = link_events(closer_in_time, alerts, max_distance_m=300, max_hours=24)
    by_id = link_events(same_time, alerts, max_distance_m=300, max_hours=24)
    # Then
    assert by_time == [LinkedPair(2, 7, 100.0, 1.0)]
    assert by_id == [LinkedPair(1, 7, 100.0, 0.0)]


def test_input_order_does_not_change_the_result():
    # Given the same events in two orders
    rng = np.random.default_rng(5)
    n = 200
    ids = np.arange(n)
    xs, ys = rng.uniform(0, 2000, n).round(), rng.uniform(0, 2000, n).round()
    times = rng.uniform(0, 5 * 24 * HOUR, n).round(-3)
    formal = EventTable.from_arrays(ids, xs, ys, ["theft"] * n, times)
    alerts = EventTable.from_arrays(ids + 1000, xs[::-1] + 50, ys[::-1], ["theft"] * n, times[::-1])
    permutation = rng.permutation(n)
    shuffled = EventTable.from_arrays(
        ids[permutation], xs[permutation], ys[permutation], ["theft"] * n, times[permutation]
    )
    # When
    first = link_events(formal, alerts, max_distance_m=300, max_hours=24)
    second = link_events(shuffled, alerts, max_distance_m=300, max_hours=24)
    # Then
    assert sorted(first) == sorted(second)


def test_categories_must_be_compatible():
    # Given a robbery report and a theft alert at the same place and time
    formal = _table((1, 0.0, 0.0, "robbery", 0.0))
    alerts = _table((2, 0.0, 0.0, "theft", 0.0))
    # When
    same_only = link_events(formal, alerts, max_distance_m=300, max_hours=24)
    by_mapping = link_events(
        formal, alerts, max_distance_m=300, max_hours=24, compatible={"robbery": {"robbery", "theft"}}
    )
    by_predicate = link_events(
        formal, alerts, max_distance_m=300, max_hours=24, compatible=lambda formal_category, alert_category: True
    )
    reversed_mapping = link_events(formal, alerts, max_distance_m=300, max_hours=24, compatible={"theft": {"robbery"}})
    # Then
    assert same_only == []
    assert by_mapping == [LinkedPair(1, 2, 0.0, 0.0)]
    assert by_predicate == [LinkedPair(1, 2, 0.0, 0.0)]
    assert reversed_mapping == []


def test_grid_matching_equals_brute_force():
    # Given 400 × 400 random events in 3 km × 3 km over a week, two categories
    rng = np.random.default_rng(11)

    def random_table(offset):
        n = 400
        return EventTable.from_arrays(
            np.arange(n) + offset,
            rng.uniform(0, 3000, n),
            rng.uniform(0, 3000, n),
            rng.choice(["robbery", "theft"], n),
            rng.uniform(0, 7 * 24 * HOUR, n),
        )

    formal, alerts = random_table(0), random_table(10_000)
    for preset in LINKAGE_PRESETS.values():
        # When
        pairs = link_with_preset(formal, alerts, preset)
        # Then
        expected = _brute_force(formal, alerts, preset.max_distance_m, preset.max_hours)
        assert [(pair.formal_id, pair.alert_id) for pair in pairs] == expected
        assert len(pairs) > 10


def test_empty_sources_link_nothing():
    # Given / When / Then
    empty = _table()
    one = _table((1, 0.0, 0.0, "theft", 0.0))
    assert link_events(empty, one, max_distance_m=300, max_hours=24) == []
    assert link_events(one, empty, max_distance_m=300, max_hours=24) == []


@pytest.mark.parametrize(("distance", "hours"), [(0, 24), (300, 0), (-1, 24)])
def test_non_positive_thresholds_are_refused(distance, hours):
    # Given
    one = _table((1, 0.0, 0.0, "theft", 0.0))
    # When / Then
    with pytest.raises(ValueError, match=re.escape(ERROR_THRESHOLDS)):
        link_events(one, one, max_distance_m=distance, max_hours=hours)


def test_duplicate_ids_are_refused():
    # Given
    twice = _table((1, 0.0, 0.0, "theft", 0.0), (1, 5.0, 0.0, "theft", 0.0))
    # When / Then
    with pytest.raises(ValueError, match=re.escape(ERROR_DUPLICATE_IDS)):
        link_events(twice, twice, max_distance_m=300, max_hours=24)


def test_local_projection_round_trips_and_measures_metres():
    # Given a point 0.001° of latitude north of the origin (≈ 111.2 m)
    origin = (-33.5, -70.65)
    # When
    x, y = project_to_local_metres([-33.499], [-70.65], *origin)
    latitude, longitude = local_metres_to_lat_lon(x, y, *origin)
    # Then
    assert x[0] == pytest.approx(0.0, abs=1e-9)
    assert y[0] == pytest.approx(111.195, abs=1e-3)
    assert (latitude[0], longitude[0]) == pytest.approx((-33.499, -70.65), abs=1e-12)
