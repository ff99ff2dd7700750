"""Reads for linkage: the candidate records of a month as arrays, the compatibility table, stored links."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from django.db import connection
from django.db.models import FloatField, Func, Q, QuerySet

from backend.alerts.models import Alert
from backend.analytics.estimation import EventTable, project_to_local_metres
from backend.analytics.models import NON_INCIDENT_STATUSES, FormalReport, IncidentLink, OffenseType
from backend.analytics.selectors.areas import Month

# Categories carry their precinct ("<precinct id>|<code>") so one linkage call never pairs across precincts.
KEY_SEPARATOR = "|"


class Epoch(Func):
    template = "EXTRACT(EPOCH FROM %(expressions)s)"
    output_field = FloatField()


class Longitude(Func):
    function = "ST_X"
    output_field = FloatField()


class Latitude(Func):
    function = "ST_Y"
    output_field = FloatField()


def offense_compatibility() -> dict[str, frozenset[str]]:
    """Offense type code → alert category codes that may describe the same incident."""
    pairs = OffenseType.compatible_categories.through.objects.values_list("offensetype__code", "category__code")
    table: dict[str, set[str]] = {code: set() for code in OffenseType.objects.values_list("code", flat=True)}
    for offense_code, category_code in pairs:
        table[offense_code].add(category_code)
    return {code: frozenset(categories) for code, categories in table.items()}


def crime_category_codes(compatibility: dict[str, frozenset[str]]) -> frozenset[str]:
    """Alert categories that some offense type matches: the informal source of the dark figure."""
    return frozenset().union(*compatibility.values()) if compatibility else frozenset()


def formal_reports_in(*, precinct_ids: Sequence[int], month: Month) -> QuerySet[FormalReport]:
    """The month's reports that count (an online complaint a police record also describes counts once)."""
    return FormalReport.objects.counted().filter(
        precinct_id__in=precinct_ids, occurred_at__gte=month.start, occurred_at__lt=month.end
    )


def incident_alerts_in(
    *, precinct_ids: Sequence[int], month: Month, category_codes: frozenset[str] | None = None
) -> QuerySet[Alert]:
    """Alerts that count as incidents: not false alarms, not merged duplicates, optionally crime categories only."""
    alerts = Alert.objects.filter(
        precinct_id__in=precinct_ids, created_at__gte=month.start, created_at__lt=month.end
    ).exclude(status__in=NON_INCIDENT_STATUSES)
    return alerts if category_codes is None else alerts.filter(category__code__in=category_codes)


@dataclass(frozen=True)
class LinkageCandidates:
    """The month's records as event tables, and the precinct of each row (aligned with the tables)."""

    formal: EventTable
    alerts: EventTable
    formal_precinct_ids: np.ndarray
    alert_precinct_ids: np.ndarray


def linkage_candidates(
    *, precinct_ids: Sequence[int], month: Month, category_codes: frozenset[str]
) -> LinkageCandidates:
    """The month's formal reports and crime alerts as planar arrays (two queries, no model instances)."""
    formal_rows = _rows(
        formal_reports_in(precinct_ids=precinct_ids, month=month).values_list(
            "id", Latitude("location"), Longitude("location"), "offense_type__code", Epoch("occurred_at"), "precinct_id"
        )
    )
    alert_rows = _rows(
        incident_alerts_in(precinct_ids=precinct_ids, month=month, category_codes=category_codes).values_list(
            "id", Latitude("location"), Longitude("location"), "category__code", Epoch("created_at"), "precinct_id"
        )
    )
    latitudes = np.array([row[1] for row in formal_rows] + [row[1] for row in alert_rows], dtype=np.float64)
    longitudes = np.array([row[2] for row in formal_rows] + [row[2] for row in alert_rows], dtype=np.float64)
    origin = (float(latitudes.mean()), float(longitudes.mean())) if latitudes.size else (0.0, 0.0)
    x, y = project_to_local_metres(latitudes, longitudes, *origin)
    split = len(formal_rows)

    def table(rows: list[tuple], xs: np.ndarray, ys: np.ndarray) -> EventTable:
        return EventTable.from_arrays(
            np.array([row[0] for row in rows], dtype=np.int64),
            xs,
            ys,
            [f"{row[5]}{KEY_SEPARATOR}{row[3]}" for row in rows],
            np.array([row[4] for row in rows], dtype=np.float64),
        )

    return LinkageCandidates(
        formal=table(formal_rows, x[:split], y[:split]),
        alerts=table(alert_rows, x[split:], y[split:]),
        formal_precinct_ids=np.array([row[5] for row in formal_rows], dtype=np.int64),
        alert_precinct_ids=np.array([row[5] for row in alert_rows], dtype=np.int64),
    )


def _rows(queryset: QuerySet) -> list[tuple]:
    # A plain cursor skips the ORM's per-row iteration, and no ordering spares the database a sort.
    sql, params = queryset.order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def incident_links_in_month(*, precinct_ids: Sequence[int], month: Month, preset: str) -> QuerySet[IncidentLink]:
    """Links of a preset that touch a report or an incident alert of the month in these precincts."""
    # Subqueries, not id lists: a month can hold more records than a statement can take parameters.
    return IncidentLink.objects.filter(
        Q(formal_report__in=formal_reports_in(precinct_ids=precinct_ids, month=month).values("id"))
        | Q(alert__in=incident_alerts_in(precinct_ids=precinct_ids, month=month).values("id")),
        preset=preset,
    )


def incident_links_list(
    *, precinct_ids: Sequence[int], month: Month, preset: str | None = None, status: str | None = None
) -> QuerySet[IncidentLink]:
    links = IncidentLink.objects.filter(
        formal_report__precinct_id__in=precinct_ids,
        formal_report__occurred_at__gte=month.start,
        formal_report__occurred_at__lt=month.end,
    ).select_related("formal_report__offense_type", "formal_report__precinct", "alert__category", "reviewed_by")
    if preset:
        links = links.filter(preset=preset)
    if status:
        links = links.filter(status=status)
    return links.order_by("preset", "formal_report__occurred_at", "id")
