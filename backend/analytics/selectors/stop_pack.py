"""The STOP/COMPSTAT pack: COMPSTAT counts by category, response times, dark figure and adoption."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from django.db.models import Count, F, Min, Q, QuerySet

from backend.alerts.models import Alert, AlertStatus, Category
from backend.analytics.estimation import DateRange, PeriodChange, compstat_windows, duration_summary, period_change
from backend.analytics.estimation.compstat import WINDOW_NAMES
from backend.analytics.models import ALERT_CATEGORY_GROUPS, NON_INCIDENT_STATUSES, FormalReport, OffenseType
from backend.analytics.selectors.adoption import adoption_dicts, adoption_rows
from backend.analytics.selectors.areas import Area, Month, local_midnight
from backend.analytics.selectors.dark_figure import ALL_GROUPS, dark_figure_report
from backend.analytics.selectors.linkage import Epoch
from backend.analytics.selectors.trends import weekly_trends

# Called with a percentage and a short note as each part of a long computation finishes.
Progress = Callable[[int, str], None]


def _no_progress(percent: int, step: str) -> None:
    return None


PRIOR_SUFFIX = "_prior_year"
RESPONSE_LABELS_ES = {
    "to_acknowledge": "Hasta confirmar",
    "to_contact": "Hasta llamar",
    "to_on_scene": "Hasta llegar al lugar",
    "to_close": "Hasta cerrar",
}
NOT_AVAILABLE = "n/a"
TOTAL_CODE = "total"
# Response times are measured over the last 28 days, the window the meeting discusses.
RESPONSE_WINDOW = "last_28_days"
CLOSING_STATUSES = (AlertStatus.RESOLVED, AlertStatus.FALSE_ALARM, AlertStatus.DUPLICATE)
RESPONSE_MILESTONES = {
    "to_acknowledge": Q(steps__status=AlertStatus.ACKNOWLEDGED),
    "to_contact": Q(steps__status=AlertStatus.CONTACTED),
    "to_on_scene": Q(steps__status=AlertStatus.ON_SCENE),
    "to_close": Q(steps__status__in=CLOSING_STATUSES),
}


def _window_filter(field: str, window: DateRange) -> Q:
    return Q(**{f"{field}__gte": local_midnight(window.start), f"{field}__lt": local_midnight(window.end_exclusive)})


def _windowed_counts(queryset: QuerySet, *, field: str, key: str, windows: dict[str, DateRange]) -> dict[Any, dict]:
    """{key: {window: count}} in one GROUP BY query over the union of the windows."""
    any_window = Q()
    for window in windows.values():
        any_window |= _window_filter(field, window)
    aggregates = {name: Count("id", filter=_window_filter(field, window)) for name, window in windows.items()}
    return {row.pop(key): row for row in queryset.filter(any_window).values(key).annotate(**aggregates).order_by()}


def change_dict(change: PeriodChange) -> dict[str, Any]:
    percent = None if change.percent_change is None else round(change.percent_change, 1)
    return {
        "current": change.current,
        "prior": change.prior,
        "absolute_change": change.absolute_change,
        "percent_change": percent,
        "percent_change_label": NOT_AVAILABLE if percent is None else f"{percent:+.1f}%",
        "wheeler_z": round(change.wheeler_z, 2),
        "is_signal": change.is_signal,
    }


def _changes(counts: dict[str, int]) -> dict[str, dict[str, Any]]:
    return {
        name: change_dict(period_change(counts.get(name, 0), counts.get(name + PRIOR_SUFFIX, 0)))
        for name in WINDOW_NAMES
    }


def _sum_counts(rows: Sequence[dict[str, int]], windows: dict[str, DateRange]) -> dict[str, int]:
    return {name: sum(row.get(name, 0) for row in rows) for name in windows}


def compstat_counts(*, precinct_ids: Sequence[int], end_date: dt.date) -> dict[str, Any]:
    """Formal counts by offense type and informal counts by alert category, each window against a year earlier."""
    windows = compstat_windows(end_date)
    formal = _windowed_counts(
        FormalReport.objects.counted().filter(precinct_id__in=precinct_ids),
        field="occurred_at",
        key="offense_type_id",
        windows=windows,
    )
    informal = _windowed_counts(
        Alert.objects.filter(precinct_id__in=precinct_ids).exclude(status__in=NON_INCIDENT_STATUSES),
        field="created_at",
        key="category_id",
        windows=windows,
    )
    formal_rows, informal_rows = [], []
    group_counts: dict[tuple[str, str], list[dict[str, int]]] = {}
    for offense in OffenseType.objects.order_by("code"):
        counts = formal.get(offense.id, {})
        group_counts.setdefault(("formal", offense.group), []).append(counts)
        formal_rows.append(_row(offense.code, offense.label_es, offense.label_en, offense.group, counts))
    for category in Category.objects.order_by("priority", "code"):
        counts = informal.get(category.id, {})
        group = ALERT_CATEGORY_GROUPS.get(category.code)
        if group:
            group_counts.setdefault(("informal", group), []).append(counts)
        informal_rows.append(_row(category.code, category.label_es, category.label_en, group, counts))
    for rows, source in ((formal_rows, formal), (informal_rows, informal)):
        rows.append(_row(TOTAL_CODE, "Total", "Total", None, _sum_counts(list(source.values()), windows)))
    groups = sorted({group for _, group in group_counts})
    side_by_side = [
        {
            "group": group,
            "formal": _changes(_sum_counts(group_counts.get(("formal", group), []), windows)),
            "informal": _changes(_sum_counts(group_counts.get(("informal", group), []), windows)),
        }
        for group in groups
    ]
    return {
        "windows": {
            name: {"start": window.start.isoformat(), "end": window.end.isoformat()} for name, window in windows.items()
        },
        "formal": formal_rows,
        "informal": informal_rows,
        "side_by_side": side_by_side,
    }


def _row(code: str, label_es: str, label_en: str, group: str | None, counts: dict[str, int]) -> dict[str, Any]:
    return {"code": code, "label_es": label_es, "label_en": label_en, "group": group, "windows": _changes(counts)}


def response_times(*, precinct_ids: Sequence[int], window: DateRange) -> dict[str, Any]:
    """Median and p90 seconds from the alert to each timeline milestone; one query returns the durations."""
    durations = (
        Alert.objects.filter(precinct_id__in=precinct_ids)
        .filter(_window_filter("created_at", window))
        .annotate(
            **{
                name: Epoch(Min("steps__created_at", filter=condition) - F("created_at"))
                for name, condition in RESPONSE_MILESTONES.items()
            }
        )
        .values_list(*RESPONSE_MILESTONES)
        .order_by()
    )
    columns: dict[str, list[float]] = {name: [] for name in RESPONSE_MILESTONES}
    invalid = dict.fromkeys(RESPONSE_MILESTONES, 0)
    for row in durations:
        for name, seconds in zip(RESPONSE_MILESTONES, row, strict=True):
            if seconds is None:
                continue
            # A step before its alert means a wrong clock; it is counted, not averaged in.
            if seconds < 0:
                invalid[name] += 1
            else:
                columns[name].append(seconds)
    summary: dict[str, Any] = {"window": {"start": window.start.isoformat(), "end": window.end.isoformat()}}
    for name, values in columns.items():
        result = duration_summary(values)
        summary[name] = {
            "count": result.count,
            "median_seconds": result.median_seconds,
            "p90_seconds": result.p90_seconds,
            "invalid": invalid[name],
        }
    return summary


def stop_pack(*, area: Area, end_date: dt.date, progress: Progress = _no_progress) -> dict[str, Any]:
    """Everything the monthly STOP meeting reads for an area, up to and including ``end_date``."""
    month = Month.containing(end_date)
    progress(5, "counts")
    counts = compstat_counts(precinct_ids=area.precinct_ids, end_date=end_date)
    progress(35, "trends")
    trends = weekly_trends(precinct_ids=area.precinct_ids, end_date=end_date)
    progress(50, "response_times")
    windows = compstat_windows(end_date)
    times = response_times(precinct_ids=area.precinct_ids, window=windows[RESPONSE_WINDOW])
    progress(65, "dark_figure")
    dark_figure = dark_figure_report(area=area, month=month).as_dict()
    for preset in dark_figure["presets"]:
        preset["rows"] = [row for row in preset["rows"] if row["group"] == ALL_GROUPS]
    progress(85, "adoption")
    adoption = adoption_dicts(adoption_rows(precinct_ids=area.precinct_ids, start=month.first_day, end=end_date))
    progress(100, "done")
    return {
        "area": {
            "kind": area.kind,
            "code": area.code,
            "name": area.name,
            "precincts": [{"code": precinct.code, "name": precinct.name} for precinct in area.precincts],
        },
        "end_date": end_date.isoformat(),
        "month": month.label,
        "is_month_complete": end_date >= month.last_day,
        **counts,
        "trends": trends,
        "response_times": times,
        "dark_figure": dark_figure,
        "adoption": {
            "period": {"start": month.first_day.isoformat(), "end": end_date.isoformat()},
            "rows": adoption,
        },
    }


COUNTS_CSV_COLUMNS = (
    "source",
    "code",
    "label_es",
    "label_en",
    "group",
    "window",
    "current",
    "prior",
    "absolute_change",
    "percent_change",
    "wheeler_z",
    "is_signal",
)


def stop_pack_counts_csv_rows(pack: dict[str, Any]) -> list[dict[str, Any]]:
    """The pack's count tables in long form, one line per source, category and window."""
    rows = []
    for source in ("formal", "informal"):
        for row in pack[source]:
            for window, change in row["windows"].items():
                rows.append(
                    {
                        "source": source,
                        **{key: row[key] for key in ("code", "label_es", "label_en", "group")},
                        "window": window,
                        **change,
                        "percent_change": change["percent_change_label"]
                        if change["percent_change"] is None
                        else change["percent_change"],
                    }
                )
    return rows


RESPONSE_CSV_COLUMNS = ("milestone", "count", "median_seconds", "p90_seconds", "invalid")


def response_times_csv_rows(pack: dict[str, Any]) -> list[dict[str, Any]]:
    times = pack["response_times"]
    return [{"milestone": name, **times[name]} for name in RESPONSE_MILESTONES]


def stop_pack_page_context(pack: dict[str, Any], *, map_url: str) -> dict[str, Any]:
    """The pack reshaped for the HTML template, which cannot index dicts by variable."""

    def with_list(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{**row, "window_list": [row["windows"][name] for name in WINDOW_NAMES]} for row in rows]

    names = {precinct["code"]: precinct["name"] for precinct in pack["area"]["precincts"]}
    rows = [row for preset in pack["dark_figure"]["presets"] for row in preset["rows"]]
    return {
        "pack": pack,
        "map_url": map_url,
        "has_truth": any(row.get("synthetic_truth") for row in rows),
        "adoption_rows": [{**row, "name": names.get(row["label"], row["label"])} for row in pack["adoption"]["rows"]],
        "sources": [
            ("Denuncias (formal)", with_list(pack["formal"])),
            ("Alertas (informal)", with_list(pack["informal"])),
        ],
        "side_by_side": [
            {"group": row["group"], "window": name, "formal": row["formal"][name], "informal": row["informal"][name]}
            for row in pack["side_by_side"]
            for name in WINDOW_NAMES
        ],
        "response_times": [(RESPONSE_LABELS_ES[name], pack["response_times"][name]) for name in RESPONSE_MILESTONES],
    }
