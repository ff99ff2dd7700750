"""Formal reports and incident links; offense types come from the seeded catalogue."""

import datetime as dt

import factory
from django.contrib.gis.geos import Point

from backend.alerts.models import Category
from backend.analytics.catalogue import offense_types_seed
from backend.analytics.models import FormalReport, IncidentLink, OffenseType, ReportSource

from .alerts import AlertFactory
from .geo import PrecinctFactory


def offense_type(code: str = "simple_theft") -> OffenseType:
    """A seeded offense type; re-seeds if a transactional test flushed the catalogue."""
    if not OffenseType.objects.exists():
        offense_types_seed(OffenseType, Category)
    return OffenseType.objects.get(code=code)


def _center_of(precinct) -> Point:
    centroid = precinct.boundary.centroid
    return Point(centroid.x, centroid.y, srid=4326)


class FormalReportFactory(factory.django.DjangoModelFactory):
    """A police-records report at its precinct's centre, filed two hours after it occurred."""

    class Meta:
        model = FormalReport

    offense_type = factory.LazyFunction(offense_type)
    precinct = factory.SubFactory(PrecinctFactory)
    location = factory.LazyAttribute(lambda o: _center_of(o.precinct))
    occurred_at = dt.datetime(2024, 3, 10, 15, 0, tzinfo=dt.UTC)
    filed_at = factory.LazyAttribute(lambda o: o.occurred_at + dt.timedelta(hours=2))
    source = ReportSource.POLICE_RECORDS
    external_id = factory.Sequence(lambda n: f"PR-{n:06d}")


class IncidentLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IncidentLink

    formal_report = factory.SubFactory(FormalReportFactory)
    alert = factory.SubFactory(
        AlertFactory,
        precinct=factory.SelfAttribute("..formal_report.precinct"),
        created_at=factory.SelfAttribute("..formal_report.occurred_at"),
    )
    preset = "default"
    distance_m = 0.0
    hours_apart = 0.0


def analytics_jobs_run() -> list:
    """Run every pending analytics job in this process, as the Celery task would (tests without a worker)."""
    from backend.analytics.models import AnalyticsJob, JobStatus
    from backend.analytics.services.jobs import analytics_job_execute

    ids = list(AnalyticsJob.objects.filter(status=JobStatus.PENDING).order_by("id").values_list("id", flat=True))
    return [analytics_job_execute(job_id=job_id) for job_id in ids]
