from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from backend.geo.models import Precinct


class TipStatus(models.TextChoices):
    NEW = "new", _("New")
    IN_REVIEW = "in_review", _("Being looked into")
    WAITING_FOR_TIPSTER = "waiting_for_tipster", _("Waiting for the tipster's answer")
    FORWARDED = "forwarded", _("Forwarded to dispatch")
    CLOSED = "closed", _("Closed")


class TipUrgency(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    IMMEDIATE = "immediate", _("Happening now")


class TipAuthor(models.TextChoices):
    OFFICER = "officer", _("Carabineros")
    TIPSTER = "tipster", _("Tipster")


class TipMessageKind(models.TextChoices):
    REPLY = "reply", _("Reply")
    QUESTION = "question", _("Question")
    ANSWER = "answer", _("Answer")


class Tip(models.Model):
    """An anonymous tip: what, where (optional) and how urgent; nobody's account, address or exact time is kept."""

    # A random reference for officers; the tipster's only key is the receipt code, of which we keep a digest.
    reference = models.CharField(max_length=12, unique=True)
    receipt_digest = models.CharField(max_length=64, unique=True)
    request_fingerprint = models.CharField(max_length=64)
    # An app's retry key, as the day's keyed digest (privacy.submission_digest): never the key itself.
    submission_digest = models.CharField(max_length=64, null=True, blank=True, unique=True)
    category = models.CharField(max_length=40)
    text = models.TextField()
    location = models.PointField(srid=4326, null=True, blank=True)
    address = models.CharField(max_length=300, blank=True)
    precinct = models.ForeignKey(Precinct, null=True, blank=True, on_delete=models.PROTECT, related_name="tips")
    is_overlap = models.BooleanField(default=False)
    is_gap = models.BooleanField(default=False)
    urgency = models.CharField(max_length=20, choices=TipUrgency.choices, blank=True)
    status = models.CharField(max_length=30, choices=TipStatus.choices, default=TipStatus.NEW)
    # The day only: an exact time would help to find who sent it.
    received_on = models.DateField()
    # The idempotency key of the alert this tip became (set once, when an officer forwards it to dispatch).
    alert_key = models.UUIDField(null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(location__isnull=True) | Q(precinct__isnull=False), name="tip_location_has_precinct"
            ),
            models.CheckConstraint(
                condition=~Q(status="forwarded") | Q(alert_key__isnull=False), name="tip_forwarded_has_alert_key"
            ),
        ]
        indexes = [models.Index(fields=["precinct", "status", "received_on"], name="tip_queue")]

    def __str__(self) -> str:
        return self.reference


class TipMessage(models.Model):
    """One message of a tip's mailbox: an officer's reply or question, or the tipster's answer (day only)."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="messages")
    author = models.CharField(max_length=10, choices=TipAuthor.choices)
    kind = models.CharField(max_length=10, choices=TipMessageKind.choices)
    body = models.TextField()
    # Which officer wrote it (never shown to the tipster); empty for the tipster's messages.
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sent_on = models.DateField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(author="tipster", officer__isnull=True, kind="answer"))
                | (Q(author="officer", officer__isnull=False) & ~Q(kind="answer")),
                name="tipmessage_author_consistent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tip_id}: {self.author} {self.kind}"


class TipAttachment(models.Model):
    """A photo sent with a tip, re-encoded from its pixels alone: no EXIF, XMP, ICC profile or comment survives."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="station/tips/")
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Attachment {self.id} of {self.tip_id}"


class TipAction(models.Model):
    """An officer's step on a tip (triage, forward), with who and when: officers are accountable, tipsters unknown."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="actions")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=20)
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.tip_id}: {self.action}"
