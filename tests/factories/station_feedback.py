"""Feedback about officers: a commander scoped to precincts, and a filing body as the form and apps send it."""

import uuid

from backend.accounts.models import Role
from tests.factories.accounts import UserFactory
from tests.factories.geo import cell_center

WHEN = "2025-05-02T21:30:00-04:00"


def commander_of(precincts=(), **kwargs):
    """A commander (role commander) whose scope is exactly these precincts."""
    return UserFactory(role=Role.COMMANDER, precincts=list(precincts), **kwargs)


def feedback_body(*, column: int = 0, **overrides) -> dict:
    """A complaint about an officer, placed by a point in the grid cell ``column``."""
    lat, lon = cell_center(column)
    body = {
        "kind": "complaint",
        "lat": lat,
        "lon": lon,
        "occurred_at": WHEN,
        "officer_name": "Juan Pérez",
        "officer_rank": "Cabo 2°",
        "officer_badge": "123456",
        "unit": "Radiopatrulla Z-1234",
        "narrative": "El funcionario se negó a recibir mi denuncia y me trató con groserías.",
        "contact_email": "valentina@example.cl",
        "submission_key": str(uuid.uuid4()),
    }
    return {**body, **overrides}
