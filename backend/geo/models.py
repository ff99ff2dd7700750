from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q

from backend.common.models import TimeStampedModel


class Jurisdiction(TimeStampedModel):
    """Abstract administrative area with an official code, a boundary and a census population."""

    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=120)
    boundary = models.MultiPolygonField(srid=4326)
    population = models.PositiveIntegerField(null=True, blank=True)
    census_year = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


def _valid_boundary_constraint(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(boundary__isvalid=True), name=name)


class Prefecture(Jurisdiction):
    """A police prefecture, grouping several precincts (e.g. Prefectura Santiago Sur)."""

    class Meta(Jurisdiction.Meta):
        constraints = [_valid_boundary_constraint("prefecture_boundary_valid")]


class Precinct(Jurisdiction):
    """A comisaría, usually one comuna; alerts and reports are routed to it by location."""

    prefecture = models.ForeignKey(Prefecture, on_delete=models.PROTECT, related_name="precincts")

    class Meta(Jurisdiction.Meta):
        constraints = [_valid_boundary_constraint("precinct_boundary_valid")]


class Sector(Jurisdiction):
    """A cuadrante: an optional patrol sector inside a precinct."""

    precinct = models.ForeignKey(Precinct, on_delete=models.CASCADE, related_name="sectors")

    class Meta(Jurisdiction.Meta):
        constraints = [_valid_boundary_constraint("sector_boundary_valid")]


class RegisteredAddress(TimeStampedModel):
    """A neighbor's home point; registered addresses per precinct measure adoption."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="registered_address")
    location = models.PointField(srid=4326)
    precinct = models.ForeignKey(Precinct, on_delete=models.PROTECT, related_name="registered_addresses")
    is_boundary_case = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"Address of user {self.user_id} in {self.precinct_id}"
