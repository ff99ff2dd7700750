"""Response-time summaries (e.g. alert created → unit on scene) in seconds.

Percentiles use linear interpolation between order statistics, numpy's default method and
Hyndman & Fan's (1996, The American Statistician 50:361–365) definition 7, which is also the
default of R and spreadsheets: for sorted x_0..x_(n−1), the q-th percentile sits at position
(n − 1)·q/100.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

PERCENTILE_METHOD = "linear"

ERROR_INVALID_DURATION = "Durations must be finite, non-negative numbers of seconds."
ERROR_INVALID_PERCENTILE = "The percentile must be between 0 and 100."


@dataclass(frozen=True)
class DurationSummary:
    """Count, median and 90th percentile of durations in seconds (None when there are none)."""

    count: int
    median_seconds: float | None
    p90_seconds: float | None


def percentile_seconds(durations: Iterable[float], percentile: float) -> float | None:
    """The given percentile (0–100, linear interpolation) of the durations; None when empty."""
    if not 0 <= percentile <= 100:
        raise ValueError(ERROR_INVALID_PERCENTILE)
    values = _durations(durations)
    if values.size == 0:
        return None
    return float(np.percentile(values, percentile, method=PERCENTILE_METHOD))


def median_seconds(durations: Iterable[float]) -> float | None:
    return percentile_seconds(durations, 50)


def p90_seconds(durations: Iterable[float]) -> float | None:
    return percentile_seconds(durations, 90)


def duration_summary(durations: Iterable[float]) -> DurationSummary:
    values = _durations(durations)
    return DurationSummary(
        count=int(values.size),
        median_seconds=percentile_seconds(values, 50),
        p90_seconds=percentile_seconds(values, 90),
    )


def _durations(durations: Iterable[float]) -> np.ndarray:
    values = np.fromiter((float(value) for value in durations), dtype=np.float64)
    # A negative duration means clocks or timeline rows are wrong; hiding it would skew the figures.
    if values.size and (not np.all(np.isfinite(values)) or values.min() < 0):
        raise ValueError(ERROR_INVALID_DURATION)
    return values
