from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from backend.common.models import TimeStampedModel
from backend.geo.models import Precinct

from .documents import IssuedDocument
from .registries import RegistryBatch

PHASES = [(1, _("1 · Quarantine")), (2, _("2 · Transition")), (3, _("3 · Preparation")),
          (4, _("4 · Initial opening")), (5, _("5 · Advanced opening"))]  # fmt: skip
PHASE_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]


def _weekdays_default() -> list[int]:
    return [1, 2, 3, 4, 5, 6, 7]


class PermitWindow(models.TextChoices):
    DURATION = "duration", _("From the chosen start, for the type's duration")
    WORKWEEK = "workweek", _("Monday to Friday of the chosen week")
    WEEKEND = "weekend", _("Saturday and Sunday of the chosen week")


class QuotaPeriod(models.TextChoices):
    WEEK = "week", _("Per week (Monday to Sunday)")
    WEEKEND = "weekend", _("Per weekend")


class PermitType(models.Model):
    """A kind of safe-conduct permit: its duration, daily hours and weekdays (configuration, edited in admin)."""

    code = models.SlugField(max_length=40, unique=True)
    name_es = models.CharField(max_length=120)
    name_en = models.CharField(max_length=120)
    description_es = models.CharField(max_length=300, blank=True)
    description_en = models.CharField(max_length=300, blank=True)
    window = models.CharField(max_length=10, choices=PermitWindow.choices, default=PermitWindow.DURATION)
    duration_minutes = models.PositiveIntegerField(null=True, blank=True)
    # Daily hours (Chile time) a DURATION permit must fit in, e.g. outside the 22:00–05:00 curfew.
    earliest_start = models.TimeField(default="05:00")
    latest_end = models.TimeField(default="22:00")
    # ISO weekdays (1 = Monday) the permit may be used on.
    weekdays = ArrayField(models.PositiveSmallIntegerField(), default=_weekdays_default)
    # A permit took effect 15 minutes after approval (2020).
    effect_delay_minutes = models.PositiveIntegerField(default=15)
    needs_destination = models.BooleanField(default=True)
    needs_reason = models.BooleanField(default=False)
    is_collective = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    ordering = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["ordering", "code"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(window="duration") | Q(duration_minutes__gt=0), name="permittype_duration_set"
            ),
            models.CheckConstraint(
                condition=~Q(window="duration") | Q(latest_end__gt=models.F("earliest_start")),
                name="permittype_hours_order",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def name(self) -> str:
        return self.name_en if (translation.get_language() or "es").startswith("en") else self.name_es

    @property
    def description(self) -> str:
        english = (translation.get_language() or "es").startswith("en")
        return self.description_en if english else self.description_es


class PermitRule(models.Model):
    """A permit type applies in a phase, with that phase's weekly quota (None: no quota) and weekdays."""

    permit_type = models.ForeignKey(PermitType, on_delete=models.CASCADE, related_name="rules")
    phase = models.PositiveSmallIntegerField(choices=PHASES, validators=PHASE_VALIDATORS)
    quota = models.PositiveSmallIntegerField(null=True, blank=True)
    quota_period = models.CharField(max_length=10, choices=QuotaPeriod.choices, default=QuotaPeriod.WEEK)
    # Empty: every weekday the type allows; e.g. phase 2 allowed the general permit on weekends only.
    weekdays = ArrayField(models.PositiveSmallIntegerField(), default=list, blank=True)

    class Meta:
        ordering = ["permit_type", "phase"]
        constraints = [models.UniqueConstraint(fields=["permit_type", "phase"], name="permitrule_type_phase")]

    def __str__(self) -> str:
        return f"{self.permit_type_id} in phase {self.phase}"


class ComunaPhase(models.Model):
    """The phase of the step-by-step plan (Paso a Paso) a comuna is in; a comuna without one needs no permits."""

    precinct = models.OneToOneField(Precinct, on_delete=models.CASCADE, related_name="permit_phase")
    phase = models.PositiveSmallIntegerField(choices=PHASES, validators=PHASE_VALIDATORS)
    since = models.DateField()

    def __str__(self) -> str:
        return f"{self.precinct_id}: phase {self.phase}"


class PermitStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    REVOKED = "revoked", _("Revoked")
    FLAGGED = "flagged", _("Flagged for review")


class CollectivePermit(TimeStampedModel):
    """An employer's request for its workers: the company, checked against SII, and one permit per worker."""

    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    employer_rut = models.IntegerField()
    employer_name = models.CharField(max_length=200)
    activity_code = models.CharField(max_length=6)
    permit_type = models.ForeignKey(PermitType, on_delete=models.PROTECT, related_name="+")
    precinct = models.ForeignKey(Precinct, on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    worker_count = models.PositiveIntegerField()
    submission_key = models.UUIDField()
    request_fingerprint = models.CharField(max_length=64)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["requester", "submission_key"], name="collectivepermit_submission_once")
        ]

    def __str__(self) -> str:
        return f"{self.employer_name} ({self.worker_count})"


class Permit(TimeStampedModel):
    """A safe-conduct permit: a signed document for one RUN and one window, re-checked after every registry import."""

    document = models.OneToOneField(IssuedDocument, on_delete=models.PROTECT, related_name="permit")
    folio = models.CharField(max_length=20, unique=True)
    permit_type = models.ForeignKey(PermitType, on_delete=models.PROTECT, related_name="permits")
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="permits")
    run = models.IntegerField()
    holder_name = models.CharField(max_length=300)
    precinct = models.ForeignKey(Precinct, on_delete=models.PROTECT, related_name="permits")
    phase = models.PositiveSmallIntegerField()
    destination = models.CharField(max_length=200, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    collective = models.ForeignKey(
        CollectivePermit, null=True, blank=True, on_delete=models.PROTECT, related_name="permits"
    )
    status = models.CharField(max_length=10, choices=PermitStatus.choices, default=PermitStatus.ACTIVE)
    # Why a re-scan revoked or flagged it: the restriction's reason code and kind, and the batch that said so.
    status_code = models.CharField(max_length=40, blank=True)
    status_kind = models.CharField(max_length=20, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_batch = models.ForeignKey(RegistryBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    submission_key = models.UUIDField()
    request_fingerprint = models.CharField(max_length=64)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["requester", "submission_key", "run"], name="permit_submission_once"),
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="permit_window"),
            models.CheckConstraint(
                condition=Q(status="active") | (~Q(status_code="") & Q(status_changed_at__isnull=False)),
                name="permit_status_reason",
            ),
        ]
        indexes = [
            # The re-scan joins active permits to a batch by RUN.
            models.Index(fields=["run"], condition=Q(status="active"), name="permit_active_run"),
            models.Index(fields=["requester", "-created_at"], name="permit_requester_created"),
            models.Index(fields=["precinct", "status", "-created_at"], name="permit_precinct_status"),
        ]

    def __str__(self) -> str:
        return self.folio


class PermitQuotaUse(models.Model):
    """How many permits of a type a RUN took in one quota period; the upsert that raises it is the quota check."""

    run = models.IntegerField()
    permit_type = models.ForeignKey(PermitType, on_delete=models.CASCADE, related_name="+")
    period_start = models.DateField()
    used = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "permit_type", "period_start"], name="permitquota_period"),
        ]

    def __str__(self) -> str:
        return f"{self.run} {self.permit_type_id} {self.period_start}: {self.used}"


class PermitRescan(models.Model):
    """One re-scan of the active permits against a fresh batch: how many it saw and what it changed."""

    batch = models.ForeignKey(RegistryBatch, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    active_count = models.PositiveIntegerField()
    revoked_count = models.PositiveIntegerField()
    flagged_count = models.PositiveIntegerField()

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"rescan of batch {self.batch_id}: {self.revoked_count} revoked, {self.flagged_count} flagged"
