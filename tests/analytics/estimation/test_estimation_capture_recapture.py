import math
import re

import pytest

from backend.analytics.estimation.capture_recapture import (
    ENUSC_NON_REPORTING,
    ERROR_MORE_LINKS_THAN_RECORDS,
    ERROR_NEGATIVE_OR_NOT_INTEGER,
    NOT_ESTIMABLE_NO_ALERTS,
    NOT_ESTIMABLE_NO_FORMAL,
    NOT_ESTIMABLE_NO_LINKS,
    PILOT_BASELINE_DARK_FIGURE,
    PILOT_GOAL_DARK_FIGURE,
    WARNING_EMPTY_SOURCE,
    WARNING_FEW_LINKS,
    WARNING_NO_LINKS,
    WARNING_TINY_COUNTS,
    chapman_estimate,
)


def test_chapman_seber_chao_for_a_typical_month():
    # Given 100 formal reports, 80 alerts and 40 linked pairs
    # Chapman: 101·81/41 − 1 = 8140/41 ≈ 198.54
    # Seber:   101·81·60·40 / (41²·42) = 19 634 400 / 70 602 ≈ 278.10
    # Chao:    M = 140, f0 = 2400/41, C = exp(1.96·√ln(1 + Var/f0²)) ≈ 1.72896
    #          [140 + f0/C, 140 + f0·C] ≈ [173.86, 241.21]
    # When
    estimate = chapman_estimate(100, 80, 40)
    # Then
    assert estimate.n_hat == pytest.approx(8140 / 41, abs=1e-12)
    assert estimate.variance == pytest.approx(19_634_400 / 70_602, abs=1e-12)
    assert estimate.standard_error == pytest.approx(math.sqrt(19_634_400 / 70_602), abs=1e-12)
    spread = math.exp(1.96 * math.sqrt(math.log(1 + (19_634_400 / 70_602) / (2400 / 41) ** 2)))
    assert spread == pytest.approx(1.72896, abs=1e-5)
    assert estimate.interval_low == pytest.approx(140 + (2400 / 41) / spread, abs=1e-12)
    assert estimate.interval_high == pytest.approx(140 + (2400 / 41) * spread, abs=1e-12)
    assert (round(estimate.interval_low, 2), round(estimate.interval_high, 2)) == (173.86, 241.21)
    # D = 1 − 100/N̂ = 1 − 4100/8140 ≈ 0.4963; bounds from N's bounds.
    assert estimate.dark_figure == pytest.approx(1 - 4100 / 8140, abs=1e-12)
    assert estimate.dark_figure_low == pytest.approx(1 - 100 / estimate.interval_low, abs=1e-12)
    assert estimate.dark_figure_high == pytest.approx(1 - 100 / estimate.interval_high, abs=1e-12)
    assert (round(estimate.dark_figure_low, 4), round(estimate.dark_figure_high, 4)) == (0.4248, 0.5854)
    assert estimate.observed == 140
    assert estimate.warnings == ()


def test_integer_case_computed_by_hand():
    # Given n1=30, n2=20, m=6
    # Chapman: 31·21/7 − 1 = 92; Seber: 31·21·24·14 / (7²·8) = 218 736/392 = 558
    # Chao: M = 44, f0 = 48, Var/f0² = 558/2304, C = exp(1.96·√ln(1.2421875)) ≈ 2.49122
    #       interval ≈ [44 + 48/2.49122, 44 + 48·2.49122] ≈ [63.27, 163.58]
    # When
    estimate = chapman_estimate(30, 20, 6)
    # Then
    assert estimate.n_hat == 92.0
    assert estimate.variance == 558.0
    assert (round(estimate.interval_low, 2), round(estimate.interval_high, 2)) == (63.27, 163.58)
    assert estimate.dark_figure == pytest.approx(1 - 30 / 92, abs=1e-12)
    assert estimate.warnings == (WARNING_FEW_LINKS,)


def test_no_links_gives_a_wide_interval_and_warns():
    # Given two sources that share nothing: N̂ = 11·11/1 − 1 = 120, Var = 11·11·10·10/2 = 6050
    # Chao: M = 20, f0 = 100, C = exp(1.96·√ln(1.605)) ≈ 3.85036 → [45.97, 405.04]
    # When
    estimate = chapman_estimate(10, 10, 0)
    # Then
    assert estimate.n_hat == 120.0
    assert estimate.variance == 6050.0
    assert (round(estimate.interval_low, 2), round(estimate.interval_high, 2)) == (45.97, 405.04)
    assert estimate.warnings == (WARNING_NO_LINKS, WARNING_FEW_LINKS)


def test_every_incident_in_both_sources_gives_a_point_interval():
    # Given n1 = n2 = m: N̂ = 6·6/6 − 1 = 5, Var = 0 and f0 = 0, so the interval is [M, M]
    # When
    estimate = chapman_estimate(5, 5, 5)
    # Then
    assert (estimate.n_hat, estimate.variance, estimate.standard_error) == (5.0, 0.0, 0.0)
    assert (estimate.interval_low, estimate.interval_high) == (5.0, 5.0)
    assert (estimate.dark_figure, estimate.dark_figure_low, estimate.dark_figure_high) == (0.0, 0.0, 0.0)
    assert estimate.warnings == (WARNING_FEW_LINKS, WARNING_TINY_COUNTS)


def test_all_zero_counts_are_defined():
    # Given no records at all
    # When
    estimate = chapman_estimate(0, 0, 0)
    # Then N̂ is 0 and there is no dark figure to speak of
    assert (estimate.n_hat, estimate.variance, estimate.interval_low, estimate.interval_high) == (0.0, 0.0, 0.0, 0.0)
    assert (estimate.dark_figure, estimate.dark_figure_low, estimate.dark_figure_high) == (None, None, None)
    assert estimate.warnings == (WARNING_EMPTY_SOURCE, WARNING_NO_LINKS, WARNING_FEW_LINKS, WARNING_TINY_COUNTS)


def test_no_formal_reports_means_everything_is_dark():
    # Given only app alerts: N̂ = 1·11/1 − 1 = 10, Var = 0
    # When
    estimate = chapman_estimate(0, 10, 0)
    # Then
    assert (estimate.n_hat, estimate.interval_low, estimate.interval_high) == (10.0, 10.0, 10.0)
    assert estimate.dark_figure == 1.0
    assert WARNING_EMPTY_SOURCE in estimate.warnings


def test_numpy_integers_are_accepted_as_plain_ints():
    # Given counts as numpy integers
    import numpy as np

    # When
    estimate = chapman_estimate(np.int64(30), np.int32(20), np.int64(6))
    # Then
    assert (estimate.n1, estimate.n2, estimate.m, estimate.n_hat) == (30, 20, 6, 92.0)
    assert type(estimate.n1) is int


@pytest.mark.parametrize(
    ("n1", "n2", "m", "message"),
    [
        (-1, 5, 0, ERROR_NEGATIVE_OR_NOT_INTEGER),
        (5, -1, 0, ERROR_NEGATIVE_OR_NOT_INTEGER),
        (5, 5, -1, ERROR_NEGATIVE_OR_NOT_INTEGER),
        (5.0, 5, 1, ERROR_NEGATIVE_OR_NOT_INTEGER),
        (True, 5, 1, ERROR_NEGATIVE_OR_NOT_INTEGER),
        ("5", 5, 1, ERROR_NEGATIVE_OR_NOT_INTEGER),
        (3, 5, 4, ERROR_MORE_LINKS_THAN_RECORDS),
        (5, 3, 4, ERROR_MORE_LINKS_THAN_RECORDS),
    ],
)
def test_invalid_counts_are_refused(n1, n2, m, message):
    # Given / When / Then
    with pytest.raises(ValueError, match=re.escape(message)):
        chapman_estimate(n1, n2, m)


def test_enusc_baselines_and_pilot_goal():
    # Given the published ENUSC baselines (60-67% in 2016-2022, 52.5% in 2023)
    # Then
    assert set(ENUSC_NON_REPORTING) == set(range(2016, 2024))
    assert all(0.60 <= ENUSC_NON_REPORTING[year] <= 0.67 for year in range(2016, 2023))
    assert ENUSC_NON_REPORTING[2023] == 0.525
    assert (PILOT_BASELINE_DARK_FIGURE, PILOT_GOAL_DARK_FIGURE) == (0.50, 0.30)


@pytest.mark.parametrize(
    ("n1", "n2", "m", "reason"),
    [
        (0, 10, 0, NOT_ESTIMABLE_NO_FORMAL),
        (10, 0, 0, NOT_ESTIMABLE_NO_ALERTS),
        (0, 0, 0, NOT_ESTIMABLE_NO_FORMAL),
        (10, 10, 0, NOT_ESTIMABLE_NO_LINKS),
        (10, 10, 1, None),
        (5, 5, 5, None),
    ],
)
def test_an_empty_source_or_no_linked_pair_is_not_estimable(n1, n2, m, reason):
    # Given counts that hold no information on the overlap (or do)
    # When
    estimate = chapman_estimate(n1, n2, m)
    # Then the reason says why, and the arithmetic is still kept for the record
    assert (estimate.not_estimable_reason, estimate.is_estimable) == (reason, reason is None)
    assert estimate.n_hat == (n1 + 1) * (n2 + 1) / (m + 1) - 1
