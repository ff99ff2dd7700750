"""Adoption of the neighbours' app per precinct or comuna against the 10%-of-population target."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from backend.analytics.estimation._validation import non_negative_int

TARGET_SHARE_NUMERATOR = 1
TARGET_SHARE_DENOMINATOR = 10  # the target is 10% of the population, rounded up
TOTAL_LABEL = "Total"

ERROR_NEGATIVE_COUNT = "registered, population and alerts must be non-negative integers."


@dataclass(frozen=True)
class AdoptionRow:
    """Registered addresses against the target; ``compliance_percent`` is None when the target is 0."""

    label: str
    registered: int
    population: int
    alerts: int
    target: int
    missing: int
    compliance_percent: float | None


def adoption_target(population: int) -> int:
    """10% of the population rounded up, in integers (0.1·82900 is 8290.000000000001 in floats)."""
    return -(-population * TARGET_SHARE_NUMERATOR // TARGET_SHARE_DENOMINATOR)


def adoption_row(registered: int, population: int, alerts: int, *, label: str = "") -> AdoptionRow:
    """One row of the adoption table. A population of 0 has target 0 and compliance None."""
    registered, population, alerts = (
        non_negative_int(value, ERROR_NEGATIVE_COUNT) for value in (registered, population, alerts)
    )
    target = adoption_target(population)
    return AdoptionRow(
        label=label,
        registered=registered,
        population=population,
        alerts=alerts,
        target=target,
        missing=max(target - registered, 0),
        compliance_percent=_compliance(registered, target),
    )


def adoption_table(rows: Sequence[AdoptionRow], *, total_label: str = TOTAL_LABEL) -> list[AdoptionRow]:
    """The rows followed by a totals row.

    The totals row sums registered, population, alerts, target and missing. Its target is the
    sum of the rows' targets (not 10% of the summed population) and its missing is the sum of
    what each row lacks, so a row above target does not hide another row's shortfall. Its
    compliance is recomputed from the summed registered and target.
    """
    registered = sum(row.registered for row in rows)
    target = sum(row.target for row in rows)
    total = AdoptionRow(
        label=total_label,
        registered=registered,
        population=sum(row.population for row in rows),
        alerts=sum(row.alerts for row in rows),
        target=target,
        missing=sum(row.missing for row in rows),
        compliance_percent=_compliance(registered, target),
    )
    return [*rows, total]


def _compliance(registered: int, target: int) -> float | None:
    if target == 0:
        return None
    return round(100 * registered / target, 1)
