"""Two-source capture–recapture estimate of the true incident count and the dark figure.

Source 1 is the formal police reports (n1), source 2 the neighbours' app alerts (n2) and m the
pairs linked as the same incident. The estimators are:

* Chapman's nearly unbiased form of the Lincoln–Petersen estimator,
  N̂ = (n1+1)(n2+1)/(m+1) − 1 (Chapman 1951, "Some properties of the hypergeometric
  distribution with applications to zoological sample censuses", Univ. Calif. Publ. Stat. 1:131–160).
* Seber's variance of N̂, (n1+1)(n2+1)(n1−m)(n2−m) / ((m+1)²(m+2))
  (Seber 1970, Biometrika 57:313–318; Seber 1982, "The Estimation of Animal Abundance", §3.1.1).
* Chao's log-transformed 95% interval, which never drops below the observed count M = n1+n2−m:
  f0 = N̂ − M, C = exp(1.96·√ln(1 + Var/f0²)), interval [M + f0/C, M + f0·C]
  (Chao 1987, Biometrics 43:783–791; Chao et al. 2001, Statistics in Medicine 20:3123–3157).

The assumptions are independent sources, a closed population (one precinct, one month) and
correct linkage; `warnings` says when the counts are too small to trust them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from backend.analytics.estimation._validation import non_negative_int

# Below this many links the Chapman estimate is badly biased and its interval too optimistic
# (Chao et al. 2001 recommend at least 7 recaptures).
MINIMUM_RELIABLE_LINKS = 7
MINIMUM_RELIABLE_TOTAL = 20
Z_95 = 1.96

WARNING_FEW_LINKS = "Fewer than 7 linked pairs: the estimate is unstable and its interval too narrow."
WARNING_NO_LINKS = "No linked pairs: the sources share no incident, so the total is essentially unknown."
WARNING_EMPTY_SOURCE = "One source is empty: capture–recapture needs incidents from both sources."
WARNING_TINY_COUNTS = "Fewer than 20 records in total: treat the estimate as indicative only."

# Why no estimate is given. With a source empty, or no pair seen by both, the data hold no
# information about the overlap: Chapman's +1 terms still yield a number, but it is an artefact
# (one empty source gives "100 % [100 %–100 %]"), so it is reported as not estimable instead.
NOT_ESTIMABLE_NO_FORMAL = "Not estimable: no formal reports, and capture–recapture needs both sources."
NOT_ESTIMABLE_NO_ALERTS = "Not estimable: no alerts, and capture–recapture needs both sources."
NOT_ESTIMABLE_NO_LINKS = "Not estimable: no incident was linked between the two sources, so their overlap is unknown."

ERROR_NEGATIVE_OR_NOT_INTEGER = "n1, n2 and m must be non-negative integers."
ERROR_MORE_LINKS_THAN_RECORDS = "m (linked pairs) cannot exceed n1 or n2."

# ENUSC (Encuesta Nacional Urbana de Seguridad Ciudadana, INE/Subsecretaría de Prevención del
# Delito) share of victimisations not reported to the police. The published range is 60–67% for
# 2016–2022, without per-year figures we could verify, so those years carry the
# midpoint of the published range and ENUSC_NON_REPORTING_RANGE keeps the honest bounds. 2023
# uses the survey's new design and is not directly comparable with earlier years.
ENUSC_NON_REPORTING_RANGE_2016_2022 = (0.60, 0.67)
ENUSC_NON_REPORTING: dict[int, float] = {
    **dict.fromkeys(range(2016, 2023), 0.635),
    2023: 0.525,
}
ENUSC_NON_REPORTING_RANGE: dict[int, tuple[float, float]] = {
    **dict.fromkeys(range(2016, 2023), ENUSC_NON_REPORTING_RANGE_2016_2022),
    2023: (0.525, 0.525),
}
# The 2019 South Precinct pilot aimed to bring the dark figure from 50% down to 30%.
PILOT_BASELINE_DARK_FIGURE = 0.50
PILOT_GOAL_DARK_FIGURE = 0.30


@dataclass(frozen=True)
class CaptureRecaptureEstimate:
    """Chapman estimate of the true count, its Seber variance, Chao interval and the dark figure.

    The dark figure is the share of true incidents that never reached the police,
    1 − n1/N̂. It is None when N̂ is 0 (no incident at all: there is nothing to be dark).
    ``not_estimable_reason`` is set when the counts cannot support an estimate (see
    ``NOT_ESTIMABLE_*``); the numbers are then kept for the record but must not be shown as one.
    """

    n1: int
    n2: int
    m: int
    n_hat: float
    variance: float
    standard_error: float
    interval_low: float
    interval_high: float
    dark_figure: float | None
    dark_figure_low: float | None
    dark_figure_high: float | None
    warnings: tuple[str, ...]
    not_estimable_reason: str | None = None

    @property
    def is_estimable(self) -> bool:
        return self.not_estimable_reason is None

    @property
    def observed(self) -> int:
        """Distinct incidents seen by at least one source, M = n1 + n2 − m."""
        return self.n1 + self.n2 - self.m


def chapman_estimate(n1: int, n2: int, m: int) -> CaptureRecaptureEstimate:
    """Estimate the true incident count from formal reports (n1), app alerts (n2) and links (m)."""
    n1, n2, m = _validated_counts(n1, n2, m)
    n_hat = (n1 + 1) * (n2 + 1) / (m + 1) - 1
    variance = (n1 + 1) * (n2 + 1) * (n1 - m) * (n2 - m) / ((m + 1) ** 2 * (m + 2))
    interval_low, interval_high = chao_interval(n1, n2, m, n_hat, variance)
    return CaptureRecaptureEstimate(
        n1=n1,
        n2=n2,
        m=m,
        n_hat=n_hat,
        variance=variance,
        standard_error=math.sqrt(variance),
        interval_low=interval_low,
        interval_high=interval_high,
        dark_figure=dark_figure(n1, n_hat),
        # A larger N means a larger dark figure, so the bounds map in order.
        dark_figure_low=dark_figure(n1, interval_low),
        dark_figure_high=dark_figure(n1, interval_high),
        warnings=_warnings(n1, n2, m),
        not_estimable_reason=not_estimable_reason(n1, n2, m),
    )


def not_estimable_reason(n1: int, n2: int, m: int) -> str | None:
    """Why the counts support no estimate, or None when they do."""
    if n1 == 0:
        return NOT_ESTIMABLE_NO_FORMAL
    if n2 == 0:
        return NOT_ESTIMABLE_NO_ALERTS
    if m == 0:
        return NOT_ESTIMABLE_NO_LINKS
    return None


def chao_interval(n1: int, n2: int, m: int, n_hat: float, variance: float) -> tuple[float, float]:
    """Chao's log-transformed 95% interval for N; [M, M] when nothing is unseen or Var is 0."""
    observed = n1 + n2 - m
    unseen = n_hat - observed
    # f0 <= 0 happens only when every incident was seen by both sources (n1 = n2 = m); the
    # log transform is then undefined and the data give no evidence of unseen incidents.
    if unseen <= 0 or variance == 0:
        return float(observed), float(observed)
    spread = math.exp(Z_95 * math.sqrt(math.log(1 + variance / unseen**2)))
    return observed + unseen / spread, observed + unseen * spread


def dark_figure(n1: int, n_total: float) -> float | None:
    """Share of the incidents that never reached the police, 1 − n1/N; None when N is 0."""
    if n_total <= 0:
        return None
    return 1 - n1 / n_total


def _validated_counts(n1: int, n2: int, m: int) -> tuple[int, int, int]:
    n1, n2, m = (non_negative_int(value, ERROR_NEGATIVE_OR_NOT_INTEGER) for value in (n1, n2, m))
    if m > min(n1, n2):
        raise ValueError(ERROR_MORE_LINKS_THAN_RECORDS)
    return n1, n2, m


def _warnings(n1: int, n2: int, m: int) -> tuple[str, ...]:
    warnings: list[str] = []
    if n1 == 0 or n2 == 0:
        warnings.append(WARNING_EMPTY_SOURCE)
    if m == 0:
        warnings.append(WARNING_NO_LINKS)
    if m < MINIMUM_RELIABLE_LINKS:
        warnings.append(WARNING_FEW_LINKS)
    if n1 + n2 < MINIMUM_RELIABLE_TOTAL:
        warnings.append(WARNING_TINY_COUNTS)
    return tuple(warnings)
