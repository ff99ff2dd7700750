import datetime as dt
import re

import pytest

from backend.analytics.estimation.compstat import (
    ERROR_NEGATIVE_COUNT,
    DateRange,
    compstat_windows,
    period_change,
    same_day_a_year_earlier,
    wheeler_z,
)


def test_wheeler_z_is_twice_the_difference_of_square_roots():
    # Given / When / Then: 2(√16 − √9) = 2, 2(√100 − √64) = 4, 2(√0 − √49) = −14
    assert wheeler_z(16, 9) == 2.0
    assert wheeler_z(100, 64) == 4.0
    assert wheeler_z(0, 49) == -14.0


def test_period_change_with_a_signal():
    # Given 100 this period against 64 a year earlier
    # When
    change = period_change(100, 64)
    # Then
    assert change.absolute_change == 36
    assert change.percent_change == 56.25
    assert change.wheeler_z == 4.0
    assert change.is_signal is True


def test_period_change_without_a_signal():
    # Given 25 against 16: z = 2(5 − 4) = 2
    # When
    change = period_change(25, 16)
    # Then
    assert (change.absolute_change, change.percent_change, change.wheeler_z, change.is_signal) == (9, 56.25, 2.0, False)


def test_a_decrease_is_a_signal_too():
    # Given 16 against 49: z = 2(4 − 7) = −6
    # When
    change = period_change(16, 49)
    # Then
    assert change.wheeler_z == -6.0
    assert change.is_signal is True
    assert change.percent_change == pytest.approx(-100 * 33 / 49, abs=1e-12)


def test_percent_change_is_none_when_the_prior_count_is_zero():
    # Given nothing a year earlier
    # When
    from_zero = period_change(5, 0)
    both_zero = period_change(0, 0)
    # Then
    assert from_zero.percent_change is None
    assert from_zero.absolute_change == 5
    assert both_zero.percent_change is None
    assert (both_zero.wheeler_z, both_zero.is_signal) == (0.0, False)


@pytest.mark.parametrize(("current", "prior"), [(-1, 0), (0, -1), (1.5, 1), (True, 1)])
def test_invalid_counts_are_refused(current, prior):
    # Given / When / Then
    with pytest.raises(ValueError, match=re.escape(ERROR_NEGATIVE_COUNT)):
        period_change(current, prior)


def test_windows_end_inclusive_and_compare_the_same_dates_a_year_earlier():
    # Given an ordinary date
    # When
    windows = compstat_windows(dt.date(2025, 3, 10))
    # Then
    assert windows == {
        "last_7_days": DateRange(dt.date(2025, 3, 4), dt.date(2025, 3, 10)),
        "last_28_days": DateRange(dt.date(2025, 2, 11), dt.date(2025, 3, 10)),
        "year_to_date": DateRange(dt.date(2025, 1, 1), dt.date(2025, 3, 10)),
        "last_7_days_prior_year": DateRange(dt.date(2024, 3, 4), dt.date(2024, 3, 10)),
        "last_28_days_prior_year": DateRange(dt.date(2024, 2, 11), dt.date(2024, 3, 10)),
        "year_to_date_prior_year": DateRange(dt.date(2024, 1, 1), dt.date(2024, 3, 10)),
    }
    assert windows["last_7_days"].days == 7
    assert windows["last_28_days"].days == 28
    assert windows["last_7_days"].end_exclusive == dt.date(2025, 3, 11)
    # The prior 28 days cross 29 February 2024, so they hold one more day.
    assert windows["last_28_days_prior_year"].days == 29


def test_leap_day_end_is_clamped_to_28_february():
    # Given the window ends on 29 February
    # When
    windows = compstat_windows(dt.date(2024, 2, 29))
    # Then
    assert windows["last_7_days"] == DateRange(dt.date(2024, 2, 23), dt.date(2024, 2, 29))
    assert windows["last_7_days_prior_year"] == DateRange(dt.date(2023, 2, 23), dt.date(2023, 2, 28))
    assert windows["last_28_days_prior_year"] == DateRange(dt.date(2023, 2, 2), dt.date(2023, 2, 28))
    assert windows["year_to_date_prior_year"] == DateRange(dt.date(2023, 1, 1), dt.date(2023, 2, 28))


def test_leap_day_start_is_clamped_to_28_february():
    # Given a 7-day window that starts on 29 February
    # When
    windows = compstat_windows(dt.date(2024, 3, 6))
    # Then
    assert windows["last_7_days"] == DateRange(dt.date(2024, 2, 29), dt.date(2024, 3, 6))
    assert windows["last_7_days_prior_year"] == DateRange(dt.date(2023, 2, 28), dt.date(2023, 3, 6))


def test_same_day_a_year_earlier():
    # Given / When / Then
    assert same_day_a_year_earlier(dt.date(2024, 2, 29)) == dt.date(2023, 2, 28)
    assert same_day_a_year_earlier(dt.date(2025, 2, 28)) == dt.date(2024, 2, 28)
    assert same_day_a_year_earlier(dt.date(2025, 1, 1)) == dt.date(2024, 1, 1)
