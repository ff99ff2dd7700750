from django.conf import settings
from django.db import models

from backend.common.models import TimeStampedModel
from backend.geo.models import Precinct

from .documents import IssuedDocument


class Constancia(TimeStampedModel):
    """A constancia: facts a person declares for the record, issued at once as a signed document."""

    document = models.OneToOneField(IssuedDocument, on_delete=models.PROTECT, related_name="constancia")
    folio = models.CharField(max_length=20, unique=True)
    citizen = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="constancias")
    kind = models.CharField(max_length=40)
    occurred_on = models.DateField(null=True, blank=True)
    precinct = models.ForeignKey(Precinct, null=True, blank=True, on_delete=models.PROTECT, related_name="constancias")
    details = models.JSONField(default=dict)
    contact_email = models.EmailField(blank=True)
    submission_key = models.UUIDField()
    request_fingerprint = models.CharField(max_length=64)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["citizen", "submission_key"], name="constancia_submission_once"),
        ]

    def __str__(self) -> str:
        return self.folio
