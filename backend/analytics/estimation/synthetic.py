"""Seeded synthetic incidents with ground truth, for the demo and for calibrating the estimators.

A month of true incidents is drawn around hotspot centres (a mixture of isotropic Gaussians in
metres) plus a uniform background over the study box, at realistic hours of the day. Each
incident independently reaches the police with probability ``p_police`` and the app with
probability ``p_app``, which is exactly the independent-sources assumption of two-source
capture–recapture, so the true N is known and the estimator's coverage can be measured.

Observed records carry the noise real records have: positions jittered by GPS or geocoding
error, alerts sent minutes after the incident, formal reports whose recorded occurrence time is
off by up to an hour and which are filed hours to days later.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from backend.analytics.estimation.linkage import EventTable, local_metres_to_lat_lon, project_to_local_metres

# Relative incident rate per local hour (0–23): lowest before dawn, peaking in the evening,
# the usual shape of urban property and street crime.
HOUR_OF_DAY_WEIGHTS = (
    3, 2, 2, 1, 1, 1, 2, 3, 4, 4, 5, 5,
    6, 6, 6, 6, 7, 8, 9, 10, 10, 9, 7, 5,
)  # fmt: skip
DEFAULT_CATEGORIES: dict[str, float] = {
    "robbery": 0.30,
    "theft": 0.30,
    "burglary": 0.15,
    "vehicle_theft": 0.10,
    "assault": 0.10,
    "vandalism": 0.05,
}
HOTSPOT_SHARE = 0.7
HOTSPOT_SIGMA_M = 250.0
BACKGROUND_MARGIN_M = 1500.0
LOCATION_NOISE_M = 30.0
ALERT_DELAY_MEAN_MINUTES = 5.0
REPORTED_TIME_ERROR_MINUTES = 60.0
# Filing delay is log-normal: median 6 hours, with a tail of several days.
FILING_DELAY_MEDIAN_HOURS = 6.0
FILING_DELAY_LOG_SIGMA = 1.2
ADDRESS_SPREAD_M = 600.0

ERROR_NO_CENTRES = "At least one hotspot centre is needed."
ERROR_PROBABILITY = "Reporting probabilities must be between 0 and 1."


@dataclass(frozen=True)
class TrueIncident:
    """An incident that happened, with whether it reached each source."""

    id: int
    category: str
    occurred_at: dt.datetime
    latitude: float
    longitude: float
    x_m: float
    y_m: float
    reached_police: bool
    reached_app: bool


@dataclass(frozen=True)
class SyntheticFormalReport:
    """A police report of a true incident, as recorded (noisy place and occurrence time)."""

    id: int
    incident_id: int
    category: str
    occurred_at: dt.datetime
    filed_at: dt.datetime
    latitude: float
    longitude: float
    x_m: float
    y_m: float


@dataclass(frozen=True)
class SyntheticAlert:
    """A neighbour's app alert about a true incident (GPS position, sent minutes later)."""

    id: int
    incident_id: int
    category: str
    created_at: dt.datetime
    latitude: float
    longitude: float
    x_m: float
    y_m: float


@dataclass(frozen=True)
class SyntheticMonth:
    """True incidents and what each source saw; x_m/y_m are metres from ``origin`` (lat, lon)."""

    origin: tuple[float, float]
    incidents: tuple[TrueIncident, ...]
    formal_reports: tuple[SyntheticFormalReport, ...]
    alerts: tuple[SyntheticAlert, ...]

    @property
    def n_true(self) -> int:
        return len(self.incidents)

    @property
    def n_both(self) -> int:
        """Incidents seen by both sources: the m a perfect linkage would find."""
        return sum(1 for incident in self.incidents if incident.reached_police and incident.reached_app)

    def formal_table(self) -> EventTable:
        """Formal reports for :func:`~backend.analytics.estimation.linkage.link_events`."""
        return EventTable.from_arrays(
            [report.id for report in self.formal_reports],
            [report.x_m for report in self.formal_reports],
            [report.y_m for report in self.formal_reports],
            [report.category for report in self.formal_reports],
            [report.occurred_at.timestamp() for report in self.formal_reports],
        )

    def alert_table(self) -> EventTable:
        """Alerts for :func:`~backend.analytics.estimation.linkage.link_events`."""
        return EventTable.from_arrays(
            [alert.id for alert in self.alerts],
            [alert.x_m for alert in self.alerts],
            [alert.y_m for alert in self.alerts],
            [alert.category for alert in self.alerts],
            [alert.created_at.timestamp() for alert in self.alerts],
        )


@dataclass(frozen=True)
class SyntheticAddress:
    """A registered household address."""

    latitude: float
    longitude: float


def generate_incidents(
    rng_seed: int,
    *,
    hotspot_centres: Sequence[tuple[float, float]],
    n_true: int,
    month_start: dt.date,
    days: int = 30,
    categories: Mapping[str, float] | None = None,
    p_police: float = 0.5,
    p_app: float = 0.4,
    hotspot_share: float = HOTSPOT_SHARE,
    hotspot_sigma_m: float = HOTSPOT_SIGMA_M,
    background_margin_m: float = BACKGROUND_MARGIN_M,
    location_noise_m: float = LOCATION_NOISE_M,
    timezone: dt.tzinfo = dt.UTC,
) -> SyntheticMonth:
    """Draw ``n_true`` incidents over ``days`` days from ``month_start`` (local midnight in ``timezone``).

    ``hotspot_centres`` are (latitude, longitude); the background is uniform over their bounding
    box widened by ``background_margin_m``. ``categories`` maps names to relative weights.
    """
    if not hotspot_centres:
        raise ValueError(ERROR_NO_CENTRES)
    if not (0 <= p_police <= 1 and 0 <= p_app <= 1):
        raise ValueError(ERROR_PROBABILITY)
    rng = np.random.default_rng(rng_seed)
    weights = DEFAULT_CATEGORIES if categories is None else categories
    names = list(weights)
    category_p = np.array([weights[name] for name in names], dtype=np.float64)
    category_p /= category_p.sum()

    centre_lat = np.array([centre[0] for centre in hotspot_centres])
    centre_lon = np.array([centre[1] for centre in hotspot_centres])
    origin = (float(centre_lat.mean()), float(centre_lon.mean()))
    centre_x, centre_y = project_to_local_metres(centre_lat, centre_lon, *origin)

    in_hotspot = rng.random(n_true) < hotspot_share
    which = rng.integers(0, len(hotspot_centres), n_true)
    x = np.where(
        in_hotspot,
        centre_x[which] + rng.normal(0, hotspot_sigma_m, n_true),
        rng.uniform(centre_x.min() - background_margin_m, centre_x.max() + background_margin_m, n_true),
    )
    y = np.where(
        in_hotspot,
        centre_y[which] + rng.normal(0, hotspot_sigma_m, n_true),
        rng.uniform(centre_y.min() - background_margin_m, centre_y.max() + background_margin_m, n_true),
    )

    hour_p = np.array(HOUR_OF_DAY_WEIGHTS, dtype=np.float64)
    hour_p /= hour_p.sum()
    seconds = (
        rng.integers(0, days, n_true) * 86_400 + rng.choice(24, n_true, p=hour_p) * 3600 + rng.integers(0, 3600, n_true)
    )
    chosen_category = rng.choice(len(names), n_true, p=category_p)
    reached_police = rng.random(n_true) < p_police
    reached_app = rng.random(n_true) < p_app

    # Observation noise is drawn for every incident, seen or not, so changing p_police or p_app
    # does not reshuffle the other draws of the same seed.
    alert_x = x + rng.normal(0, location_noise_m, n_true)
    alert_y = y + rng.normal(0, location_noise_m, n_true)
    alert_delay = rng.exponential(ALERT_DELAY_MEAN_MINUTES * 60, n_true)
    report_x = x + rng.normal(0, location_noise_m, n_true)
    report_y = y + rng.normal(0, location_noise_m, n_true)
    report_time_error = rng.uniform(-REPORTED_TIME_ERROR_MINUTES, REPORTED_TIME_ERROR_MINUTES, n_true) * 60
    filing_delay = rng.lognormal(np.log(FILING_DELAY_MEDIAN_HOURS * 3600), FILING_DELAY_LOG_SIGMA, n_true)

    start = dt.datetime.combine(month_start, dt.time(0, 0), tzinfo=timezone)
    order = np.argsort(seconds, kind="stable")
    latitude, longitude = local_metres_to_lat_lon(x, y, *origin)
    alert_lat, alert_lon = local_metres_to_lat_lon(alert_x, alert_y, *origin)
    report_lat, report_lon = local_metres_to_lat_lon(report_x, report_y, *origin)

    incidents: list[TrueIncident] = []
    formal_reports: list[SyntheticFormalReport] = []
    alerts: list[SyntheticAlert] = []
    for incident_id, i in enumerate(order.tolist(), start=1):
        occurred_at = start + dt.timedelta(seconds=int(seconds[i]))
        category = names[int(chosen_category[i])]
        incidents.append(
            TrueIncident(
                id=incident_id,
                category=category,
                occurred_at=occurred_at,
                latitude=float(latitude[i]),
                longitude=float(longitude[i]),
                x_m=float(x[i]),
                y_m=float(y[i]),
                reached_police=bool(reached_police[i]),
                reached_app=bool(reached_app[i]),
            )
        )
        if reached_police[i]:
            recorded_at = occurred_at + dt.timedelta(seconds=float(report_time_error[i]))
            formal_reports.append(
                SyntheticFormalReport(
                    id=len(formal_reports) + 1,
                    incident_id=incident_id,
                    category=category,
                    occurred_at=recorded_at,
                    filed_at=occurred_at + dt.timedelta(seconds=float(filing_delay[i])),
                    latitude=float(report_lat[i]),
                    longitude=float(report_lon[i]),
                    x_m=float(report_x[i]),
                    y_m=float(report_y[i]),
                )
            )
        if reached_app[i]:
            alerts.append(
                SyntheticAlert(
                    id=len(alerts) + 1,
                    incident_id=incident_id,
                    category=category,
                    created_at=occurred_at + dt.timedelta(seconds=float(alert_delay[i])),
                    latitude=float(alert_lat[i]),
                    longitude=float(alert_lon[i]),
                    x_m=float(alert_x[i]),
                    y_m=float(alert_y[i]),
                )
            )
    return SyntheticMonth(
        origin=origin, incidents=tuple(incidents), formal_reports=tuple(formal_reports), alerts=tuple(alerts)
    )


def generate_registered_addresses(
    rng_seed: int, centres: Sequence[tuple[float, float]], count: int, *, spread_m: float = ADDRESS_SPREAD_M
) -> tuple[SyntheticAddress, ...]:
    """``count`` addresses scattered around (latitude, longitude) centres, Gaussian with ``spread_m``."""
    if not centres:
        raise ValueError(ERROR_NO_CENTRES)
    rng = np.random.default_rng(rng_seed)
    centre_lat = np.array([centre[0] for centre in centres])
    centre_lon = np.array([centre[1] for centre in centres])
    origin = (float(centre_lat.mean()), float(centre_lon.mean()))
    centre_x, centre_y = project_to_local_metres(centre_lat, centre_lon, *origin)
    which = rng.integers(0, len(centres), count)
    latitude, longitude = local_metres_to_lat_lon(
        centre_x[which] + rng.normal(0, spread_m, count), centre_y[which] + rng.normal(0, spread_m, count), *origin
    )
    return tuple(
        SyntheticAddress(latitude=float(lat), longitude=float(lon))
        for lat, lon in zip(latitude.tolist(), longitude.tolist(), strict=True)
    )
