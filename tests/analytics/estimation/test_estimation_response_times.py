import re

import pytest

from backend.analytics.estimation.response_times import (
    ERROR_INVALID_DURATION,
    ERROR_INVALID_PERCENTILE,
    DurationSummary,
    duration_summary,
    median_seconds,
    p90_seconds,
    percentile_seconds,
)


def test_median_and_p90_interpolate_linearly():
    # Given five durations; p90 sits at position 0.9·4 = 3.6 → 240 + 0.6·60 = 276
    durations = [300, 60, 180, 120, 240]
    # When
    summary = duration_summary(durations)
    # Then
    assert summary == DurationSummary(count=5, median_seconds=180.0, p90_seconds=276.0)
    assert median_seconds(durations) == 180.0
    assert p90_seconds(durations) == 276.0


def test_even_count_median_is_the_midpoint():
    # Given / When / Then: p90 of [0, 10] is at position 0.9 → 9
    assert median_seconds([10, 20, 30, 40]) == 25.0
    assert p90_seconds([0, 10]) == 9.0


def test_single_duration():
    # Given / When / Then
    assert duration_summary([42]) == DurationSummary(count=1, median_seconds=42.0, p90_seconds=42.0)


def test_empty_input_gives_none():
    # Given / When / Then
    assert duration_summary([]) == DurationSummary(count=0, median_seconds=None, p90_seconds=None)
    assert median_seconds(iter(())) is None
    assert p90_seconds([]) is None


@pytest.mark.parametrize("durations", [[10, -1], [float("nan")], [float("inf")]])
def test_invalid_durations_are_refused(durations):
    # Given / When / Then
    with pytest.raises(ValueError, match=re.escape(ERROR_INVALID_DURATION)):
        duration_summary(durations)


def test_percentile_outside_0_100_is_refused():
    # Given / When / Then
    with pytest.raises(ValueError, match=re.escape(ERROR_INVALID_PERCENTILE)):
        percentile_seconds([1, 2], 101)
