from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.indexes import GistIndex
from django.db.models import Func, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backend.accounts.models import Agency
from backend.geo.models import Precinct

# About 111 m of latitude and 93 m of longitude at Santiago's latitude.
COMMUNITY_CELL_DEGREES = 0.001


class CellCentre(Func):
    """The centre of the lon/lat grid cell of ``cell_degrees`` holding a point (immutable, so it can be stored)."""

    output_field = models.PointField(srid=4326)

    def __init__(self, expression, *, cell_degrees: float) -> None:
        super().__init__(expression)
        self.cell_degrees = cell_degrees

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        size = float(self.cell_degrees)
        centre = "(floor(ST_{axis}({sql}) / {size}) + 0.5) * {size}"
        x, y = (centre.format(axis=axis, sql=sql, size=size) for axis in "XY")
        return f"ST_SetSRID(ST_MakePoint({x}, {y}), 4326)", [*params, *params]

    def deconstruct(self):
        path, args, kwargs = super().deconstruct()
        return path, args, {**kwargs, "cell_degrees": self.cell_degrees}


class Category(models.Model):
    """What a neighbor reports; each category is answered by one agency."""

    code = models.SlugField(max_length=40, unique=True)
    label_es = models.CharField(max_length=80)
    label_en = models.CharField(max_length=80)
    agency = models.CharField(max_length=20, choices=Agency.choices)
    # 1 is the most urgent; the dispatch list sorts by it.
    priority = models.PositiveSmallIntegerField(default=3)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["priority", "code"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.label_es


class AlertStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    CONTACTED = "contacted", _("We called you")
    UNIT_DISPATCHED = "unit_dispatched", _("A unit is on the way")
    ON_SCENE = "on_scene", _("Unit on scene")
    RESOLVED = "resolved", _("Resolved")
    FALSE_ALARM = "false_alarm", _("False alarm")
    DUPLICATE = "duplicate", _("Duplicate")


class Alert(models.Model):
    """An informal incident: one press of a neighbor's alert button, routed to a precinct and an agency."""

    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="alerts")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="alerts")
    # Copied from the category at creation: the routing decision stays as made even if the catalogue changes.
    agency = models.CharField(max_length=20, choices=Agency.choices)
    location = models.PointField(srid=4326)
    # The centre of the ~100 m cell holding ``location``: all the community sees, and what decides who sees it.
    community_location = models.GeneratedField(
        expression=CellCentre("location", cell_degrees=COMMUNITY_CELL_DEGREES),
        output_field=models.PointField(srid=4326),
        db_persist=True,
    )
    accuracy_meters = models.FloatField()
    description = models.TextField(blank=True)
    precinct = models.ForeignKey(Precinct, on_delete=models.PROTECT, related_name="alerts")
    is_overlap = models.BooleanField(default=False)
    is_gap = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=AlertStatus.choices, default=AlertStatus.RECEIVED)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates")
    idempotency_key = models.CharField(max_length=128, blank=True)
    request_fingerprint = models.CharField(max_length=64, blank=True)
    # When the neighbor pressed the button: the occurrence time analytics uses.
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "idempotency_key"], condition=~Q(idempotency_key=""), name="alert_idempotency_key"
            ),
            models.CheckConstraint(condition=Q(accuracy_meters__gte=0), name="alert_accuracy_non_negative"),
        ]
        indexes = [
            models.Index(fields=["precinct", "status", "created_at"], name="alert_precinct_status"),
            models.Index(fields=["agency", "created_at"], name="alert_agency_created"),
            GistIndex(fields=["community_location"], name="alert_community_location"),
            models.Index(fields=["reporter", "created_at"], name="alert_reporter_created"),
        ]

    def __str__(self) -> str:
        return f"Alert {self.pk} ({self.category_id}, {self.status})"

    @property
    def is_boundary_case(self) -> bool:
        return self.is_overlap or self.is_gap


class AlertStep(models.Model):
    """One step of an alert's response timeline: who moved it to which status, when, and why."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="steps")
    status = models.CharField(max_length=20, choices=AlertStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["alert", "status"], name="alertstep_alert_status")]


class AlertPhoto(models.Model):
    """A sanitised photo: from the reporter, from dispatch on scene, or with a member's added information."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="photos")
    step = models.ForeignKey(AlertStep, null=True, blank=True, on_delete=models.CASCADE, related_name="photos")
    information = models.ForeignKey(
        "AlertInformation", null=True, blank=True, on_delete=models.CASCADE, related_name="photos"
    )
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    image = models.FileField(upload_to="alerts/%Y/%m/%d/")
    thumbnail = models.FileField(upload_to="alerts/%Y/%m/%d/thumbnails/")
    content_type = models.CharField(max_length=40)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    # The community sees a photo only after dispatch approves it.
    is_approved = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


class AlertInformation(models.Model):
    """Text (and optional photo) a community member adds to an alert; dispatch can hide abuse."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="information")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    is_hidden = models.BooleanField(default=False)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


class ReporterRecord(models.Model):
    """A reporter's standing: false alarms counted against them, and whether they may alert at all."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reporter_record")
    false_alarm_count = models.PositiveIntegerField(default=0)
    is_blocked = models.BooleanField(default=False)
    blocked_reason = models.CharField(max_length=200, blank=True)
