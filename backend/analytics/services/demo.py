"""Synthetic demo data with ground truth: formal reports, alerts with timelines and registered addresses.

True incidents come from ``estimation.synthetic`` around hotspot centres drawn inside each
precinct; only incidents that fall inside the precinct are kept. Each reaches the police and the
app independently, so the dark figure the analytics estimate has a known answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import shapely
from django.contrib.gis.geos import Point
from django.db import connection, transaction
from django.utils import timezone

from backend.accounts.models import Role, User
from backend.alerts.models import Alert, AlertStatus, AlertStep, Category
from backend.analytics.estimation.synthetic import generate_incidents, generate_registered_addresses
from backend.analytics.models import OffenseType, ReportSource, SyntheticTruth
from backend.analytics.selectors.areas import Month, local_today, local_zone
from backend.analytics.selectors.routing import precincts_for_points
from backend.analytics.services.formal_reports import ReportRow, formal_reports_import_batch
from backend.geo.models import Precinct, RegisteredAddress

REPORTER_PREFIX = "demo-vecino-"
HOUSEHOLD_PREFIX = "demo-hogar-"
REPORTER_COUNT = 12
HOTSPOTS_PER_PRECINCT = 4
INCIDENTS_PER_THOUSAND_PEOPLE_PER_MONTH = 3.0
PROBABILITY_POLICE = 0.5
# The app is adopted over the demo's span: alerts reach it more often each month, from the first
# value to the second (the pilot connected households month by month).
PROBABILITY_APP_RANGE = (0.30, 0.50)
# Incidents peak in the southern summer (December–January) and fall by this share a year, so
# the year-on-year comparisons and the trend charts show change, not flat noise.
SEASONAL_AMPLITUDE = 0.15
YEARLY_DECLINE = 0.12
# One precinct (by code order) sees a drug-market surge in the last SURGE_MONTHS months: the kind
# of change Wheeler's z flags at the STOP meeting.
SURGE_PRECINCT_INDEX = 2
SURGE_MONTHS = 2
SURGE_OFFENSE = "drugs"
SURGE_FACTOR = 4.0
FALSE_ALARM_SHARE = 0.05
# Registered addresses per precinct as a share of its population, drawn once per precinct.
ADDRESS_SHARE_RANGE = (0.02, 0.12)
INSERT_BATCH = 5_000
# Unusable password hash: demo accounts cannot log in.
UNUSABLE_PASSWORD = "!demo"

# Relative frequency of each offense in the synthetic month, and the category a neighbour would press.
OFFENSE_WEIGHTS: dict[str, float] = {
    "simple_theft": 0.24,
    "surprise_robbery": 0.12,
    "robbery_with_violence": 0.12,
    "vehicle_accessory_theft": 0.12,
    "property_damage": 0.10,
    "violence": 0.12,
    "drugs": 0.08,
    "fraud": 0.05,
    "found_property_theft": 0.02,
    "embezzlement": 0.02,
    "animal_cruelty": 0.01,
}
ALERT_CATEGORY_FOR_OFFENSE: dict[str, str] = {
    "simple_theft": "theft",
    "surprise_robbery": "robbery_in_progress",
    "robbery_with_violence": "robbery_in_progress",
    "vehicle_accessory_theft": "vehicle_theft",
    "property_damage": "vandalism",
    "violence": "violence",
    "drugs": "drugs",
    "fraud": "suspicious_person",
    "found_property_theft": "theft",
    "embezzlement": "theft",
    "animal_cruelty": "stray_dogs",
}
# Median seconds from the previous step and log-normal spread of each timeline step.
TIMELINE_STEPS: tuple[tuple[str, float], ...] = (
    (AlertStatus.ACKNOWLEDGED, 45.0),
    (AlertStatus.CONTACTED, 120.0),
    (AlertStatus.UNIT_DISPATCHED, 180.0),
    (AlertStatus.ON_SCENE, 600.0),
    (AlertStatus.RESOLVED, 1800.0),
)
STEP_LOG_SIGMA = 0.6


@dataclass
class DemoResult:
    formal_reports: int = 0
    alerts: int = 0
    steps: int = 0
    addresses: int = 0
    true_incidents: int = 0
    skipped: list[str] = field(default_factory=list)


def _hotspot_centres(seed: int) -> dict[int, list[tuple[float, float]]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.id, ST_Y(g.geom), ST_X(g.geom) FROM geo_precinct p, "
            "LATERAL ST_Dump(ST_GeneratePoints(p.boundary, %s, %s)) g ORDER BY p.id, g.path",
            [HOTSPOTS_PER_PRECINCT, seed],
        )
        centres: dict[int, list[tuple[float, float]]] = {}
        for precinct_id, lat, lon in cursor.fetchall():
            centres.setdefault(precinct_id, []).append((lat, lon))
    return centres


def demo_months(count: int) -> list[Month]:
    month = Month.containing(local_today())
    months = [month]
    for _ in range(count - 1):
        month = Month.containing(month.first_day - dt.timedelta(days=1))
        months.append(month)
    return sorted(months, key=lambda item: item.first_day)


def _month_rate(month: Month, index: int, count: int) -> float:
    """The incident rate multiplier of the index-th of ``count`` months: seasonal, and declining over the years."""
    seasonal = 1 + SEASONAL_AMPLITUDE * np.cos(2 * np.pi * (month.first_day.month - 1) / 12)
    years_before_end = (count - 1 - index) / 12
    return float(seasonal * (1 + YEARLY_DECLINE) ** years_before_end)


def _app_probability(index: int, count: int) -> float:
    low, high = PROBABILITY_APP_RANGE
    return low + (high - low) * (index / max(count - 1, 1))


def _offense_weights(precinct_index: int, month_index: int, count: int) -> dict[str, float]:
    if precinct_index == SURGE_PRECINCT_INDEX and month_index >= count - SURGE_MONTHS:
        return {**OFFENSE_WEIGHTS, SURGE_OFFENSE: OFFENSE_WEIGHTS[SURGE_OFFENSE] * SURGE_FACTOR}
    return OFFENSE_WEIGHTS


def _reporters() -> list[User]:
    existing = {user.username: user for user in User.objects.filter(username__startswith=REPORTER_PREFIX)}
    missing = [
        User(username=f"{REPORTER_PREFIX}{n}", role=Role.NEIGHBOR, password=UNUSABLE_PASSWORD, first_name="Vecino")
        for n in range(1, REPORTER_COUNT + 1)
        if f"{REPORTER_PREFIX}{n}" not in existing
    ]
    User.objects.bulk_create(missing)
    return list(User.objects.filter(username__startswith=REPORTER_PREFIX).order_by("id"))


@transaction.atomic
def synthetic_demo_load(*, months: int = 3, seed: int = 1) -> DemoResult:
    """Load ``months`` months (ending with the current one) over every loaded precinct; safe to re-run.

    Each precinct-month's ground truth is kept in ``SyntheticTruth`` so pages can show it beside the estimate.
    """
    result = DemoResult()
    rng = np.random.default_rng(seed)
    now = timezone.now()
    precincts = list(Precinct.objects.order_by("code"))
    centres = _hotspot_centres(seed)
    offense_ids = dict(OffenseType.objects.values_list("code", "id"))
    categories = {category.code: category for category in Category.objects.all()}
    reporters = _reporters()
    write_alerts = not Alert.objects.filter(reporter__in=reporters).exists()
    if not write_alerts:
        result.skipped.append("alerts (the demo reporters already have alerts)")

    alerts: list[Alert] = []
    steps_by_alert: list[list[tuple[str, dt.datetime]]] = []
    for precinct_index, precinct in enumerate(precincts):
        shape = shapely.from_wkb(bytes(precinct.boundary.wkb))
        base_rate = max(int((precinct.population or 0) * INCIDENTS_PER_THOUSAND_PEOPLE_PER_MONTH / 1000), 30)
        for month_index, month in enumerate(demo_months(months)):
            days = (month.next_first_day - month.first_day).days
            weights = _offense_weights(precinct_index, month_index, months)
            n_true = round(base_rate * _month_rate(month, month_index, months) * sum(weights.values()))
            synthetic = generate_incidents(
                seed * 100_003 + precinct_index * 101 + month_index,
                hotspot_centres=centres[precinct.id],
                n_true=n_true,
                month_start=month.first_day,
                days=days,
                categories=weights,
                p_police=PROBABILITY_POLICE,
                p_app=_app_probability(month_index, months),
                timezone=local_zone(),
            )
            inside = {
                incident.id
                for incident in synthetic.incidents
                if incident.occurred_at <= now and shapely.contains_xy(shape, incident.longitude, incident.latitude)
            }
            result.true_incidents += len(inside)
            rows = [
                ReportRow(
                    row=report.id,
                    external_id=f"demo-{precinct.code}-{month.label}-{report.id:05d}",
                    offense_type_id=offense_ids[report.category],
                    occurred_at=report.occurred_at.astimezone(dt.UTC),
                    filed_at=max(report.filed_at.astimezone(dt.UTC), report.occurred_at.astimezone(dt.UTC)),
                    lat=report.latitude,
                    lon=report.longitude,
                )
                for report in synthetic.formal_reports
                if report.incident_id in inside and report.filed_at.astimezone(dt.UTC) <= now
            ]
            result.formal_reports += formal_reports_import_batch(rows=rows, source=ReportSource.POLICE_RECORDS).inserted
            sent = [
                alert
                for alert in synthetic.alerts
                if alert.incident_id in inside and alert.created_at.astimezone(dt.UTC) <= now
            ]
            # What happened by now, and what of it reached each source by now (the current month is partial).
            SyntheticTruth.objects.update_or_create(
                precinct=precinct,
                month=month.first_day,
                defaults={"true_incidents": len(inside), "reached_police": len(rows), "reached_app": len(sent)},
            )
            if not write_alerts:
                continue
            for alert in sent:
                created_at = alert.created_at.astimezone(dt.UTC)
                category = categories[ALERT_CATEGORY_FOR_OFFENSE[alert.category]]
                alerts.append(
                    Alert(
                        reporter=reporters[int(rng.integers(len(reporters)))],
                        category=category,
                        agency=category.agency,
                        location=Point(alert.longitude, alert.latitude, srid=4326),
                        accuracy_meters=float(rng.uniform(5, 40)),
                        precinct_id=precinct.id,
                        created_at=created_at,
                    )
                )
                steps_by_alert.append(_timeline(rng, created_at, now))
    if write_alerts:
        result.alerts, result.steps = _alerts_write(alerts, steps_by_alert)
    result.addresses = _addresses_write(precincts=precincts, centres=centres, seed=seed)
    return result


def _timeline(rng: np.random.Generator, created_at: dt.datetime, now: dt.datetime) -> list[tuple[str, dt.datetime]]:
    steps = [(AlertStatus.RECEIVED, created_at)]
    moment = created_at
    is_false_alarm = rng.random() < FALSE_ALARM_SHARE
    for status, median_seconds in TIMELINE_STEPS:
        if is_false_alarm and status == AlertStatus.UNIT_DISPATCHED:
            status, median_seconds = AlertStatus.FALSE_ALARM, 300.0
        moment = moment + dt.timedelta(seconds=float(rng.lognormal(np.log(median_seconds), STEP_LOG_SIGMA)))
        if moment > now:
            break
        steps.append((status, moment))
        if status == AlertStatus.FALSE_ALARM:
            break
    return steps


def _alerts_write(alerts: list[Alert], timelines: list[list[tuple[str, dt.datetime]]]) -> tuple[int, int]:
    # Routing is set-based, so boundary flags match what the live alert service would set.
    routed = precincts_for_points(points=[(alert.location.y, alert.location.x) for alert in alerts])
    kept: list[tuple[Alert, list[tuple[str, dt.datetime]]]] = []
    for alert, timeline, match in zip(alerts, timelines, routed, strict=True):
        if match is None:
            continue
        alert.precinct_id, alert.is_overlap, alert.is_gap = match.precinct_id, match.is_overlap, match.is_gap
        alert.status = timeline[-1][0]
        kept.append((alert, timeline))
    Alert.objects.bulk_create([alert for alert, _ in kept], batch_size=INSERT_BATCH)
    steps = [
        AlertStep(
            alert_id=alert.id,
            status=status,
            actor_id=alert.reporter_id if status == AlertStatus.RECEIVED else None,
            created_at=moment,
        )
        for alert, timeline in kept
        for status, moment in timeline
    ]
    AlertStep.objects.bulk_create(steps, batch_size=INSERT_BATCH)
    return len(kept), len(steps)


def _addresses_write(*, precincts: Sequence[Precinct], centres: dict[int, list[tuple[float, float]]], seed: int) -> int:
    rng = np.random.default_rng(seed + 7)
    written = 0
    for index, precinct in enumerate(precincts):
        prefix = f"{HOUSEHOLD_PREFIX}{precinct.code}-"
        share = rng.uniform(*ADDRESS_SHARE_RANGE)
        if User.objects.filter(username__startswith=prefix).exists():
            continue
        wanted = int((precinct.population or 0) * share)
        drawn = generate_registered_addresses(seed * 1_009 + index, centres[precinct.id], int(wanted * 1.5) + 10)
        routed = precincts_for_points(points=[(address.latitude, address.longitude) for address in drawn])
        chosen = [
            (address, match)
            for address, match in zip(drawn, routed, strict=True)
            if match is not None and match.precinct_id == precinct.id
        ][:wanted]
        users = User.objects.bulk_create(
            [
                User(username=f"{prefix}{n}", role=Role.NEIGHBOR, password=UNUSABLE_PASSWORD)
                for n in range(1, len(chosen) + 1)
            ],
            batch_size=INSERT_BATCH,
        )
        RegisteredAddress.objects.bulk_create(
            [
                RegisteredAddress(
                    user=user,
                    location=Point(address.longitude, address.latitude, srid=4326),
                    precinct_id=precinct.id,
                    is_boundary_case=match.is_overlap or match.is_gap,
                )
                for user, (address, match) in zip(users, chosen, strict=True)
            ],
            batch_size=INSERT_BATCH,
        )
        written += len(chosen)
    return written
