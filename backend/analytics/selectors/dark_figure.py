"""The dark figure per precinct and month under each linkage preset, counted in SQL, estimated in estimation."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count

from backend.analytics.estimation import (
    ENUSC_NON_REPORTING,
    ENUSC_NON_REPORTING_RANGE,
    LINKAGE_PRESETS,
    PILOT_BASELINE_DARK_FIGURE,
    PILOT_GOAL_DARK_FIGURE,
    CaptureRecaptureEstimate,
    chapman_estimate,
)
from backend.analytics.models import ALERT_CATEGORY_GROUPS, IncidentLink, LinkageRun, LinkStatus, SyntheticTruth
from backend.analytics.selectors.areas import Area, Month
from backend.analytics.selectors.linkage import (
    crime_category_codes,
    formal_reports_in,
    incident_alerts_in,
    offense_compatibility,
)

ALL_GROUPS = "all"
TOTAL_CODE = "total"
# A stratum is estimated only when both sources have at least this many records in it.
MINIMUM_STRATUM_COUNT = 20
WARNING_LINKAGE_NOT_RUN = "Linkage has not been run for this month and preset, so m is 0 until it is."
NOT_ESTIMABLE_LINKAGE_NOT_RUN = "Not estimable: linkage has not been run for this month and preset."
NOT_ESTIMABLE_LABEL = "not estimable"
# Shown in place of a number wherever an estimate is not estimable (CSV cells, map tooltips).
ESTIMATE_FIELDS = (
    "n_hat",
    "variance",
    "standard_error",
    "n_hat_low",
    "n_hat_high",
    "dark_figure",
    "dark_figure_low",
    "dark_figure_high",
)
WARNING_ENUSC_YEAR = "ENUSC has no figure for {year}; the {used} survey is shown."


@dataclass(frozen=True)
class SyntheticTruthSummary:
    """The synthetic demo's known answer for a row: only synthetic precinct-months have one."""

    true_incidents: int
    reached_police: int

    @property
    def true_dark_figure(self) -> float | None:
        if self.true_incidents == 0:
            return None
        return 1 - self.reached_police / self.true_incidents

    def as_dict(self, estimate: dict[str, Any]) -> dict[str, Any]:
        low, high = estimate["n_hat_low"], estimate["n_hat_high"]
        covered = None if low is None else bool(low <= self.true_incidents <= high)
        return {
            "true_n": self.true_incidents,
            "true_dark_figure": self.true_dark_figure,
            "interval_covers_true_n": covered,
        }


@dataclass(frozen=True)
class DarkFigureRow:
    precinct_code: str
    precinct_name: str
    group: str
    preset: str
    linkage_computed: bool
    estimate: CaptureRecaptureEstimate
    warnings: tuple[str, ...]
    truth: SyntheticTruthSummary | None = None

    @property
    def not_estimable_reason(self) -> str | None:
        reason = self.estimate.not_estimable_reason
        if reason is not None and not self.linkage_computed and self.estimate.m == 0:
            return NOT_ESTIMABLE_LINKAGE_NOT_RUN
        return reason

    def as_dict(self) -> dict[str, Any]:
        """The row for JSON: a not-estimable row carries its reason and no numbers for N̂ or D̂."""
        estimate = self.estimate
        row = {
            "precinct": self.precinct_code,
            "precinct_name": self.precinct_name,
            "group": self.group,
            "preset": self.preset,
            "linkage_computed": self.linkage_computed,
            "n1": estimate.n1,
            "n2": estimate.n2,
            "m": estimate.m,
            "observed": estimate.observed,
            "n_hat": estimate.n_hat,
            "variance": estimate.variance,
            "standard_error": estimate.standard_error,
            "n_hat_low": estimate.interval_low,
            "n_hat_high": estimate.interval_high,
            "dark_figure": estimate.dark_figure,
            "dark_figure_low": estimate.dark_figure_low,
            "dark_figure_high": estimate.dark_figure_high,
            "estimable": self.not_estimable_reason is None,
            "not_estimable_reason": self.not_estimable_reason,
            "warnings": list(self.warnings),
        }
        if self.not_estimable_reason is not None:
            row.update(dict.fromkeys(ESTIMATE_FIELDS))
        row["synthetic_truth"] = None if self.truth is None else self.truth.as_dict(row)
        return row


@dataclass(frozen=True)
class DarkFigureReport:
    area: Area
    month: Month
    rows: list[DarkFigureRow]
    enusc_year: int
    enusc_warnings: tuple[str, ...]

    def rows_for(self, *, preset: str, group: str = ALL_GROUPS) -> list[DarkFigureRow]:
        return [row for row in self.rows if row.preset == preset and row.group == group]

    def as_dict(self) -> dict[str, Any]:
        return {
            "area": {"kind": self.area.kind, "code": self.area.code, "name": self.area.name},
            "month": self.month.label,
            "enusc_baseline": {
                "year": self.enusc_year,
                "non_reporting": ENUSC_NON_REPORTING[self.enusc_year],
                "range": list(ENUSC_NON_REPORTING_RANGE[self.enusc_year]),
                "warnings": list(self.enusc_warnings),
            },
            "pilot_baseline": PILOT_BASELINE_DARK_FIGURE,
            "goal": PILOT_GOAL_DARK_FIGURE,
            "minimum_stratum_count": MINIMUM_STRATUM_COUNT,
            "presets": [
                {
                    "preset": name,
                    "max_distance_m": preset.max_distance_m,
                    "max_hours": preset.max_hours,
                    "rows": [row.as_dict() for row in self.rows if row.preset == name],
                }
                for name, preset in LINKAGE_PRESETS.items()
            ],
        }


def enusc_year_for(year: int) -> tuple[int, tuple[str, ...]]:
    """The ENUSC year to compare a month with: the same year, else the nearest published one."""
    if year in ENUSC_NON_REPORTING:
        return year, ()
    used = min(ENUSC_NON_REPORTING, key=lambda published: (abs(published - year), -published))
    return used, (WARNING_ENUSC_YEAR.format(year=year, used=used),)


def dark_figure_report(*, area: Area, month: Month) -> DarkFigureReport:
    """Chapman estimates per precinct (plus a total when the area has several), overall and per stratum."""
    precinct_ids = area.precinct_ids
    crime_codes = crime_category_codes(offense_compatibility())
    formal = Counter()
    for precinct_id, group, count in (
        formal_reports_in(precinct_ids=precinct_ids, month=month)
        .values_list("precinct_id", "offense_type__group")
        .annotate(count=Count("id"))
        .order_by()
    ):
        formal[precinct_id, group] += count
    informal = Counter()
    for precinct_id, category_code, count in (
        incident_alerts_in(precinct_ids=precinct_ids, month=month, category_codes=crime_codes)
        .values_list("precinct_id", "category__code")
        .annotate(count=Count("id"))
        .order_by()
    ):
        informal[precinct_id, ALERT_CATEGORY_GROUPS.get(category_code)] += count
    linked = Counter()
    for preset, precinct_id, group, category_code, count in (
        IncidentLink.objects.exclude(status=LinkStatus.UNLINKED)
        .filter(
            formal_report__in=formal_reports_in(precinct_ids=precinct_ids, month=month).values("id"),
            alert__in=incident_alerts_in(precinct_ids=precinct_ids, month=month, category_codes=crime_codes).values(
                "id"
            ),
        )
        .values_list(
            "preset", "formal_report__precinct_id", "formal_report__offense_type__group", "alert__category__code"
        )
        .annotate(count=Count("id"))
        .order_by()
    ):
        linked[preset, precinct_id, ALL_GROUPS] += count
        if ALERT_CATEGORY_GROUPS.get(category_code) == group:
            linked[preset, precinct_id, group] += count
    runs = set(
        LinkageRun.objects.filter(precinct_id__in=precinct_ids, month=month.first_day).values_list(
            "preset", "precinct_id"
        )
    )
    truths = {
        truth.precinct_id: truth
        for truth in SyntheticTruth.objects.filter(precinct_id__in=precinct_ids, month=month.first_day)
    }

    def truth_for(unit_ids: list[int]) -> SyntheticTruthSummary | None:
        if not all(pid in truths for pid in unit_ids):
            return None
        return SyntheticTruthSummary(
            true_incidents=sum(truths[pid].true_incidents for pid in unit_ids),
            reached_police=sum(truths[pid].reached_police for pid in unit_ids),
        )

    groups = sorted({group for _, group in formal} | {group for _, group in informal if group})

    def counts(precinct_ids_: list[int], preset: str, group: str) -> tuple[int, int, int]:
        if group == ALL_GROUPS:
            n1 = sum(count for (pid, _), count in formal.items() if pid in precinct_ids_)
            n2 = sum(count for (pid, _), count in informal.items() if pid in precinct_ids_)
        else:
            n1 = sum(formal[pid, group] for pid in precinct_ids_)
            n2 = sum(informal[pid, group] for pid in precinct_ids_)
        return n1, n2, sum(linked[preset, pid, group] for pid in precinct_ids_)

    units = [(precinct.code, precinct.name, [precinct.id]) for precinct in area.precincts]
    if len(units) > 1:
        units.append((TOTAL_CODE, area.name or TOTAL_CODE, precinct_ids))
    rows: list[DarkFigureRow] = []
    for preset in LINKAGE_PRESETS:
        for code, name, unit_ids in units:
            computed = all((preset, pid) in runs for pid in unit_ids)
            extra = () if computed else (WARNING_LINKAGE_NOT_RUN,)
            for group in [ALL_GROUPS, *groups]:
                n1, n2, m = counts(unit_ids, preset, group)
                if group != ALL_GROUPS and min(n1, n2) < MINIMUM_STRATUM_COUNT:
                    continue
                estimate = chapman_estimate(n1, n2, m)
                # The truth covers every category, so only the all-groups row can be held against it.
                truth = truth_for(unit_ids) if group == ALL_GROUPS else None
                rows.append(
                    DarkFigureRow(code, name, group, preset, computed, estimate, estimate.warnings + extra, truth)
                )
    enusc_year, enusc_warnings = enusc_year_for(month.first_day.year)
    return DarkFigureReport(area=area, month=month, rows=rows, enusc_year=enusc_year, enusc_warnings=enusc_warnings)


DARK_FIGURE_CSV_COLUMNS = (
    "month",
    "precinct",
    "precinct_name",
    "preset",
    "group",
    "linkage_computed",
    "n1",
    "n2",
    "m",
    "observed",
    "n_hat",
    "standard_error",
    "n_hat_low",
    "n_hat_high",
    "dark_figure",
    "dark_figure_low",
    "dark_figure_high",
    "estimable",
    "not_estimable_reason",
    "synthetic_true_n",
    "synthetic_true_dark_figure",
    "synthetic_interval_covers_true_n",
    "enusc_non_reporting",
    "goal",
    "warnings",
)


def dark_figure_csv_row(row: dict[str, Any]) -> dict[str, Any]:
    """A row dict for CSV: a not-estimable row says so in every estimate cell instead of leaving them empty."""
    truth = row.get("synthetic_truth") or {}
    cells = {
        **row,
        "synthetic_true_n": truth.get("true_n"),
        "synthetic_true_dark_figure": truth.get("true_dark_figure"),
        "synthetic_interval_covers_true_n": truth.get("interval_covers_true_n"),
    }
    if row["estimable"]:
        return cells
    return {**cells, **dict.fromkeys(ESTIMATE_FIELDS, NOT_ESTIMABLE_LABEL)}


def dark_figure_csv_rows(report: DarkFigureReport) -> list[dict[str, Any]]:
    """One line per row; a not-estimable row says so in every estimate cell, and why."""
    enusc = ENUSC_NON_REPORTING[report.enusc_year]
    return [
        {
            **dark_figure_csv_row(row.as_dict()),
            "month": report.month.label,
            "enusc_non_reporting": enusc,
            "goal": PILOT_GOAL_DARK_FIGURE,
            "warnings": " | ".join(row.warnings),
        }
        for row in report.rows
    ]
