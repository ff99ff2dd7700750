"""Permits for tests: the seeded catalogue, a comuna in a phase, a citizen the registries know."""

import datetime as dt
import uuid

from django.utils import timezone

from backend.station.models import ComunaPhase, PermitType
from backend.station.permits.catalogue import permit_catalogue_ensure
from backend.station.permits.services import PermitInput
from backend.station.registries.runs import run_parse
from tests.factories import PrecinctFactory
from tests.factories.station import verified_citizen
from tests.factories.station_registries import registries_load


def comuna_in_phase(phase: int = 1, **kwargs):
    precinct = PrecinctFactory(**{"column": 0, "name": "La Granja", **kwargs})
    ComunaPhase.objects.create(precinct=precinct, phase=phase, since=timezone.localdate())
    return precinct


def at_local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def next_weekday(isoweekday: int) -> dt.date:
    """The next date (tomorrow at the earliest) falling on ``isoweekday`` (1 = Monday)."""
    day = timezone.localdate() + dt.timedelta(days=1)
    while day.isoweekday() != isoweekday:
        day += dt.timedelta(days=1)
    return day


def tomorrow_at(hour: int, minute: int = 0) -> dt.datetime:
    return at_local(timezone.localdate() + dt.timedelta(days=1), hour, minute)


def immediate(*codes: str) -> None:
    """Types that take effect at once (the 15-minute delay would make a fresh permit 'not yet valid')."""
    PermitType.objects.filter(code__in=codes).update(effect_delay_minutes=0)


def permit_input(precinct, **overrides) -> PermitInput:
    values = {
        "permit_type": "shopping",
        "comuna": precinct.code,
        "starts_at": tomorrow_at(10),
        "destination": "Supermercado Santa Rosa 8000",
        "submission_key": uuid.uuid4(),
    }
    return PermitInput(**{**values, **overrides})


def permit_world(phase: int = 1, *, quarantined=(), custody=(), precinct=None, **citizen_fields):
    """(precinct, citizen, run) with the catalogue seeded and fresh registries that know the citizen."""
    permit_catalogue_ensure()
    precinct = precinct or comuna_in_phase(phase)
    citizen = verified_citizen(**citizen_fields)
    run = run_parse(citizen.rut)
    registries_load(living_runs=[run], quarantined=[run] if "self" in quarantined else quarantined, custody=custody)
    return precinct, citizen, run
