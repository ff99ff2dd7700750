"""Celery tasks: the monthly STOP pack off the request path, and online complaints mirrored as formal reports."""

from pathlib import Path

from celery import shared_task

from backend.analytics.selectors.areas import Area, month_parse
from backend.geo.models import Precinct

from .services.jobs import analytics_job_execute
from .services.online_complaints import online_complaints_sync as online_complaints_sync_service
from .services.stop_pack import stop_pack_write


@shared_task(acks_late=True)
def stop_pack_generate(*, precinct_code: str, month: str, folder: str) -> list[str]:
    """Write one precinct's pack for a month (linkage included) and return the files written."""
    precinct = Precinct.objects.select_related("prefecture").get(code=precinct_code)
    area = Area(kind="precinct", code=precinct.code, name=precinct.name, precincts=(precinct,))
    result = stop_pack_write(area=area, month=month_parse(month), folder=Path(folder))
    return [str(path) for path in result.files]


@shared_task(acks_late=True, ignore_result=True)
def analytics_job_run(job_id: int) -> None:
    """Run one analytics job (STOP pack, its PDF, a linkage run); progress and result are on the job row."""
    analytics_job_execute(job_id=job_id)


def online_complaint_sync(folio: str) -> None:
    """Sent by name by the station after a complaint is filed or changes status."""
    online_complaints_sync_service(folio=folio)


@shared_task(acks_late=True, ignore_result=True)
def online_complaints_sync() -> None:
    """The periodic safety net (Celery beat): re-derive every online complaint's formal report."""
    online_complaints_sync_service()
