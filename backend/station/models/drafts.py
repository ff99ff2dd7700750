from django.conf import settings
from django.db import models


class FormDraft(models.Model):
    """A half-filled station form, saved so a person can come back to it (one per person and form)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="station_drafts")
    form = models.CharField(max_length=80)
    data = models.JSONField(default=dict)
    submission_key = models.UUIDField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "form"], name="formdraft_user_form")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.form}"
