"""Weekly trends per category: the last 52 weeks beside the same weeks a year earlier (what COMPSTAT looks at first)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import connection

from backend.alerts.models import Alert, Category
from backend.analytics.estimation.compstat import TREND_WEEKS, WEEKS_A_YEAR_EARLIER, trend_weeks
from backend.analytics.models import NON_INCIDENT_STATUSES, FormalReport, OffenseType
from backend.analytics.selectors.areas import local_midnight

TOTAL_CODE = "total"

# Weeks back from the end date by local calendar day: 0 is the week ending on it, 52 the same week a
# year earlier. One GROUP BY per source covers all 104 weeks.
_WEEKLY_SQL = """
SELECT {key}, (%(end)s::date - ({moment} AT TIME ZONE %(zone)s)::date) / 7 AS weeks_back, COUNT(*)
FROM {table}
WHERE precinct_id = ANY(%(precincts)s) AND {moment} >= %(start)s AND {moment} < %(end_exclusive)s {extra}
GROUP BY 1, 2
"""


def _weekly_counts(
    *, table: str, key: str, moment: str, extra: str, params: dict[str, Any], weeks: int
) -> dict[int, list[list[int]]]:
    """{key: [current weekly counts, prior weekly counts]}, both oldest first."""
    sql = _WEEKLY_SQL.format(table=table, key=key, moment=moment, extra=extra)
    counts: dict[int, list[list[int]]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for key_value, weeks_back, count in cursor.fetchall():
            series = counts.setdefault(key_value, [[0] * weeks, [0] * weeks])
            if weeks_back < weeks:
                series[0][weeks - 1 - weeks_back] += count
            elif WEEKS_A_YEAR_EARLIER <= weeks_back < WEEKS_A_YEAR_EARLIER + weeks:
                series[1][weeks - 1 - (weeks_back - WEEKS_A_YEAR_EARLIER)] += count
    return counts


def _series(code: str, label_es: str, label_en: str, counts: list[list[int]]) -> dict[str, Any]:
    return {"code": code, "label_es": label_es, "label_en": label_en, "current": counts[0], "prior": counts[1]}


def _with_total(rows: list[dict[str, Any]], weeks: int) -> list[dict[str, Any]]:
    total = [[sum(row[part][index] for row in rows) for index in range(weeks)] for part in ("current", "prior")]
    return [*rows, _series(TOTAL_CODE, "Total", "Total", total)]


def weekly_trends(*, precinct_ids: Sequence[int], end_date: dt.date, weeks: int = TREND_WEEKS) -> dict[str, Any]:
    """Weekly counts per offense type (formal) and alert category (informal), each with the year-earlier line.

    Categories with no incident in either line are left out; each source ends with its total.
    """
    current, prior = trend_weeks(end_date, weeks)
    zone = settings.TIME_ZONE
    params = {
        "end": end_date,
        "zone": zone,
        "precincts": list(precinct_ids),
        # Local midnights, as every other window in the pack; the SQL buckets by local date.
        "start": local_midnight(prior[0].start),
        "end_exclusive": local_midnight(current[-1].end_exclusive),
    }
    formal = _weekly_counts(
        table=FormalReport._meta.db_table,
        key="offense_type_id",
        moment="occurred_at",
        extra="",
        params=params,
        weeks=weeks,
    )
    informal = _weekly_counts(
        table=Alert._meta.db_table,
        key="category_id",
        moment="created_at",
        extra="AND NOT (status = ANY(%(excluded)s))",
        params={**params, "excluded": list(NON_INCIDENT_STATUSES)},
        weeks=weeks,
    )
    formal_rows = [
        _series(offense.code, offense.label_es, offense.label_en, formal[offense.id])
        for offense in OffenseType.objects.order_by("code")
        if offense.id in formal
    ]
    informal_rows = [
        _series(category.code, category.label_es, category.label_en, informal[category.id])
        for category in Category.objects.order_by("priority", "code")
        if category.id in informal
    ]
    return {
        "weeks": [week.end.isoformat() for week in current],
        "prior_weeks": [week.end.isoformat() for week in prior],
        "formal": _with_total(formal_rows, weeks),
        "informal": _with_total(informal_rows, weeks),
    }
