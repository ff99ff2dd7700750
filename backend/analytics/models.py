from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from backend.alerts.models import Alert, Category
from backend.common.models import TimeStampedModel
from backend.geo.models import Precinct


class OffenseGroup(models.TextChoices):
    """Strata for the dark figure: every offense type and every crime alert category falls in exactly one."""

    PROPERTY = "property", _("Property crime")
    VIOLENT = "violent", _("Violent crime and robbery")
    DRUGS = "drugs", _("Drugs")
    ANIMALS = "animals", _("Animals")


class OffenseType(models.Model):
    """An offense in the formal-report catalogue and the alert categories that may describe the same incident."""

    code = models.SlugField(max_length=40, unique=True)
    label_es = models.CharField(max_length=120)
    label_en = models.CharField(max_length=120)
    group = models.CharField(max_length=20, choices=OffenseGroup.choices)
    compatible_categories = models.ManyToManyField(Category, blank=True, related_name="offense_types")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.label_es


class ReportSource(models.TextChoices):
    POLICE_RECORDS = "police_records", _("Police records import")
    ONLINE_COMPLAINT = "online_complaint", _("Online complaint")


class FormalReportQuerySet(models.QuerySet):
    def counted(self) -> "FormalReportQuerySet":
        """Reports that count as incidents: an online complaint that a police record also describes (the record
        carries its folio in ``complaint_folio``) is the same incident, so only the police record counts."""
        described_by_record = FormalReport.objects.filter(
            source=ReportSource.POLICE_RECORDS, complaint_folio=models.OuterRef("external_id")
        )
        return self.filter(Q(source=ReportSource.POLICE_RECORDS) | ~models.Exists(described_by_record))


class FormalReport(TimeStampedModel):
    """A denuncia or caso policial: the formal source of the capture–recapture pair."""

    objects = FormalReportQuerySet.as_manager()

    offense_type = models.ForeignKey(OffenseType, on_delete=models.PROTECT, related_name="formal_reports")
    occurred_at = models.DateTimeField()
    filed_at = models.DateTimeField()
    location = models.PointField(srid=4326)
    precinct = models.ForeignKey(Precinct, on_delete=models.PROTECT, related_name="formal_reports")
    is_overlap = models.BooleanField(default=False)
    is_gap = models.BooleanField(default=False)
    source = models.CharField(max_length=20, choices=ReportSource.choices)
    external_id = models.CharField(max_length=64)
    # A police record of an incident first filed online names the complaint's folio (see counted()).
    complaint_folio = models.CharField(max_length=20, blank=True, default="")

    class Meta:
        ordering = ["-occurred_at"]
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], name="formalreport_source_external_id"),
            models.CheckConstraint(
                condition=Q(filed_at__gte=F("occurred_at")), name="formalreport_filed_after_occurred"
            ),
        ]
        indexes = [
            models.Index(fields=["precinct", "occurred_at"], name="formalreport_precinct_occurred"),
            models.Index(
                fields=["complaint_folio"], condition=~Q(complaint_folio=""), name="formalreport_complaint_folio"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.external_id}"

    @property
    def is_boundary_case(self) -> bool:
        return self.is_overlap or self.is_gap


class LinkagePresetName(models.TextChoices):
    STRICT = "strict", _("Strict (150 m, 6 h)")
    DEFAULT = "default", _("Default (300 m, 24 h)")
    LOOSE = "loose", _("Loose (500 m, 72 h)")


class LinkStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    CONFIRMED = "confirmed", _("Confirmed")
    UNLINKED = "unlinked", _("Unlinked")


class IncidentLink(models.Model):
    """A formal report and an alert judged to be the same incident under one linkage preset."""

    formal_report = models.ForeignKey(FormalReport, on_delete=models.CASCADE, related_name="links")
    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="incident_links")
    preset = models.CharField(max_length=10, choices=LinkagePresetName.choices)
    distance_m = models.FloatField()
    hours_apart = models.FloatField()
    status = models.CharField(max_length=10, choices=LinkStatus.choices, default=LinkStatus.PROPOSED)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["formal_report_id", "alert_id"]
        constraints = [
            models.UniqueConstraint(fields=["formal_report", "alert", "preset"], name="incidentlink_pair_preset"),
            # One-to-one per preset among live links; an unlinked pair stays only as the analyst's decision.
            models.UniqueConstraint(
                fields=["formal_report", "preset"], condition=~Q(status="unlinked"), name="incidentlink_formal_once"
            ),
            models.UniqueConstraint(
                fields=["alert", "preset"], condition=~Q(status="unlinked"), name="incidentlink_alert_once"
            ),
            models.CheckConstraint(
                condition=Q(distance_m__gte=0) & Q(hours_apart__gte=0), name="incidentlink_non_negative"
            ),
        ]
        indexes = [models.Index(fields=["preset", "status"], name="incidentlink_preset_status")]

    def __str__(self) -> str:
        return f"{self.formal_report_id}↔{self.alert_id} ({self.preset}, {self.status})"


class LinkageRun(models.Model):
    """When linkage last ran for a precinct, month and preset, so m = 0 can be told apart from "not run"."""

    precinct = models.ForeignKey(Precinct, on_delete=models.CASCADE, related_name="linkage_runs")
    month = models.DateField(help_text="First day of the month.")
    preset = models.CharField(max_length=10, choices=LinkagePresetName.choices)
    formal_count = models.PositiveIntegerField()
    alert_count = models.PositiveIntegerField()
    link_count = models.PositiveIntegerField()
    ran_at = models.DateTimeField()

    class Meta:
        ordering = ["-month", "precinct_id", "preset"]
        constraints = [
            models.UniqueConstraint(fields=["precinct", "month", "preset"], name="linkagerun_precinct_month_preset")
        ]

    def __str__(self) -> str:
        return f"{self.precinct_id} {self.month:%Y-%m} {self.preset}"


# Each crime alert category in one dark-figure stratum; linkage compatibility may still cross strata.
ALERT_CATEGORY_GROUPS: dict[str, str] = {
    "theft": OffenseGroup.PROPERTY,
    "vehicle_theft": OffenseGroup.PROPERTY,
    "vandalism": OffenseGroup.PROPERTY,
    "suspicious_person": OffenseGroup.PROPERTY,
    "suspicious_vehicle": OffenseGroup.PROPERTY,
    "robbery_in_progress": OffenseGroup.VIOLENT,
    "shots_fired": OffenseGroup.VIOLENT,
    "violence": OffenseGroup.VIOLENT,
    "domestic_violence": OffenseGroup.VIOLENT,
    "drugs": OffenseGroup.DRUGS,
    "stray_dogs": OffenseGroup.ANIMALS,
}
# False alarms and merged duplicates are not incidents, so no count or linkage uses them.
NON_INCIDENT_STATUSES = ("false_alarm", "duplicate")


class SyntheticTruth(models.Model):
    """The known answer behind a synthetic (demo) precinct-month: true incidents and how many reached each source.

    Only the synthetic demo loader writes these rows, so real data never carries one; pages show
    the truth beside the estimate, clearly labelled as synthetic, wherever a row exists.
    """

    precinct = models.ForeignKey(Precinct, on_delete=models.CASCADE, related_name="synthetic_truths")
    month = models.DateField(help_text="First day of the month.")
    true_incidents = models.PositiveIntegerField()
    reached_police = models.PositiveIntegerField()
    reached_app = models.PositiveIntegerField()

    class Meta:
        ordering = ["month", "precinct_id"]
        constraints = [
            models.UniqueConstraint(fields=["precinct", "month"], name="synthetictruth_precinct_month"),
            models.CheckConstraint(
                condition=Q(reached_police__lte=F("true_incidents")) & Q(reached_app__lte=F("true_incidents")),
                name="synthetictruth_reached_within_true",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.precinct_id} {self.month:%Y-%m}: N={self.true_incidents}"


class JobKind(models.TextChoices):
    STOP_PACK = "stop_pack", _("STOP pack")
    STOP_PACK_PDF = "stop_pack_pdf", _("STOP pack as PDF")
    LINKAGE_RUN = "linkage_run", _("Linkage run")


class JobStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a worker")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class AnalyticsJob(models.Model):
    """A heavy analytics computation run by Celery, with its progress and its result (the cache of finished months).

    ``key`` names what was asked (kind, area, period, preset); at most one job per key is current.
    A finished month's result never changes, so it stays current until data for it change; the
    current month's result is reused only briefly (see ``services.jobs``).
    """

    kind = models.CharField(max_length=20, choices=JobKind.choices)
    key = models.CharField(max_length=400)
    is_current = models.BooleanField(default=True)
    is_final = models.BooleanField(help_text="The period had ended when the job was asked for.")
    area_kind = models.CharField(max_length=12)
    area_code = models.CharField(max_length=20, blank=True)
    area_name = models.CharField(max_length=120, blank=True)
    precinct_ids = ArrayField(models.IntegerField())
    month = models.DateField(help_text="First day of the month.")
    end_date = models.DateField()
    preset = models.CharField(max_length=10, blank=True)
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.PENDING)
    progress = models.PositiveSmallIntegerField(default=0)
    step = models.CharField(max_length=40, blank=True)
    result = models.JSONField(null=True, blank=True)
    file = models.FileField(upload_to="analytics/packs/", blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["key"], condition=Q(is_current=True), name="analyticsjob_one_current"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="analyticsjob_progress_percent"),
        ]
        indexes = [
            models.Index(fields=["month"], name="analyticsjob_month"),
            GinIndex(fields=["precinct_ids"], name="analyticsjob_precincts"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} ({self.status})"
