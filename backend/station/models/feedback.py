from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from backend.common.models import TimeStampedModel
from backend.geo.models import Precinct


class FeedbackKind(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint about an officer")
    COMMENDATION = "commendation", _("Commendation of an officer")


class FeedbackStatus(models.TextChoices):
    # A context of their own: in Spanish the feedback's statuses agree with "reclamo", not with "denuncia".
    RECEIVED = "received", pgettext_lazy("officer feedback", "Received")
    UNDER_REVIEW = "under_review", pgettext_lazy("officer feedback", "Under review")
    ANSWERED = "answered", pgettext_lazy("officer feedback", "Answered")
    CLOSED = "closed", pgettext_lazy("officer feedback", "Closed")


class OfficerFeedback(TimeStampedModel):
    """A complaint or a commendation about a police officer or unit, answered by the commander of its precinct."""

    folio = models.CharField(max_length=20, unique=True)
    filer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="officer_feedback")
    kind = models.CharField(max_length=20, choices=FeedbackKind.choices)
    precinct = models.ForeignKey(Precinct, on_delete=models.PROTECT, related_name="officer_feedback")
    # A point picked on the map; empty when the filer chose the precinct from the list.
    location = models.PointField(srid=4326, null=True, blank=True)
    is_overlap = models.BooleanField(default=False)
    is_gap = models.BooleanField(default=False)
    occurred_at = models.DateTimeField()
    officer_name = models.CharField(max_length=200, blank=True)
    officer_rank = models.CharField(max_length=60, blank=True)
    officer_badge = models.CharField(max_length=20, blank=True)
    unit = models.CharField(max_length=200, blank=True)
    narrative = models.TextField()
    contact_email = models.EmailField(blank=True)
    language = models.CharField(max_length=10, default="es-cl")
    status = models.CharField(max_length=20, choices=FeedbackStatus.choices, default=FeedbackStatus.RECEIVED)
    answer = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submission_key = models.UUIDField()
    request_fingerprint = models.CharField(max_length=64)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "officer feedback"
        verbose_name_plural = "officer feedback"
        constraints = [
            models.UniqueConstraint(fields=["filer", "submission_key"], name="officerfeedback_submission_once"),
            models.CheckConstraint(
                condition=~Q(status="answered") | (~Q(answer="") & Q(answered_at__isnull=False)),
                name="officerfeedback_answered_has_answer",
            ),
        ]
        indexes = [models.Index(fields=["precinct", "status", "created_at"], name="officerfeedback_queue")]

    def __str__(self) -> str:
        return self.folio


class FeedbackStatusChange(models.Model):
    """One step of a feedback's history: who moved it to which status, when, and what they wrote."""

    feedback = models.ForeignKey(OfficerFeedback, on_delete=models.CASCADE, related_name="history")
    status = models.CharField(max_length=20, choices=FeedbackStatus.choices)
    note = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.feedback_id} → {self.status}"
