"""The event log hands out ids in commit order, so "everything after id N" is complete once N is committed."""

import threading

import pytest
from django.db import connection, transaction

from backend.alerts.incidents.events import EventType, alert_event_record
from backend.alerts.models import Event
from tests.factories.alerts import AlertFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_writer_waits_for_the_open_transaction_that_logged_before_it():
    # Given an alert, and a first transaction that logs an event and stays open
    alert = AlertFactory()
    first_logged, release_first, second_done = threading.Event(), threading.Event(), threading.Event()
    ids: dict[str, int] = {}

    def first() -> None:
        with transaction.atomic():
            ids["first"] = alert_event_record(event_type=EventType.ALERT_STEP_ADDED, alert_id=alert.id).id
            first_logged.set()
            release_first.wait(10)
        connection.close()

    def second() -> None:
        first_logged.wait(10)
        with transaction.atomic():
            ids["second"] = alert_event_record(event_type=EventType.ALERT_STEP_ADDED, alert_id=alert.id).id
        second_done.set()
        connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()

    # When the second writer logs while the first is still open
    # Then it waits, and only after the first commits does it get a later id
    assert not second_done.wait(0.5)
    release_first.set()
    for thread in threads:
        thread.join(10)
    assert second_done.is_set()
    assert ids["first"] < ids["second"]
    assert list(Event.objects.order_by("id").values_list("id", flat=True)) == [ids["first"], ids["second"]]


def test_an_event_row_keeps_what_the_service_passed():
    # Given an alert
    alert = AlertFactory()

    # When its event is logged
    with transaction.atomic():
        event = alert_event_record(event_type=EventType.ALERT_STEP_ADDED, alert_id=alert.id, extra={"note": "ok"})

    # Then the stored row matches the returned event
    stored = Event.objects.get(id=event.id)
    assert (stored.type, stored.alert_id, stored.precinct_id, stored.agency) == (
        EventType.ALERT_STEP_ADDED,
        alert.id,
        alert.precinct_id,
        alert.agency,
    )
    assert stored.payload == event.payload
    assert stored.payload["note"] == "ok"
    assert stored.community_payload["alert"]["id"] == alert.id
    assert stored.area.equals_exact(event.area, tolerance=1e-9)
    assert stored.created_at == event.created_at
