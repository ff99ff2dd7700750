from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from backend.common.models import TimeStampedModel
from backend.geo.models import Precinct

# Paths of the book's API that a book's slug would shadow (backend/station/condolences/urls.py).
RESERVED_SLUGS = frozenset({"moderation"})


def slug_not_reserved(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(_("This address is reserved; choose another."))


class FallenOfficer(TimeStampedModel):
    """An officer killed on duty, remembered on a public page of the condolence book."""

    slug = models.SlugField(max_length=120, unique=True, validators=[slug_not_reserved])
    name = models.CharField(max_length=200)
    rank = models.CharField(max_length=80)
    unit = models.CharField(max_length=200)
    died_on = models.DateField()
    biography = models.TextField(max_length=2000, blank=True)
    # Whose station officers moderate this book; empty: administrators only.
    precinct = models.ForeignKey(
        Precinct, null=True, blank=True, on_delete=models.PROTECT, related_name="fallen_officers"
    )
    is_published = models.BooleanField(default=True)

    class Meta:
        ordering = ["-died_on", "name"]

    def __str__(self) -> str:
        return f"{self.rank} {self.name}"


class CondolenceStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("condolence message", "Awaiting moderation")
    APPROVED = "approved", pgettext_lazy("condolence message", "Approved")
    REJECTED = "rejected", pgettext_lazy("condolence message", "Rejected")


class CondolenceMessage(models.Model):
    """A message in the condolence book; nobody but the moderators reads it until one of them approves it."""

    officer = models.ForeignKey(FallenOfficer, on_delete=models.CASCADE, related_name="messages")
    author_name = models.CharField(max_length=80, blank=True)
    text = models.TextField()
    status = models.CharField(max_length=10, choices=CondolenceStatus.choices, default=CondolenceStatus.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="pending", moderated_at__isnull=True)
                | (~Q(status="pending") & Q(moderated_at__isnull=False)),
                name="condolencemessage_moderation_complete",
            ),
        ]
        indexes = [models.Index(fields=["officer", "status", "created_at"], name="condolence_book")]

    def __str__(self) -> str:
        return f"{self.officer_id}: {self.text[:40]}"
