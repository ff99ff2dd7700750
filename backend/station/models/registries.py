from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Registry(models.TextChoices):
    """The outside registries a permit is checked against (STATION.md §1, "The failure")."""

    HEALTH = "health", _("Health quarantine (MINSAL)")
    CUSTODY = "custody", _("Court and custody restrictions (Gendarmería)")
    CIVIL = "civil", _("Civil registry (Registro Civil)")
    EMPLOYER = "employer", _("Employer activity (SII)")


class RegistryBatch(models.Model):
    """One daily file (or download) of one registry; lookups read only the registry's current batch."""

    registry = models.CharField(max_length=20, choices=Registry.choices)
    source = models.CharField(max_length=300, help_text="File name or URL the rows came from.")
    checksum = models.CharField(max_length=64, help_text="SHA-256 of the file as received.")
    row_count = models.PositiveIntegerField()
    effective_date = models.DateField(help_text="The day the registry's data describes.")
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Exactly one current batch per registry (partial unique index): switching is one UPDATE of two rows.
    is_current = models.BooleanField(default=False)

    class Meta:
        ordering = ["-imported_at"]
        verbose_name_plural = "registry batches"
        constraints = [
            models.UniqueConstraint(
                fields=["registry"], condition=Q(is_current=True), name="registrybatch_one_current"
            ),
            models.UniqueConstraint(fields=["registry", "checksum"], name="registrybatch_file_once"),
        ]

    def __str__(self) -> str:
        return f"{self.registry} #{self.id} ({self.effective_date})"


class RegistryRecord(models.Model):
    """One row of a batch: a RUN and what the registry says about it (a restriction, a status, an activity)."""

    id = models.BigAutoField(primary_key=True)
    batch = models.ForeignKey(RegistryBatch, on_delete=models.CASCADE, related_name="records", db_index=False)
    # The RUN's number only; its check digit was verified on import (19 million integers index small).
    run = models.IntegerField()
    kind = models.CharField(max_length=20)
    valid_from = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)
    reference = models.CharField(max_length=40, blank=True)
    # SII: the company's legal representative; the other registries leave it empty.
    related_run = models.IntegerField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["batch", "run"], name="registryrecord_batch_run")]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.run}:{self.kind}"


class RegistryOverride(models.Model):
    """An administrator's recorded decision to answer from stale (or without) data of a registry, until a time."""

    registry = models.CharField(max_length=20, choices=Registry.choices)
    reason = models.TextField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="registryoverride_has_reason"),
            models.CheckConstraint(condition=Q(expires_at__gt=models.F("created_at")), name="registryoverride_window"),
        ]

    def __str__(self) -> str:
        return f"{self.registry} override until {self.expires_at:%Y-%m-%d %H:%M}"


class RegistryQuery(models.Model):
    """The audit of one registry query (Decreto 12/2023): when, who, which procedure and RUN, the answer, the source."""

    id = models.BigAutoField(primary_key=True)
    asked_at = models.DateTimeField(db_index=True)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    procedure = models.CharField(max_length=40)
    run = models.IntegerField()
    registry = models.CharField(max_length=20, choices=Registry.choices)
    # clear | restricted | unavailable (fail closed) | stale (answered from an old batch, allowed by policy)
    result = models.CharField(max_length=20)
    restrictions = models.CharField(max_length=200, blank=True)
    # Answered from a batch older than the registry's maximum age (allowed for civil and SII, or by an override).
    is_stale = models.BooleanField(default=False)
    source = models.CharField(max_length=300)
    batch = models.ForeignKey(RegistryBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    override = models.ForeignKey(RegistryOverride, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-asked_at", "-id"]
        verbose_name_plural = "registry queries"
        indexes = [models.Index(fields=["run", "asked_at"], name="registryquery_run")]

    def __str__(self) -> str:
        return f"{self.asked_at:%Y-%m-%d %H:%M:%S} {self.registry} {self.result}"
