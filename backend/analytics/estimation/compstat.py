"""COMPSTAT period comparisons: counts against the same dates a year earlier.

Wheeler's Poisson z compares two counts on the square-root scale, where a Poisson count has
variance close to 1/4, so z = 2(√current − √prior) is roughly standard normal when nothing has
changed, and |z| > 3 marks a change worth acting on (Wheeler 2016, "Tables and graphs for
monitoring temporal crime trends", International Journal of Police Science & Management
18(3):159–172; Bartlett 1936 for the square-root variance stabilisation).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import NamedTuple

from backend.analytics.estimation._validation import non_negative_int

WHEELER_SIGNAL_THRESHOLD = 3.0
WINDOW_NAMES = ("last_7_days", "last_28_days", "year_to_date")
PRIOR_YEAR_SUFFIX = "_prior_year"

ERROR_NEGATIVE_COUNT = "Counts must be non-negative integers."
ERROR_TREND_WEEKS = "A trend needs at least one week."


@dataclass(frozen=True)
class PeriodChange:
    """A count against its comparison count: absolute and percent change, Wheeler's z and signal.

    ``percent_change`` is None when the prior count is 0 (callers show it as "n/a").
    """

    current: int
    prior: int
    absolute_change: int
    percent_change: float | None
    wheeler_z: float
    is_signal: bool


class DateRange(NamedTuple):
    """A period of whole days; both ``start`` and ``end`` are included."""

    start: dt.date
    end: dt.date

    @property
    def end_exclusive(self) -> dt.date:
        """The day after ``end``, for half-open ``start <= day < end_exclusive`` queries."""
        return self.end + dt.timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def wheeler_z(current: int, prior: int) -> float:
    """Wheeler's Poisson z, 2(√current − √prior)."""
    return 2 * (math.sqrt(current) - math.sqrt(prior))


def period_change(current: int, prior: int) -> PeriodChange:
    """Compare a current count with its prior count."""
    current, prior = non_negative_int(current, ERROR_NEGATIVE_COUNT), non_negative_int(prior, ERROR_NEGATIVE_COUNT)
    z = wheeler_z(current, prior)
    return PeriodChange(
        current=current,
        prior=prior,
        absolute_change=current - prior,
        percent_change=None if prior == 0 else 100 * (current - prior) / prior,
        wheeler_z=z,
        is_signal=abs(z) > WHEELER_SIGNAL_THRESHOLD,
    )


def same_day_a_year_earlier(day: dt.date) -> dt.date:
    """The same calendar day one year earlier; 29 February becomes 28 February."""
    if day.month == 2 and day.day == 29:
        return day.replace(year=day.year - 1, day=28)
    return day.replace(year=day.year - 1)


def compstat_windows(end_date: dt.date) -> dict[str, DateRange]:
    """The COMPSTAT windows ending on ``end_date`` (inclusive) and the same dates a year earlier.

    Keys: "last_7_days", "last_28_days", "year_to_date" and each with "_prior_year" appended.
    A prior-year window shifts both of its ends by one year, so it covers the same calendar
    dates (it may be a day shorter or longer when the current window crosses 29 February).
    """
    current = {
        "last_7_days": DateRange(end_date - dt.timedelta(days=6), end_date),
        "last_28_days": DateRange(end_date - dt.timedelta(days=27), end_date),
        "year_to_date": DateRange(end_date.replace(month=1, day=1), end_date),
    }
    windows = dict(current)
    for name, window in current.items():
        windows[name + PRIOR_YEAR_SUFFIX] = DateRange(
            same_day_a_year_earlier(window.start), same_day_a_year_earlier(window.end)
        )
    return windows


TREND_WEEKS = 52
# A year earlier for weekly trends is 52 weeks (364 days) back, so each week compares the same weekdays.
WEEKS_A_YEAR_EARLIER = 52


def trend_weeks(end_date: dt.date, weeks: int = TREND_WEEKS) -> tuple[list[DateRange], list[DateRange]]:
    """The ``weeks`` seven-day weeks ending on ``end_date`` (oldest first) and the same weeks 52 weeks earlier."""
    if weeks < 1:
        raise ValueError(ERROR_TREND_WEEKS)
    current = [
        DateRange(end_date - dt.timedelta(days=7 * back + 6), end_date - dt.timedelta(days=7 * back))
        for back in reversed(range(weeks))
    ]
    shift = dt.timedelta(weeks=WEEKS_A_YEAR_EARLIER)
    return current, [DateRange(week.start - shift, week.end - shift) for week in current]
