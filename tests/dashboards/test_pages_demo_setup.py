"""``manage.py demo_setup``: accounts per role, zones and alerts at several steps; running it twice changes nothing."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from backend.accounts.models import Role, User
from backend.alerts.models import Alert, AlertInformation, Event, Zone
from backend.geo.fixture import south_precinct_fixture_path
from backend.geo.models import Precinct
from backend.station.models import ComunaPhase, Election, FallenOfficer, PollingStation, RegistryBatch
from backend.station.registries.adapters import PERSON_REGISTRIES
from backend.station.registries.services import registry_check
from dashboards.management.commands.demo_setup import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def south_precinct():
    call_command("load_precincts", str(south_precinct_fixture_path()), stdout=io.StringIO(), stderr=io.StringIO())
    return Precinct.objects.all()


def demo_setup() -> str:
    output = io.StringIO()
    call_command("demo_setup", "--skip-synthetic", stdout=output)
    return output.getvalue()


def snapshot() -> dict:
    return {
        "users": sorted(User.objects.values_list("username", "role", "agency")),
        "alerts": sorted(Alert.objects.values_list("idempotency_key", "status")),
        "zones": sorted(Zone.objects.values_list("member__username", "name")),
        "information": AlertInformation.objects.count(),
        "events": Event.objects.count(),
        "registry_batches": sorted(RegistryBatch.objects.values_list("registry", "is_current", "row_count")),
        "phases": sorted(ComunaPhase.objects.values_list("precinct__code", "phase")),
        "elections": sorted(Election.objects.values_list("name", "election_date")),
        "polling_stations": PollingStation.objects.count(),
        "fallen_officers": sorted(FallenOfficer.objects.values_list("slug", flat=True)),
    }


def test_demo_setup_creates_one_account_per_role_with_the_printed_password(south_precinct):
    output = demo_setup()

    assert {user.role for user in User.objects.all()} == set(Role.values)
    for username in ("vecino", "despacho", "mando", "bomberos", "admin", "comisaria"):
        assert User.objects.get(username=username).check_password(DEMO_PASSWORD)
        assert username in output
    assert DEMO_PASSWORD in output
    for path in ("/alerta/", "/comunidad/", "/despacho/", "/mando/"):
        assert path in output
    assert set(User.objects.get(username="despacho").precincts.all()) == set(south_precinct)
    assert set(User.objects.get(username="comisaria").precincts.all()) == set(south_precinct)
    assert User.objects.get(username="bomberos").agency == "bomberos"
    assert User.objects.get(username="admin").is_superuser


def test_demo_alerts_sit_at_different_steps_with_their_events(south_precinct):
    demo_setup()

    statuses = dict(Alert.objects.values_list("idempotency_key", "status"))
    assert statuses == {
        "demo-1": "received",
        "demo-2": "contacted",
        "demo-3": "on_scene",
        "demo-4": "resolved",
        "demo-5": "received",
        "demo-6": "received",
    }
    assert Alert.objects.get(idempotency_key="demo-5").agency == "bomberos"
    assert Event.objects.filter(type="alert.created").count() == 6
    assert sorted(Zone.objects.values_list("name", flat=True)) == ["Casa", "Trabajo"]
    assert AlertInformation.objects.get().alert.idempotency_key == "demo-2"


def test_running_demo_setup_twice_changes_nothing(south_precinct):
    demo_setup()
    first = snapshot()

    output = demo_setup()

    assert snapshot() == first
    assert "0 created, 6 already there" in output


def test_demo_setup_needs_the_precincts_loaded_first():
    with pytest.raises(CommandError, match="load_precincts"):
        demo_setup()
    assert User.objects.count() == 0


def test_the_demo_registries_are_current_today_and_restrict_two_test_runs(south_precinct):
    demo_setup()

    current = RegistryBatch.objects.filter(is_current=True)
    assert sorted(current.values_list("registry", "row_count")) == [
        ("civil", 11), ("custody", 1), ("employer", 2), ("health", 1)
    ]  # fmt: skip
    assert set(ComunaPhase.objects.values_list("precinct__code", flat=True)) == {p.code for p in south_precinct}

    def restrictions(run: int) -> list[str]:
        verdict = registry_check(run=run, registries=PERSON_REGISTRIES, procedure="demo test")
        return [restriction.code for restriction in verdict.restrictions]

    assert restrictions(44444444) == []
    assert restrictions(88888888) == []
    assert restrictions(55555555) == ["health_quarantine"]
    assert restrictions(99999999) == ["custody_restriction"]


def test_the_demo_opens_an_election_today_and_a_fictional_condolence_book(south_precinct):
    demo_setup()

    assert list(Election.objects.values_list("election_date", flat=True)) == [timezone.localdate()]
    assert PollingStation.objects.exists()
    assert FallenOfficer.objects.get().name == "Funcionario de ejemplo (demostración)"
