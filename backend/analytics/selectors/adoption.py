"""Adoption per precinct: registered addresses against 10% of the population, and alerts in a period."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from backend.alerts.models import Alert
from backend.analytics.estimation import AdoptionRow, adoption_row, adoption_table
from backend.analytics.selectors.areas import local_midnight
from backend.geo.models import Precinct, RegisteredAddress

TOTAL_LABEL = "Total"


def _count_per_precinct(queryset) -> Subquery:
    return Coalesce(
        Subquery(
            queryset.filter(precinct_id=OuterRef("pk"))
            .order_by()
            .values("precinct_id")
            .annotate(count=Count("id"))
            .values("count"),
            output_field=IntegerField(),
        ),
        Value(0),
    )


def adoption_rows(*, precinct_ids: Sequence[int], start: dt.date, end: dt.date) -> list[AdoptionRow]:
    """One row per precinct (label = code) plus a totals row, in one query.

    Registered addresses are counted as they stand now: an address moves with its owner and keeps
    no history. Alerts count every alert created from ``start`` to ``end`` inclusive (local days).
    """
    alerts = Alert.objects.filter(
        created_at__gte=local_midnight(start), created_at__lt=local_midnight(end + dt.timedelta(days=1))
    )
    rows = (
        Precinct.objects.filter(id__in=precinct_ids)
        .order_by("code")
        .annotate(
            registered=_count_per_precinct(RegisteredAddress.objects.all()),
            alert_count=_count_per_precinct(alerts),
        )
        .values_list("code", "population", "registered", "alert_count")
    )
    return adoption_table(
        [
            adoption_row(registered, population or 0, alert_count, label=code)
            for code, population, registered, alert_count in rows
        ],
        total_label=TOTAL_LABEL,
    )


ADOPTION_CSV_COLUMNS = ("label", "registered", "population", "target", "missing", "compliance_percent", "alerts")


def adoption_dicts(rows: Sequence[AdoptionRow]) -> list[dict[str, Any]]:
    return [asdict(row) for row in rows]
