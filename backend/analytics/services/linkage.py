"""Writes for linkage: propose one-to-one links for a month, and the analyst's confirm/unlink decisions."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from backend.analytics.estimation import LINKAGE_PRESETS, EventTable, LinkedPair, link_with_preset
from backend.analytics.models import IncidentLink, LinkageRun, LinkStatus
from backend.analytics.selectors.areas import Month, local_zone
from backend.analytics.selectors.linkage import (
    KEY_SEPARATOR,
    crime_category_codes,
    incident_links_in_month,
    linkage_candidates,
    offense_compatibility,
)
from backend.analytics.services.jobs import analytics_jobs_invalidate
from backend.common.errors import Conflict, NotFound

ERROR_UNKNOWN_PRESET = "Unknown linkage preset {preset}."
ERROR_LINK_NOT_FOUND = gettext_lazy("No such link.")
ERROR_PAIR_TAKEN = gettext_lazy("The report or the alert is already linked to another record under this preset.")


@dataclass(frozen=True)
class LinkageSummary:
    preset: str
    formal_count: int
    alert_count: int
    confirmed_kept: int
    proposed: int


@transaction.atomic
def incident_links_compute(*, precinct_ids: Sequence[int], month: Month, preset: str) -> LinkageSummary:
    """Propose links for the month's records in the given precincts, replacing earlier proposals.

    Confirmed links stay and their records are not matched again; a pair the analyst unlinked is
    never proposed again (its two records may still match other records in a later run if the
    greedy nearest-first order picks them). Links never cross precincts: a precinct-month is
    the closed population the capture–recapture estimate assumes.
    """
    if preset not in LINKAGE_PRESETS:
        raise ValueError(ERROR_UNKNOWN_PRESET.format(preset=preset))
    precinct_ids = sorted(precinct_ids)
    with connection.cursor() as cursor:
        # Runs of the same month and preset queue up instead of colliding on the unique constraints.
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"linkage:{month.label}:{preset}"])

    compatibility = offense_compatibility()
    candidates = linkage_candidates(
        precinct_ids=precinct_ids, month=month, category_codes=crime_category_codes(compatibility)
    )
    stored = list(
        incident_links_in_month(precinct_ids=precinct_ids, month=month, preset=preset).values_list(
            "id", "formal_report_id", "alert_id", "status", "distance_m", "hours_apart"
        )
    )
    proposed = {
        (formal_id, alert_id): (link_id, distance_m, hours_apart)
        for link_id, formal_id, alert_id, status, distance_m, hours_apart in stored
        if status == LinkStatus.PROPOSED
    }
    confirmed = [
        (formal_id, alert_id) for _, formal_id, alert_id, status, _, _ in stored if status == LinkStatus.CONFIRMED
    ]
    unlinked = {
        (formal_id, alert_id) for _, formal_id, alert_id, status, _, _ in stored if status == LinkStatus.UNLINKED
    }
    taken_formal = {formal_id for formal_id, _ in confirmed}
    taken_alert = {alert_id for _, alert_id in confirmed}

    formal, alerts = candidates.formal, candidates.alerts
    if taken_formal:
        formal = _without(formal, taken_formal)
    if taken_alert:
        alerts = _without(alerts, taken_alert)

    def compatible(formal_key: str, alert_key: str) -> bool:
        formal_precinct, offense_code = formal_key.split(KEY_SEPARATOR, 1)
        alert_precinct, category_code = alert_key.split(KEY_SEPARATOR, 1)
        return formal_precinct == alert_precinct and category_code in compatibility.get(offense_code, ())

    pairs = [
        pair
        for pair in link_with_preset(formal, alerts, preset, compatible=compatible)
        if (pair.formal_id, pair.alert_id) not in unlinked
    ]
    _links_replace(proposed=proposed, pairs=pairs, preset=preset)
    linked = np.isin(candidates.formal.ids, [*taken_formal, *(pair.formal_id for pair in pairs)])
    _runs_record(
        precinct_ids=precinct_ids,
        month=month,
        preset=preset,
        formal=_per_precinct(candidates.formal_precinct_ids),
        alerts=_per_precinct(candidates.alert_precinct_ids),
        links=_per_precinct(candidates.formal_precinct_ids[linked]),
    )
    # Links change the month's dark figure only; later months' packs do not read them.
    analytics_jobs_invalidate(precinct_ids=precinct_ids, first_month=month.first_day, last_month=month.first_day)
    return LinkageSummary(
        preset=preset,
        formal_count=len(candidates.formal),
        alert_count=len(candidates.alerts),
        confirmed_kept=len(confirmed),
        proposed=len(pairs),
    )


def _links_replace(
    *, proposed: dict[tuple[int, int], tuple[int, float, float]], pairs: Sequence[LinkedPair], preset: str
) -> None:
    """Make the stored proposals equal to ``pairs``, touching only the rows that change.

    A rerun over unchanged data proposes the same pairs, so rewriting them all would spend
    seconds on index updates and on the foreign-key checks every inserted row costs at commit.
    Unchanged proposals keep their id, so a link an analyst has open stays reviewable.
    """
    fresh: list[tuple[int, int, float, float]] = []
    kept: set[int] = set()
    for pair in pairs:
        values = (round(pair.distance_m, 1), round(pair.hours_apart, 3))
        stored = proposed.get((pair.formal_id, pair.alert_id))
        if stored is not None and stored[1:] == values:
            kept.add(stored[0])
        else:
            fresh.append((pair.formal_id, pair.alert_id, *values))
    stale = [link_id for link_id, _, _ in proposed.values() if link_id not in kept]
    table = IncidentLink._meta.db_table
    with connection.cursor() as cursor:
        if stale:
            # Before the inserts, as the one-to-one unique indexes are checked row by row. The status
            # test keeps a proposal an analyst confirmed or unlinked since it was read.
            cursor.execute(f"DELETE FROM {table} WHERE id = ANY(%s) AND status = %s", [stale, LinkStatus.PROPOSED])
        if fresh:
            # COPY of preformatted text: a month can propose tens of thousands of links. Sorted by
            # report so the commit-time foreign-key checks walk the referenced tables in order.
            fresh.sort()
            created_at = timezone.now().isoformat()
            columns = "formal_report_id, alert_id, preset, distance_m, hours_apart, status, created_at"
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                copy.write(
                    "".join(
                        f"{formal_id}\t{alert_id}\t{preset}\t{distance_m!r}\t{hours_apart!r}\t"
                        f"{LinkStatus.PROPOSED.value}\t{created_at}\n"
                        for formal_id, alert_id, distance_m, hours_apart in fresh
                    )
                )


def _without(table: EventTable, ids: set[int]) -> EventTable:
    keep = ~np.isin(table.ids, list(ids))
    return EventTable(
        ids=table.ids[keep],
        x_m=table.x_m[keep],
        y_m=table.y_m[keep],
        categories=table.categories[keep],
        occurred_at_s=table.occurred_at_s[keep],
    )


def _per_precinct(precinct_ids: np.ndarray) -> Counter:
    values, counts = np.unique(precinct_ids, return_counts=True)
    return Counter(dict(zip(values.tolist(), counts.tolist(), strict=True)))


def _runs_record(
    *, precinct_ids: Sequence[int], month: Month, preset: str, formal: Counter, alerts: Counter, links: Counter
) -> None:
    now = timezone.now()
    LinkageRun.objects.bulk_create(
        [
            LinkageRun(
                precinct_id=precinct_id,
                month=month.first_day,
                preset=preset,
                formal_count=formal[precinct_id],
                alert_count=alerts[precinct_id],
                link_count=links[precinct_id],
                ran_at=now,
            )
            for precinct_id in precinct_ids
        ],
        update_conflicts=True,
        unique_fields=["precinct", "month", "preset"],
        update_fields=["formal_count", "alert_count", "link_count", "ran_at"],
    )


def incident_links_compute_all(*, precinct_ids: Sequence[int], month: Month) -> list[LinkageSummary]:
    """Run every preset; each preset is its own transaction."""
    return [incident_links_compute(precinct_ids=precinct_ids, month=month, preset=name) for name in LINKAGE_PRESETS]


@transaction.atomic
def incident_link_review(
    *, link_id: int, decision: str, reviewer, allowed_precinct_ids: frozenset[int] | None
) -> IncidentLink:
    """Record an analyst's decision: confirmed (kept in every later run) or unlinked (never proposed again)."""
    links = IncidentLink.objects.select_for_update().select_related("formal_report")
    link = links.filter(id=link_id).first()
    if link is None or (
        allowed_precinct_ids is not None and link.formal_report.precinct_id not in allowed_precinct_ids
    ):
        raise NotFound(ERROR_LINK_NOT_FOUND)
    if decision == LinkStatus.CONFIRMED and link.status == LinkStatus.UNLINKED:
        # Re-confirming an unlinked pair must not break one-to-one with a link made since.
        clash = IncidentLink.objects.filter(
            Q(formal_report_id=link.formal_report_id) | Q(alert_id=link.alert_id), preset=link.preset
        ).exclude(Q(id=link.id) | Q(status=LinkStatus.UNLINKED))
        if clash.exists():
            raise Conflict(ERROR_PAIR_TAKEN)
    link.status = decision
    link.reviewed_by = reviewer
    link.reviewed_at = timezone.now()
    link.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    month = Month.containing(timezone.localtime(link.formal_report.occurred_at, local_zone()).date()).first_day
    analytics_jobs_invalidate(precinct_ids=[link.formal_report.precinct_id], first_month=month, last_month=month)
    return link
