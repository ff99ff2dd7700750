"""Issuing permits: the configured rules, the registries at issue, the race-safe quota, the signed document."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from backend.common.errors import DomainError
from backend.station.documents.selectors import keyring_current
from backend.station.documents.tokens import TokenStatus, token_verify_with
from backend.station.models import (
    DocumentKind,
    IssuedDocument,
    Permit,
    PermitQuotaUse,
    PermitRule,
    PermitType,
    RegistryBatch,
    RegistryQuery,
)
from backend.station.permits.rules import MESSAGES, PERIOD_NAMES, REGISTRY_NAMES, WHAT_TO_DO, PermitRefused
from backend.station.permits.services import ERROR_UNKNOWN_COMUNA, ERROR_UNKNOWN_TYPE, permit_issue
from backend.station.registries.runs import run_format
from tests.factories.station import verified_citizen
from tests.factories.station_permits import (
    at_local,
    comuna_in_phase,
    next_weekday,
    permit_input,
    permit_world,
    tomorrow_at,
)
from tests.factories.station_registries import batch_import, living, today

pytestmark = pytest.mark.django_db


def refusal(citizen, data) -> PermitRefused:
    with pytest.raises(PermitRefused) as caught:
        permit_issue(requester=citizen, data=data)
    return caught.value


def nothing_written():
    assert Permit.objects.count() == 0
    assert IssuedDocument.objects.count() == 0
    assert PermitQuotaUse.objects.count() == 0


def test_a_permit_is_a_signed_document_whose_token_carries_its_window():
    # given a citizen of a comuna in phase 1 that the registries know and do not restrict
    precinct, citizen, run = permit_world()

    # when they ask for a shopping permit tomorrow at 10:00
    issue = permit_issue(requester=citizen, data=permit_input(precinct))

    # then the permit runs 10:00–13:00 and its document is a signed permit with that window in the token
    permit = issue.permit
    assert (issue.is_new, permit.run, permit.phase, permit.status) == (True, run, 1, "active")
    assert (permit.starts_at, permit.ends_at) == (tomorrow_at(10), tomorrow_at(13))
    document = permit.document
    assert (document.kind, document.folio[:4], document.holder_run) == (DocumentKind.PERMIT, "PER-", run_format(run))
    check = token_verify_with(document.token, keyring_current(), now=tomorrow_at(11))
    assert check.status == TokenStatus.VALID
    assert (check.claims["nbf"], check.claims["exp"]) == (
        int(tomorrow_at(10).timestamp()),
        int(tomorrow_at(13).timestamp()),
    )
    assert token_verify_with(document.token, keyring_current(), now=tomorrow_at(13, 1)).status == TokenStatus.EXPIRED
    # and the three person registries were asked, once each, for this procedure
    assert sorted(RegistryQuery.objects.values_list("registry", "procedure", "result", "asked_by")) == [
        ("civil", "permit_issue", "clear", citizen.id),
        ("custody", "permit_issue", "clear", citizen.id),
        ("health", "permit_issue", "clear", citizen.id),
    ]


def test_a_permit_is_issued_in_five_statements_and_its_rows_read_back_as_written():
    precinct, citizen, run = permit_world()
    with CaptureQueriesContext(connection) as queries:
        issue = permit_issue(requester=citizen, data=permit_input(precinct))
    statements = [query["sql"].split()[0] for query in queries.captured_queries]
    # the plan (with the idempotency check), the registry lookup (with the overrides), the audit, the quota with
    # the folio, the document with the permit; the savepoint is the test's own transaction
    assert [s for s in statements if s not in ("SAVEPOINT", "RELEASE")] == [
        "SELECT",
        "SELECT",
        "INSERT",
        "WITH",
        "WITH",
    ]
    stored = Permit.objects.select_related("document").get()
    assert (stored.id, stored.document_id, stored.folio, stored.document.folio) == (
        issue.permit.id, issue.permit.document.id, issue.permit.folio, issue.permit.folio)  # fmt: skip
    assert stored.document.facts == issue.permit.document.facts
    assert stored.document.token == issue.permit.document.token
    assert stored.created_at == issue.permit.created_at


def test_a_quarantined_person_is_refused_with_the_reason_code_and_what_to_do():
    # given a citizen MINSAL has in quarantine
    precinct, citizen, run = permit_world(quarantined=["self"])

    # when they ask for a permit
    error = refusal(citizen, permit_input(precinct))

    # then the refusal names the rule and says what to do, nothing is written, and the query is audited
    until = (today() + dt.timedelta(days=13)).strftime("%d-%m-%Y")
    assert (error.code, error.status_code) == ("health_quarantine", 422)
    assert error.message == MESSAGES["health_quarantine"].format(until=until)
    assert error.extra == {"reason": "health_quarantine", "what_to_do": str(WHAT_TO_DO["health_quarantine"])}
    nothing_written()
    assert RegistryQuery.objects.get(registry="health").result == "restricted"


def test_a_person_under_a_court_order_is_refused():
    precinct, citizen, run = permit_world()
    batch_import("custody", [{"run": run_format(run), "kind": "house_arrest", "valid_from": "2020-01-01"}])
    assert refusal(citizen, permit_input(precinct)).code == "custody_restriction"
    nothing_written()


def test_a_deceased_run_is_refused():
    precinct, citizen, run = permit_world()
    batch_import("civil", [{"run": run_format(run), "status": "deceased", "deceased_on": "2020-04-02"}])
    error = refusal(citizen, permit_input(precinct))
    assert (error.code, error.message) == ("run_deceased", MESSAGES["run_deceased"])
    nothing_written()


def test_a_run_the_civil_registry_does_not_know_is_refused():
    precinct, citizen, run = permit_world()
    batch_import("civil", living(11111111))
    assert refusal(citizen, permit_input(precinct)).code == "run_unknown"
    nothing_written()


def test_stale_health_data_refuses_every_permit():
    # given MINSAL's last file is three days old
    precinct, citizen, run = permit_world()
    RegistryBatch.objects.filter(registry="health").update(effective_date=today() - dt.timedelta(days=3))

    # then nobody gets a permit: the check fails closed
    error = refusal(citizen, permit_input(precinct))
    assert error.code == "registry_unavailable"
    assert error.message == MESSAGES["registry_unavailable"].format(registries=REGISTRY_NAMES["health"])
    nothing_written()


def test_a_permit_outside_the_allowed_hours_is_refused():
    # given shopping permits must fit 05:00–22:00
    precinct, citizen, run = permit_world()

    # when one would start at 20:00 (and end at 23:00), or at 04:30
    late = refusal(citizen, permit_input(precinct, starts_at=tomorrow_at(20)))
    early = refusal(citizen, permit_input(precinct, starts_at=tomorrow_at(4, 30)))

    # then both name the hours rule, and nothing was written (not even a registry query)
    assert (late.code, late.message) == ("outside_allowed_hours", MESSAGES["outside_allowed_hours"].format(
        earliest="05:00", latest="22:00"))  # fmt: skip
    assert early.code == "outside_allowed_hours"
    nothing_written()
    assert RegistryQuery.objects.count() == 0


def test_a_type_not_allowed_in_the_comunas_phase_is_refused():
    # given a comuna in phase 3, where no 2020 type applies
    precinct, citizen, run = permit_world(phase=3)
    error = refusal(citizen, permit_input(precinct))
    assert (error.code, error.message) == ("type_not_in_phase", MESSAGES["type_not_in_phase"].format(phase=3))
    nothing_written()


def test_the_phase_is_configuration_an_administrator_can_change():
    # given phase 3 gets a rule for shopping in admin
    precinct, citizen, run = permit_world(phase=3)
    PermitRule.objects.create(permit_type=PermitType.objects.get(code="shopping"), phase=3, quota=1)

    # then the permit is issued
    assert permit_issue(requester=citizen, data=permit_input(precinct)).permit.phase == 3


def test_bills_are_paid_monday_to_saturday_only():
    precinct, citizen, run = permit_world()
    sunday = at_local(next_weekday(7), 10)
    error = refusal(citizen, permit_input(precinct, permit_type="bills", starts_at=sunday))
    assert error.code == "weekday_not_allowed"
    nothing_written()


def test_the_general_permit_in_phase_2_is_one_per_weekend_and_only_on_weekends():
    # given a comuna in phase 2
    precinct, citizen, run = permit_world(phase=2)
    saturday = next_weekday(6)
    general = {"permit_type": "general"}

    # when the citizen asks for one on a Wednesday, then Saturday morning, then Saturday afternoon
    weekday = refusal(citizen, permit_input(precinct, starts_at=at_local(next_weekday(3), 10), **general))
    first = permit_issue(requester=citizen, data=permit_input(precinct, starts_at=at_local(saturday, 10), **general))
    second = refusal(citizen, permit_input(precinct, starts_at=at_local(saturday, 15), **general))

    # then Wednesday breaks the weekday rule, the morning is issued and the afternoon is over the weekend's quota
    assert weekday.code == "weekday_not_allowed"
    assert first.permit.ends_at - first.permit.starts_at == dt.timedelta(hours=2)
    assert (second.code, second.message) == ("weekly_quota_reached", MESSAGES["weekly_quota_reached"].format(
        quota=1, period=PERIOD_NAMES["weekend"]))  # fmt: skip
    assert list(PermitQuotaUse.objects.values_list("period_start", "used")) == [(saturday, 1)]
    assert Permit.objects.count() == 1


def test_over_the_weekly_quota_is_refused_and_nothing_is_written():
    # given two shopping permits this week
    precinct, citizen, run = permit_world()
    day = next_weekday(1)
    for hour in (9, 14):
        permit_issue(requester=citizen, data=permit_input(precinct, starts_at=at_local(day, hour)))

    # when a third one is asked for the same week
    error = refusal(citizen, permit_input(precinct, starts_at=at_local(day, 18)))

    # then it is refused and the count stays at two
    assert error.code == "weekly_quota_reached"
    assert Permit.objects.count() == 2
    assert list(PermitQuotaUse.objects.values_list("used", flat=True)) == [2]


def test_a_start_in_the_past_or_too_far_ahead_is_refused():
    precinct, citizen, run = permit_world()
    past = refusal(citizen, permit_input(precinct, starts_at=at_local(today() - dt.timedelta(days=1), 10)))
    ahead = refusal(citizen, permit_input(precinct, starts_at=at_local(today() + dt.timedelta(days=9), 10)))
    assert (past.code, ahead.code) == ("start_in_past", "start_too_far_ahead")
    nothing_written()


def test_a_comuna_without_a_phase_needs_no_permit():
    precinct, citizen, run = permit_world()
    other = comuna_in_phase(1, column=1, name="San Ramón")
    other.permit_phase.delete()
    assert refusal(citizen, permit_input(other)).code == "comuna_without_restrictions"


def test_an_unknown_or_withdrawn_type_and_an_unknown_comuna_are_refused_naming_the_field():
    precinct, citizen, run = permit_world()
    PermitType.objects.filter(code="funeral").update(is_active=False)
    answers = []
    for data in (
        permit_input(precinct, permit_type="teleport"),
        permit_input(precinct, permit_type="funeral", reason="Funeral de mi abuela"),
        permit_input(precinct, comuna="99999"),
        permit_input(precinct, permit_type="teleport", comuna="99999"),
    ):
        with pytest.raises(DomainError) as caught:
            permit_issue(requester=citizen, data=data)
        answers.append((type(caught.value), caught.value.field, str(caught.value.message)))
    assert answers == [
        (DomainError, "permit_type", str(ERROR_UNKNOWN_TYPE)),
        (DomainError, "permit_type", str(ERROR_UNKNOWN_TYPE)),
        (DomainError, "comuna", str(ERROR_UNKNOWN_COMUNA)),
        (DomainError, "permit_type", str(ERROR_UNKNOWN_TYPE)),
    ]
    nothing_written()


def test_a_collective_type_is_for_employers_only():
    precinct, citizen, run = permit_world()
    error = refusal(citizen, permit_input(precinct, permit_type="collective_workweek"))
    assert error.code == "type_collective_only"


def test_the_same_form_sent_twice_issues_one_permit():
    precinct, citizen, run = permit_world()
    data = permit_input(precinct)
    first = permit_issue(requester=citizen, data=data)
    again = permit_issue(requester=citizen, data=data)
    assert (again.is_new, again.permit.id) == (False, first.permit.id)
    assert list(PermitQuotaUse.objects.values_list("used", flat=True)) == [1]


@pytest.mark.django_db(transaction=True)
def test_the_quota_holds_when_requests_race():
    # given a citizen with two shopping permits left this week
    precinct, citizen, run = permit_world()
    barrier = threading.Barrier(5)
    outcomes = []

    def ask(hour: int):
        try:
            barrier.wait()
            permit_issue(requester=citizen, data=permit_input(precinct, starts_at=tomorrow_at(hour)))
            outcomes.append("issued")
        except PermitRefused as error:
            outcomes.append(error.code)
        finally:
            connections.close_all()

    # when five requests arrive at the same moment
    threads = [threading.Thread(target=ask, args=(hour,)) for hour in range(8, 13)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then exactly two are issued
    assert sorted(outcomes) == ["issued", "issued", "weekly_quota_reached", "weekly_quota_reached",
                                "weekly_quota_reached"]  # fmt: skip
    assert Permit.objects.count() == 2
    assert list(PermitQuotaUse.objects.values_list("used", flat=True)) == [2]


def test_an_unverified_account_cannot_ask():
    from backend.station.identity.checks import NotVerified

    precinct, _, _ = permit_world()
    with pytest.raises(NotVerified):
        permit_issue(requester=verified_citizen(identity_verified_by="", identity_verified_at=None),
                     data=permit_input(precinct))  # fmt: skip
    nothing_written()


def test_the_15_minute_delay_moves_the_start():
    from django.utils import timezone

    precinct, citizen, run = permit_world()
    now = timezone.now()
    # a medical permit asked "now" starts 15 minutes later (if that is within its hours)
    permit_type = PermitType.objects.get(code="medical")
    permit_type.earliest_start, permit_type.latest_end = dt.time(0, 0), dt.time(23, 59)
    permit_type.duration_minutes = 30
    permit_type.save()
    local = timezone.localtime(now)
    if local.hour == 23 and local.minute >= 14:
        pytest.skip("The 15-minute delay would cross midnight")
    permit = permit_issue(requester=citizen, data=permit_input(precinct, permit_type="medical", starts_at=now,
                                                               reason="Control")).permit  # fmt: skip
    assert dt.timedelta(minutes=15) <= permit.starts_at - now.replace(microsecond=0) < dt.timedelta(minutes=16)
