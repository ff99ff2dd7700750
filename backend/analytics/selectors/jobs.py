"""Reading analytics jobs within the user's scope."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from backend.accounts.scope import staff_scope
from backend.analytics.models import AnalyticsJob, JobStatus
from backend.common.errors import Conflict, NotFound

ERROR_JOB_NOT_FOUND = gettext_lazy("No such job.")
ERROR_JOB_NOT_DONE = gettext_lazy("The job has not finished yet; poll its status URL.")


def analytics_job_get(*, user, job_id: int, done: bool = False) -> AnalyticsJob:
    """The job if every precinct it covers is in the user's scope (else 404, so ids reveal nothing)."""
    job = AnalyticsJob.objects.filter(id=job_id).first()
    scope = staff_scope(user)
    if job is None or (scope.precinct_ids is not None and not set(job.precinct_ids) <= scope.precinct_ids):
        raise NotFound(ERROR_JOB_NOT_FOUND)
    if done and job.status != JobStatus.DONE:
        raise Conflict(ERROR_JOB_NOT_DONE)
    return job
