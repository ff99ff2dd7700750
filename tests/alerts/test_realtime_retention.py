"""The event log's retention, and what resuming from a pruned id means."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from backend.accounts.models import Role
from backend.alerts.incidents.services import AlertInput, alert_create
from backend.alerts.models import Event
from backend.alerts.realtime.replay import resume_plan
from tests.factories import PrecinctFactory, UserFactory
from tests.factories.geo import cell_center

pytestmark = pytest.mark.django_db


@pytest.fixture
def log() -> list[int]:
    """Three alert events, the first two 40 days old."""
    PrecinctFactory(column=0)
    reporter = UserFactory(role=Role.NEIGHBOR)
    lat, lon = cell_center(0)
    for _ in range(3):
        alert_create(reporter=reporter, data=AlertInput(category="drugs", lat=lat, lon=lon, accuracy_meters=5))
    ids = list(Event.objects.order_by("id").values_list("id", flat=True))
    Event.objects.filter(id__in=ids[:2]).update(created_at=timezone.now() - timedelta(days=40))
    return ids


@override_settings(EVENT_LOG_RETENTION_DAYS=30)
def test_prune_events_deletes_only_events_past_retention(log, capsys):
    call_command("prune_events")

    assert list(Event.objects.values_list("id", flat=True)) == log[2:]
    assert capsys.readouterr().out.strip() == "Deleted 2 events."


def test_resuming_from_a_pruned_id_is_a_full_resync(log):
    call_command("prune_events", days=30)

    expired = resume_plan(last_event_id=log[0])
    exact = resume_plan(last_event_id=log[1])  # the newest pruned id: nothing after it is missing
    fresh = resume_plan(last_event_id=None)

    assert (expired.is_full_resync, expired.after_id) == (True, log[2] - 1)
    assert (exact.is_full_resync, exact.after_id) == (False, log[1])
    assert (fresh.is_replay, fresh.after_id) == (False, log[2])


@override_settings(EVENT_LOG_RETENTION_DAYS=30)
def test_prune_keeps_old_events_that_no_relay_has_delivered(log):
    # given a relay that has delivered only the first event (the second is old but still undelivered)
    from backend.alerts.models import RelayCursor

    RelayCursor.objects.create(name="default", last_event_id=log[0])
    RelayCursor.objects.create(name="webhooks", last_event_id=log[2])
    call_command("prune_events")
    assert list(Event.objects.values_list("id", flat=True)) == log[1:]
