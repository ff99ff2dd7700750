from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from backend.common.models import TimeStampedModel

from .documents import IssuedDocument

# The excuse's rule: more than 200 km from one's polling station on election day (STATION.md §1).
EXCUSE_MINIMUM_METERS = 200_000


class Election(TimeStampedModel):
    """An election day; voter excuses are taken only on it, 00:00 to 23:59 Chile time."""

    name = models.CharField(max_length=200)
    # A calendar day in Chile (America/Santiago), not in UTC.
    election_date = models.DateField(unique=True)

    class Meta:
        ordering = ["-election_date"]

    def __str__(self) -> str:
        return f"{self.name} ({self.election_date:%d-%m-%Y})"


class PollingStation(TimeStampedModel):
    """A polling place (local de votación) of the electoral registry, with its point."""

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=200)
    address = models.CharField(max_length=300, blank=True)
    comuna = models.CharField(max_length=100)
    region = models.CharField(max_length=100, blank=True)
    # spatial_index (the default) makes a GiST index.
    location = models.PointField(srid=4326)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class VoterRegistration(models.Model):
    """One voter's polling station: the registry's RUN → station row (RUN number as an integer, DV checked on load)."""

    run = models.PositiveIntegerField(primary_key=True)
    station = models.ForeignKey(PollingStation, on_delete=models.PROTECT, related_name="voters")

    def __str__(self) -> str:
        return f"{self.run} → {self.station_id}"


class VoterExcuseStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for you at a police unit")
    ISSUED = "issued", _("Excuse issued")
    LAPSED = "lapsed", _("Lapsed: not confirmed on election day")


class VoterExcuse(TimeStampedModel):
    """A voter's excuse request (folio at once); the signed excuse follows once an officer sees their identity card."""

    folio = models.CharField(max_length=20, unique=True)
    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="excuses")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="voter_excuses")
    run = models.PositiveIntegerField()
    station = models.ForeignKey(PollingStation, on_delete=models.PROTECT, related_name="excuses")
    # Where the voter said they were when filing (the browser's location or a point chosen on the map).
    location = models.PointField(srid=4326)
    position_source = models.CharField(
        max_length=10, choices=[("device", _("This device's location")), ("map", _("A point chosen on the map"))]
    )
    distance_meters = models.PositiveIntegerField()
    contact_email = models.EmailField()
    language = models.CharField(max_length=10, default="es-cl")
    status = models.CharField(max_length=10, choices=VoterExcuseStatus.choices, default=VoterExcuseStatus.PENDING)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_unit = models.CharField(max_length=200, blank=True)
    document = models.OneToOneField(
        IssuedDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="voter_excuse"
    )
    lapsed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["election", "run"], name="voterexcuse_once_per_election"),
            models.CheckConstraint(
                condition=Q(distance_meters__gt=EXCUSE_MINIMUM_METERS), name="voterexcuse_over_minimum_distance"
            ),
            models.CheckConstraint(
                condition=(
                    Q(status="pending", document__isnull=True, confirmed_at__isnull=True, lapsed_at__isnull=True)
                    | Q(status="issued", document__isnull=False, confirmed_at__isnull=False, confirmed_by__isnull=False)
                    | Q(status="lapsed", document__isnull=True, lapsed_at__isnull=False)
                ),
                name="voterexcuse_status_complete",
            ),
        ]
        indexes = [models.Index(fields=["election", "status", "created_at"], name="voterexcuse_desk")]

    def __str__(self) -> str:
        return self.folio

    @property
    def distance_km(self) -> float:
        return self.distance_meters / 1000
