import datetime as dt

import numpy as np
import pytest

from backend.analytics.estimation.capture_recapture import chapman_estimate
from backend.analytics.estimation.linkage import link_with_preset
from backend.analytics.estimation.synthetic import (
    generate_incidents,
    generate_registered_addresses,
)

# Two hotspots in San Miguel and La Cisterna (latitude, longitude).
CENTRES = [(-33.497, -70.651), (-33.529, -70.662)]
MONTH = dt.date(2024, 3, 1)


def test_same_seed_same_month():
    # Given / When
    first = generate_incidents(42, hotspot_centres=CENTRES, n_true=200, month_start=MONTH)
    second = generate_incidents(42, hotspot_centres=CENTRES, n_true=200, month_start=MONTH)
    other = generate_incidents(43, hotspot_centres=CENTRES, n_true=200, month_start=MONTH)
    # Then
    assert first == second
    assert first != other


def test_sources_are_drawn_from_the_truth():
    # Given / When
    month = generate_incidents(1, hotspot_centres=CENTRES, n_true=500, month_start=MONTH, days=31)
    # Then
    incidents = {incident.id: incident for incident in month.incidents}
    assert month.n_true == 500
    assert [report.incident_id for report in month.formal_reports] == [
        incident.id for incident in month.incidents if incident.reached_police
    ]
    assert [alert.incident_id for alert in month.alerts] == [
        incident.id for incident in month.incidents if incident.reached_app
    ]
    start = dt.datetime(2024, 3, 1, tzinfo=dt.UTC)
    assert all(start <= incident.occurred_at < start + dt.timedelta(days=31) for incident in month.incidents)
    for alert in month.alerts:
        truth = incidents[alert.incident_id]
        assert truth.occurred_at <= alert.created_at
        assert alert.category == truth.category
    for report in month.formal_reports:
        truth = incidents[report.incident_id]
        assert abs(report.occurred_at - truth.occurred_at) <= dt.timedelta(hours=1)
        assert report.filed_at >= truth.occurred_at


def test_evening_is_busier_than_early_morning():
    # Given / When
    month = generate_incidents(2, hotspot_centres=CENTRES, n_true=5000, month_start=MONTH)
    hours = np.array([incident.occurred_at.hour for incident in month.incidents])
    # Then
    assert np.count_nonzero((hours >= 18) & (hours < 22)) > 3 * np.count_nonzero((hours >= 2) & (hours < 6))


def test_reporting_rates_follow_the_probabilities():
    # Given / When
    month = generate_incidents(3, hotspot_centres=CENTRES, n_true=5000, month_start=MONTH, p_police=0.5, p_app=0.4)
    # Then (binomial sd ≈ 0.007)
    assert len(month.formal_reports) / 5000 == pytest.approx(0.5, abs=0.03)
    assert len(month.alerts) / 5000 == pytest.approx(0.4, abs=0.03)
    assert month.n_both / 5000 == pytest.approx(0.2, abs=0.03)


def test_strict_linkage_recovers_the_true_pairs_of_a_sparse_month():
    # Given a month of 300 incidents
    month = generate_incidents(1, hotspot_centres=CENTRES, n_true=300, month_start=MONTH)
    formal_truth = {report.id: report.incident_id for report in month.formal_reports}
    alert_truth = {alert.id: alert.incident_id for alert in month.alerts}
    # When
    pairs = link_with_preset(month.formal_table(), month.alert_table(), "strict")
    # Then nearly every link is a true pair and nearly every true pair is linked
    correct = sum(formal_truth[pair.formal_id] == alert_truth[pair.alert_id] for pair in pairs)
    assert correct / len(pairs) >= 0.95
    assert correct / month.n_both >= 0.9


def test_registered_addresses_are_reproducible_and_near_the_centres():
    # Given / When
    addresses = generate_registered_addresses(9, CENTRES, 100)
    # Then
    assert addresses == generate_registered_addresses(9, CENTRES, 100)
    assert len(addresses) == 100
    assert all(-33.6 < address.latitude < -33.42 and -70.75 < address.longitude < -70.55 for address in addresses)


@pytest.mark.slow
def test_chao_interval_covers_the_true_count_about_95_percent_of_the_time():
    # Given 250 simulated precinct-months with independent sources (and perfect linkage, so the
    # test measures the estimator, not the matching)
    months = 250
    covered = 0
    for seed in range(months):
        month = generate_incidents(
            seed, hotspot_centres=CENTRES, n_true=200 + seed % 200, month_start=MONTH, p_police=0.45, p_app=0.35
        )
        # When
        estimate = chapman_estimate(len(month.formal_reports), len(month.alerts), month.n_both)
        covered += estimate.interval_low <= month.n_true <= estimate.interval_high
    # Then
    assert 0.90 <= covered / months <= 0.99
