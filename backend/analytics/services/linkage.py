"""Writes for linkage: propose one-to-one links for a month, and the analyst's confirm/unlink decisions."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from backend.analytics.estimation import LINKAGE_PRESETS, EventTable, LinkedPair, link_with_preset
from backend.analytics.models import IncidentLink, LinkageRun, LinkStatus
from backend.analytics.selectors.areas import Month
from backend.analytics.selectors.linkage import (
    KEY_SEPARATOR,
    crime_category_codes,
    formal_reports_in,
    incident_alerts_in,
    linkage_candidates,
    offense_compatibility,
)
from backend.common.errors import Conflict, NotFound

ERROR_UNKNOWN_PRESET = "Unknown linkage preset {preset}."
ERROR_LINK_NOT_FOUND = "No such link."
ERROR_PAIR_TAKEN = "The report or the alert is already linked to another record under this preset."


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
    # Subqueries, not id lists: a month can hold more records than a statement can take parameters.
    in_month = Q(formal_report__in=formal_reports_in(precinct_ids=precinct_ids, month=month).values("id")) | Q(
        alert__in=incident_alerts_in(precinct_ids=precinct_ids, month=month).values("id")
    )
    IncidentLink.objects.filter(in_month, preset=preset, status=LinkStatus.PROPOSED).delete()
    decided = list(
        IncidentLink.objects.filter(in_month, preset=preset).values_list("formal_report_id", "alert_id", "status")
    )
    confirmed = [(formal_id, alert_id) for formal_id, alert_id, status in decided if status == LinkStatus.CONFIRMED]
    unlinked = {(formal_id, alert_id) for formal_id, alert_id, status in decided if status == LinkStatus.UNLINKED}
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
    _links_copy(pairs=pairs, preset=preset)
    _runs_record(
        precinct_ids=precinct_ids,
        month=month,
        preset=preset,
        formal=Counter(candidates.formal_precinct.values()),
        alerts=Counter(candidates.alert_precinct.values()),
        links=Counter(
            candidates.formal_precinct[formal_id]
            for formal_id in [*taken_formal, *(pair.formal_id for pair in pairs)]
            if formal_id in candidates.formal_precinct
        ),
    )
    return LinkageSummary(
        preset=preset,
        formal_count=len(candidates.formal_precinct),
        alert_count=len(candidates.alert_precinct),
        confirmed_kept=len(confirmed),
        proposed=len(pairs),
    )


def _links_copy(*, pairs: Sequence[LinkedPair], preset: str) -> None:
    # COPY: a month can propose tens of thousands of links, and bulk INSERTs of them take seconds.
    now = timezone.now()
    columns = "formal_report_id, alert_id, preset, distance_m, hours_apart, status, created_at"
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY {IncidentLink._meta.db_table} ({columns}) FROM STDIN") as copy,
    ):
        for pair in pairs:
            copy.write_row(
                (pair.formal_id, pair.alert_id, preset, round(pair.distance_m, 1), round(pair.hours_apart, 3),
                 LinkStatus.PROPOSED, now)
            )  # fmt: skip


def _without(table: EventTable, ids: set[int]) -> EventTable:
    keep = [index for index, event_id in enumerate(table.ids.tolist()) if event_id not in ids]
    return EventTable(
        ids=table.ids[keep],
        x_m=table.x_m[keep],
        y_m=table.y_m[keep],
        categories=table.categories[keep],
        occurred_at_s=table.occurred_at_s[keep],
    )


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
    return link
