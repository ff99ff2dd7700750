"""Heavy analytics off the request path: ask for a job, run it in Celery with progress, keep finished months.

A request names what it wants (a STOP pack, its PDF, a linkage run for an area and month).
``analytics_job_request`` returns the current job for that key, or creates one and queues it after
commit. A job for a month that had ended when it was asked for is final: its result stays current
until data for that month change (``analytics_jobs_invalidate``). A job for the current month is
reused for ``CURRENT_PERIOD_MAX_AGE`` only, since alerts keep arriving.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import asdict
from typing import Any

from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from backend.analytics.models import AnalyticsJob, JobKind, JobStatus
from backend.analytics.selectors.areas import Area, Month, local_today
from backend.geo.models import Precinct

logger = logging.getLogger(__name__)

CURRENT_PERIOD_MAX_AGE = dt.timedelta(minutes=5)
# A job nobody picked up (the broker was down) or whose worker died is asked for again after this.
JOB_LOST_AFTER = dt.timedelta(minutes=30)
ERROR_JOB_FAILED = gettext_lazy("The computation failed: {error}")
ERROR_UNKNOWN_KIND = "Unknown job kind {kind!r}."


def job_key(*, kind: str, area: Area, end_date: dt.date, preset: str = "") -> str:
    precincts = ",".join(str(precinct_id) for precinct_id in sorted(area.precinct_ids))
    return f"{kind}|{area.kind}|{area.code}|{precincts}|{end_date.isoformat()}|{preset}"


def _is_usable(job: AnalyticsJob, now: dt.datetime) -> bool:
    if job.status == JobStatus.FAILED:
        return False
    if job.status == JobStatus.PENDING:
        return now - job.created_at < JOB_LOST_AFTER
    if job.status == JobStatus.RUNNING:
        return now - (job.started_at or job.created_at) < JOB_LOST_AFTER
    # A linkage run is an action, not a cached view: each request runs it again.
    if job.kind == JobKind.LINKAGE_RUN:
        return False
    return job.is_final or now - (job.finished_at or now) < CURRENT_PERIOD_MAX_AGE


def _queue(job_id: int) -> None:
    from backend.analytics.tasks import analytics_job_run

    try:
        analytics_job_run.delay(job_id)
    except Exception:  # the broker is down: the job stays pending and is asked for again after JOB_LOST_AFTER
        logger.exception("Could not queue analytics job %s", job_id)


@transaction.atomic
def analytics_job_request(
    *, kind: str, area: Area, end_date: dt.date, preset: str = "", requested_by=None
) -> AnalyticsJob:
    """The current job for this request: a finished or running one when still valid, else a new queued one."""
    if kind not in JobKind.values:
        raise ValueError(ERROR_UNKNOWN_KIND.format(kind=kind))
    key = job_key(kind=kind, area=area, end_date=end_date, preset=preset)
    now = timezone.now()
    month = Month.containing(end_date)
    current = AnalyticsJob.objects.select_for_update().filter(key=key, is_current=True).first()
    if current is not None:
        if _is_usable(current, now):
            return current
        current.is_current = False
        current.save(update_fields=["is_current"])
    job = AnalyticsJob(
        kind=kind,
        key=key,
        is_final=month.last_day < local_today(),
        area_kind=area.kind,
        area_code=area.code,
        area_name=area.name,
        precinct_ids=sorted(area.precinct_ids),
        month=month.first_day,
        end_date=end_date,
        preset=preset,
        requested_by=requested_by,
    )
    try:
        with transaction.atomic():
            job.save()
    except IntegrityError:
        # Another request created the current job for this key between our read and our insert.
        return AnalyticsJob.objects.get(key=key, is_current=True)
    transaction.on_commit(lambda: _queue(job.id))
    return job


@transaction.atomic
def analytics_jobs_invalidate(*, precinct_ids: Sequence[int], first_month: dt.date, last_month: dt.date | None = None):
    """Data changed for these precincts from ``first_month`` on (to ``last_month``): drop cached results that used them.

    Packs read a year back for their comparisons, so a change in month M reaches every later pack.
    """
    months = Q(month__gte=first_month) if last_month is None else Q(month__gte=first_month, month__lte=last_month)
    return (
        AnalyticsJob.objects.filter(months, precinct_ids__overlap=list(precinct_ids), is_current=True)
        .exclude(kind=JobKind.LINKAGE_RUN)
        .update(is_current=False)
    )


def job_area(job: AnalyticsJob) -> Area:
    precincts = tuple(Precinct.objects.select_related("prefecture").filter(id__in=job.precinct_ids).order_by("code"))
    return Area(kind=job.area_kind, code=job.area_code, name=job.area_name, precincts=precincts)


def _progress_writer(job_id: int) -> Callable[[int, str], None]:
    def write(percent: int, step: str) -> None:
        AnalyticsJob.objects.filter(id=job_id).update(progress=max(0, min(100, int(percent))), step=step[:40])

    return write


def _json_ready(value: Any) -> Any:
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _stop_pack_result(job: AnalyticsJob, progress: Callable[[int, str], None]) -> dict[str, Any]:
    from backend.analytics.selectors.stop_pack import stop_pack

    return _json_ready(stop_pack(area=job_area(job), end_date=job.end_date, progress=progress))


def _linkage_result(job: AnalyticsJob, progress: Callable[[int, str], None]) -> list[dict[str, Any]]:
    from backend.analytics.estimation import LINKAGE_PRESETS
    from backend.analytics.services.linkage import incident_links_compute

    presets = [job.preset] if job.preset else list(LINKAGE_PRESETS)
    summaries = []
    for index, preset in enumerate(presets):
        progress(100 * index // len(presets), f"linkage {preset}")
        summary = incident_links_compute(precinct_ids=job.precinct_ids, month=Month(job.month), preset=preset)
        summaries.append(asdict(summary))
    return summaries


def _pdf_result(job: AnalyticsJob, progress: Callable[[int, str], None]) -> bytes:
    from backend.analytics.services.pdf_pack import stop_pack_pdf

    return stop_pack_pdf(area=job_area(job), end_date=job.end_date, progress=progress)


def analytics_job_execute(*, job_id: int) -> AnalyticsJob | None:
    """Run a pending job (what the Celery task calls). A job already taken by another worker is left alone."""
    claimed = AnalyticsJob.objects.filter(id=job_id, status=JobStatus.PENDING).update(
        status=JobStatus.RUNNING, started_at=timezone.now(), progress=0
    )
    if not claimed:
        return None
    job = AnalyticsJob.objects.get(id=job_id)
    progress = _progress_writer(job_id)
    try:
        if job.kind == JobKind.STOP_PACK_PDF:
            content = _pdf_result(job, progress)
            job.file.save(
                f"stop-{job.area_code or job.area_kind}-{Month(job.month).label}-{job.id}.pdf",
                ContentFile(content),
                save=False,
            )
            job.result = {"bytes": len(content)}
        elif job.kind == JobKind.STOP_PACK:
            job.result = _stop_pack_result(job, progress)
        else:
            job.result = _linkage_result(job, progress)
    except Exception as error:
        logger.exception("Analytics job %s failed", job_id)
        AnalyticsJob.objects.filter(id=job_id).update(
            status=JobStatus.FAILED, error=ERROR_JOB_FAILED.format(error=error)[:2000], finished_at=timezone.now()
        )
        return AnalyticsJob.objects.get(id=job_id)
    job.status, job.progress, job.step, job.finished_at = JobStatus.DONE, 100, "done", timezone.now()
    job.save(update_fields=["status", "progress", "step", "finished_at", "result", "file"])
    return job
