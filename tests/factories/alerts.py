import factory
from django.contrib.gis.geos import Point
from django.utils import timezone

from backend.accounts.models import Role
from backend.alerts.models import Alert, AlertStatus, AlertStep, Category, Zone, ZoneKind

from .accounts import UserFactory
from .geo import PrecinctFactory, cell_center


def category(code: str = "robbery_in_progress") -> Category:
    """A seeded category (the seed migration runs in the test database)."""
    return Category.objects.get(code=code)


class AlertFactory(factory.django.DjangoModelFactory):
    """An alert in the centre of its precinct's grid cell, with its 'received' step."""

    class Meta:
        model = Alert
        skip_postgeneration_save = True

    reporter = factory.SubFactory(UserFactory, role=Role.NEIGHBOR)
    category = factory.LazyFunction(category)
    agency = factory.LazyAttribute(lambda o: o.category.agency)
    precinct = factory.SubFactory(PrecinctFactory)
    location = factory.LazyAttribute(lambda o: _center_of(o.precinct))
    accuracy_meters = 10.0
    description = "Two men breaking into a car"
    status = AlertStatus.RECEIVED
    created_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def received_step(self, create, extracted, **kwargs):
        if create:
            AlertStep.objects.create(alert=self, status=AlertStatus.RECEIVED, created_at=self.created_at)


def _center_of(precinct) -> Point:
    centroid = precinct.boundary.centroid
    return Point(centroid.x, centroid.y, srid=4326)


class ZoneFactory(factory.django.DjangoModelFactory):
    """A polygon zone; pass ``boundary`` (defaults to a 1 km box at grid cell 0)."""

    class Meta:
        model = Zone

    member = factory.SubFactory(UserFactory, role=Role.NEIGHBOR)
    name = "Home"
    kind = ZoneKind.POLYGON
    boundary = factory.LazyFunction(lambda: box_around(*cell_center(0), half_size=0.005))


def box_around(lat: float, lon: float, *, half_size: float):
    from django.contrib.gis.geos import Polygon

    return Polygon.from_bbox((lon - half_size, lat - half_size, lon + half_size, lat + half_size))
