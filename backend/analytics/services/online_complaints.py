"""Online complaints of the Comisaría Virtual as formal reports (source ``online_complaint``, external id = folio).

When a complaint counts: from the moment it is filed, since the complainant has made a formal report then,
whatever the review later says; it stops counting when an officer rejects it (not a crime, or not ours).
A complaint filed with an address but no map point is placed on its comuna's representative point, so it
counts in the precinct's totals and the dark figure but blurs hotspots a little.

One incident, one report: a police record that carries the complaint's folio in ``complaint_folio`` is the
same incident, and ``FormalReport.counted()`` then drops the complaint's row from every count.

Station sends ``online_complaint_sync`` by name after each commit; ``online_complaints_sync`` (Celery beat)
re-derives every row, so a lost message only delays a change. Both are one set-based statement and idempotent.
"""

from dataclasses import dataclass

from django.db import connection, transaction

from backend.analytics.models import FormalReport, OffenseType, ReportSource
from backend.geo.models import Precinct
from backend.station.models import Complaint, ComplaintStatus

NOT_COUNTED_STATUSES = (ComplaintStatus.REJECTED,)

_COMPLAINTS = Complaint._meta.db_table
_REPORTS = FormalReport._meta.db_table
_UPSERT_SQL = f"""
    INSERT INTO {_REPORTS} (created_at, updated_at, offense_type_id, occurred_at, filed_at, location, precinct_id,
                            is_overlap, is_gap, source, external_id, complaint_folio)
    SELECT now(), now(), offense.id, complaint.occurred_at, GREATEST(complaint.created_at, complaint.occurred_at),
           COALESCE(complaint.location, ST_PointOnSurface(precinct.boundary)), complaint.precinct_id,
           complaint.is_overlap, complaint.is_gap, %(source)s, complaint.folio, ''
    FROM {_COMPLAINTS} complaint
    JOIN {OffenseType._meta.db_table} offense ON offense.code = complaint.offense
    JOIN {Precinct._meta.db_table} precinct ON precinct.id = complaint.precinct_id
    WHERE complaint.status <> ALL(%(not_counted)s) AND (%(folio)s::text IS NULL OR complaint.folio = %(folio)s)
    ON CONFLICT (source, external_id) DO UPDATE SET
        offense_type_id = EXCLUDED.offense_type_id, occurred_at = EXCLUDED.occurred_at, filed_at = EXCLUDED.filed_at,
        location = EXCLUDED.location, precinct_id = EXCLUDED.precinct_id, is_overlap = EXCLUDED.is_overlap,
        is_gap = EXCLUDED.is_gap, updated_at = now()
    WHERE ({_REPORTS}.offense_type_id, {_REPORTS}.occurred_at, {_REPORTS}.precinct_id,
           ST_AsEWKB({_REPORTS}.location), {_REPORTS}.is_overlap, {_REPORTS}.is_gap)
          IS DISTINCT FROM (EXCLUDED.offense_type_id, EXCLUDED.occurred_at, EXCLUDED.precinct_id,
                            ST_AsEWKB(EXCLUDED.location), EXCLUDED.is_overlap, EXCLUDED.is_gap)
"""
_DELETE_SQL = f"""
    DELETE FROM {_REPORTS} report
    WHERE report.source = %(source)s AND (%(folio)s::text IS NULL OR report.external_id = %(folio)s)
      AND NOT EXISTS (SELECT 1 FROM {_COMPLAINTS} complaint
                      WHERE complaint.folio = report.external_id AND complaint.status <> ALL(%(not_counted)s))
"""


@dataclass(frozen=True)
class ComplaintSync:
    written: int
    removed: int


@transaction.atomic
def online_complaints_sync(*, folio: str | None = None) -> ComplaintSync:
    """Mirror one complaint (``folio``) or all of them into formal reports; rejected ones are removed."""
    parameters = {"source": ReportSource.ONLINE_COMPLAINT, "folio": folio, "not_counted": list(NOT_COUNTED_STATUSES)}
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT_SQL, parameters)
        written = cursor.rowcount
        cursor.execute(_DELETE_SQL, parameters)
        removed = cursor.rowcount
    return ComplaintSync(written=written, removed=removed)
