"""Pure Python/numpy analytics: capture–recapture, linkage, Gi* hotspots, COMPSTAT, adoption.

Nothing here imports Django (an import-linter contract enforces it), so every function can be
tested without a database and reused from scripts and notebooks.
"""

from backend.analytics.estimation.adoption import AdoptionRow, adoption_row, adoption_table, adoption_target
from backend.analytics.estimation.capture_recapture import (
    ENUSC_NON_REPORTING,
    ENUSC_NON_REPORTING_RANGE,
    MINIMUM_RELIABLE_LINKS,
    NOT_ESTIMABLE_NO_ALERTS,
    NOT_ESTIMABLE_NO_FORMAL,
    NOT_ESTIMABLE_NO_LINKS,
    PILOT_BASELINE_DARK_FIGURE,
    PILOT_GOAL_DARK_FIGURE,
    WARNING_EMPTY_SOURCE,
    WARNING_FEW_LINKS,
    WARNING_NO_LINKS,
    WARNING_TINY_COUNTS,
    CaptureRecaptureEstimate,
    chapman_estimate,
)
from backend.analytics.estimation.compstat import DateRange, PeriodChange, compstat_windows, period_change, wheeler_z
from backend.analytics.estimation.hotspots import (
    HEX_RESOLUTION,
    Adjacency,
    GiStarResult,
    benjamini_hochberg,
    gi_star,
    hex_cells,
    hex_grid_for_polygon,
    hex_grid_values,
    hex_neighbors,
    lattice_neighbors,
)
from backend.analytics.estimation.linkage import (
    LINKAGE_PRESETS,
    EventTable,
    LinkagePreset,
    LinkedPair,
    link_events,
    link_with_preset,
    project_to_local_metres,
)
from backend.analytics.estimation.response_times import DurationSummary, duration_summary, median_seconds, p90_seconds

__all__ = [
    "ENUSC_NON_REPORTING",
    "ENUSC_NON_REPORTING_RANGE",
    "HEX_RESOLUTION",
    "LINKAGE_PRESETS",
    "MINIMUM_RELIABLE_LINKS",
    "NOT_ESTIMABLE_NO_ALERTS",
    "NOT_ESTIMABLE_NO_FORMAL",
    "NOT_ESTIMABLE_NO_LINKS",
    "PILOT_BASELINE_DARK_FIGURE",
    "PILOT_GOAL_DARK_FIGURE",
    "WARNING_EMPTY_SOURCE",
    "WARNING_FEW_LINKS",
    "WARNING_NO_LINKS",
    "WARNING_TINY_COUNTS",
    "Adjacency",
    "AdoptionRow",
    "CaptureRecaptureEstimate",
    "DateRange",
    "DurationSummary",
    "EventTable",
    "GiStarResult",
    "LinkagePreset",
    "LinkedPair",
    "PeriodChange",
    "adoption_row",
    "adoption_table",
    "adoption_target",
    "benjamini_hochberg",
    "chapman_estimate",
    "compstat_windows",
    "duration_summary",
    "gi_star",
    "hex_cells",
    "hex_grid_for_polygon",
    "hex_grid_values",
    "hex_neighbors",
    "lattice_neighbors",
    "link_events",
    "link_with_preset",
    "median_seconds",
    "p90_seconds",
    "period_change",
    "project_to_local_metres",
    "wheeler_z",
]
