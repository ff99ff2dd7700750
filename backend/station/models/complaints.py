from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from backend.common.models import TimeStampedModel
from backend.geo.models import Precinct

from .documents import IssuedDocument


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    UNDER_REVIEW = "under_review", _("Under review")
    INFORMATION_REQUESTED = "information_requested", _("More information needed")
    ACCEPTED = "accepted", _("Accepted")
    FORWARDED = "forwarded", _("Forwarded to the Fiscalía")
    REJECTED = "rejected", _("Rejected")


class Complaint(TimeStampedModel):
    """An online complaint (denuncia): what happened, where and when, routed to the precinct that reviews it."""

    document = models.OneToOneField(IssuedDocument, on_delete=models.PROTECT, related_name="complaint")
    folio = models.CharField(max_length=20, unique=True)
    complainant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="complaints")
    offense = models.CharField(max_length=40)
    occurred_at = models.DateTimeField()
    # A point picked on the map; without one, the address and comuna place it (location stays empty).
    location = models.PointField(srid=4326, null=True, blank=True)
    address = models.CharField(max_length=300, blank=True)
    precinct = models.ForeignKey(Precinct, on_delete=models.PROTECT, related_name="complaints")
    is_overlap = models.BooleanField(default=False)
    is_gap = models.BooleanField(default=False)
    narrative = models.TextField()
    # [{"description": str, "value": int (CLP)}]
    items = models.JSONField(default=list, blank=True)
    total_value = models.PositiveBigIntegerField(default=0)
    details = models.JSONField(default=dict, blank=True)
    contact_email = models.EmailField(blank=True)
    status = models.CharField(max_length=30, choices=ComplaintStatus.choices, default=ComplaintStatus.RECEIVED)
    status_note = models.TextField(blank=True)
    submission_key = models.UUIDField()
    request_fingerprint = models.CharField(max_length=64)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["complainant", "submission_key"], name="complaint_submission_once"),
            models.CheckConstraint(condition=Q(location__isnull=False) | ~Q(address=""), name="complaint_has_place"),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(status_note=""), name="complaint_rejection_has_reason"
            ),
        ]
        indexes = [models.Index(fields=["precinct", "status", "created_at"], name="complaint_queue")]

    def __str__(self) -> str:
        return self.folio


class ComplaintEvidence(models.Model):
    """A photo attached to a complaint, re-encoded without metadata before it was stored."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to="station/evidence/%Y/%m/")
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Evidence {self.id} of {self.complaint_id}"


class ComplaintStatusChange(models.Model):
    """One step of a complaint's history: who moved it to which status, when, and the note they wrote."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="history")
    status = models.CharField(max_length=30, choices=ComplaintStatus.choices)
    note = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.complaint_id} → {self.status}"
