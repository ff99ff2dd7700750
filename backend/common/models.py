from django.db import models


class TimeStampedModel(models.Model):
    """Abstract base with creation and update times."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class RateLimitBucket(models.Model):
    """How many times one key acted in one fixed window (see ``common.ratelimit``)."""

    key = models.CharField(max_length=200)
    window_start = models.DateTimeField()
    window_seconds = models.PositiveIntegerField()
    count = models.PositiveIntegerField()
    limit = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start", "window_seconds"], name="ratelimit_bucket_window"),
        ]
        indexes = [models.Index(fields=["window_start"], name="ratelimit_bucket_start")]

    def __str__(self) -> str:
        return f"{self.key} @ {self.window_start:%Y-%m-%d %H:%M:%S} ({self.count}/{self.limit})"
