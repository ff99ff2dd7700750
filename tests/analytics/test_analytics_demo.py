import pytest
from django.core.management import call_command

from backend.accounts.models import User
from backend.alerts.models import Alert, AlertStatus, AlertStep
from backend.analytics.models import FormalReport
from backend.analytics.services.demo import REPORTER_PREFIX
from backend.geo.models import RegisteredAddress
from tests.factories import PrecinctFactory
from tests.factories.analytics import offense_type

pytestmark = pytest.mark.django_db


def test_synthetic_demo_loads_both_sources_with_timelines_and_re_runs_without_duplicates():
    offense_type()
    first, second = PrecinctFactory(column=0, population=4_000), PrecinctFactory(column=1, population=4_000)
    call_command("load_synthetic_demo", months=2, seed=3, verbosity=0)
    counts = (FormalReport.objects.count(), Alert.objects.count(), RegisteredAddress.objects.count())
    assert min(counts) > 0
    # every report and alert lies in a loaded precinct; reporters are demo neighbours
    assert set(FormalReport.objects.values_list("precinct_id", flat=True)) <= {first.id, second.id}
    assert set(Alert.objects.values_list("reporter__username", flat=True)) <= {
        username for username in User.objects.values_list("username", flat=True) if username.startswith(REPORTER_PREFIX)
    }
    assert set(Alert.objects.values_list("agency", flat=True)) <= {"carabineros", "municipality"}
    # each alert starts with "received" and its status is its last step
    alert = Alert.objects.filter(status=AlertStatus.RESOLVED).first()
    steps = list(AlertStep.objects.filter(alert=alert).order_by("created_at").values_list("status", flat=True))
    assert steps == ["received", "acknowledged", "contacted", "unit_dispatched", "on_scene", "resolved"]
    # a second run adds nothing
    call_command("load_synthetic_demo", months=2, seed=3, verbosity=0)
    assert (FormalReport.objects.count(), Alert.objects.count(), RegisteredAddress.objects.count()) == counts
