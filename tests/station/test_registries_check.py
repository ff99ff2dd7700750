"""The registry check: one indexed lookup per RUN, the staleness policy, overrides, live sources, the audit."""

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from backend.common.errors import DomainError, Forbidden
from backend.station.models import RegistryBatch, RegistryQuery
from backend.station.registries.adapters import PERSON_REGISTRIES
from backend.station.registries.runs import run_format
from backend.station.registries.services import (
    ERROR_OVERRIDE_REASON,
    ERROR_OVERRIDE_ROLE,
    registry_check,
    registry_override_create,
    registry_override_withdraw,
)
from tests.factories import UserFactory
from tests.factories.station import station_officer
from tests.factories.station_registries import batch_import, living, quarantine, registries_load, today
from tests.station.test_registries_import import registry_server  # noqa: F401 - the loopback registry fixture

pytestmark = pytest.mark.django_db
PERSON = 15123456


def check(run=PERSON, registries=PERSON_REGISTRIES, **kwargs):
    return registry_check(run=run, registries=registries, procedure="test", **kwargs)


def summary(verdict) -> list[tuple]:
    return [(a.registry, a.result, [r.code for r in a.restrictions], a.is_stale) for a in verdict.answers]


def test_a_living_person_without_restrictions_is_clear_and_every_query_is_audited():
    # given fresh registries that know the person and restrict others
    batches = registries_load(living_runs=[PERSON], quarantined=[22222222], custody=[33333333])
    officer = station_officer()

    # when the officer's procedure asks about them
    verdict = check(asked_by=officer)

    # then every registry answers clear, and the audit has one row per registry with its batch
    assert verdict.is_clear
    assert summary(verdict) == [("health", "clear", [], False), ("custody", "clear", [], False),
                                ("civil", "clear", [], False)]  # fmt: skip
    rows = list(RegistryQuery.objects.order_by("id").values_list(
        "asked_by", "procedure", "run", "registry", "result", "restrictions", "batch_id", "is_stale"))  # fmt: skip
    assert rows == [
        (officer.id, "test", PERSON, "health", "clear", "", batches["health"].batch.id, False),
        (officer.id, "test", PERSON, "custody", "clear", "", batches["custody"].batch.id, False),
        (officer.id, "test", PERSON, "civil", "clear", "", batches["civil"].batch.id, False),
    ]
    assert RegistryQuery.objects.get(registry="health").source == f"batch:{batches['health'].batch.source}"


def test_a_quarantined_person_is_restricted_until_the_registry_date():
    registries_load(living_runs=[PERSON], quarantined=[PERSON])
    verdict = check()
    assert summary(verdict)[0] == ("health", "restricted", ["health_quarantine"], False)
    assert verdict.restrictions[0].valid_until == today() + dt.timedelta(days=13)
    assert RegistryQuery.objects.get(registry="health").restrictions == "health_quarantine:positive_test"


def test_a_quarantine_that_ended_or_has_not_begun_does_not_restrict_today():
    registries_load(living_runs=[PERSON])
    ended = quarantine(PERSON, start=today() - dt.timedelta(days=30))
    coming = quarantine(PERSON, kind="close_contact", start=today() + dt.timedelta(days=3))
    batch_import("health", [ended, coming])
    assert check().is_clear
    # but a permit reaching into the coming quarantine is restricted
    later = timezone.now() + dt.timedelta(days=4)
    assert [r.kind for r in check(start=later).restrictions] == ["close_contact"]


def test_an_unknown_and_a_deceased_run_are_restricted_by_the_civil_registry():
    registries_load(living_runs=[PERSON])
    batch_import("civil", [*living(PERSON), {"run": run_format(13579246), "status": "deceased",
                                              "deceased_on": "2020-04-02"}])  # fmt: skip
    assert [r.code for r in check(run=13579246).restrictions] == ["run_deceased"]
    assert [r.code for r in check(run=17654321).restrictions] == ["run_unknown"]


def test_the_check_is_one_query_for_the_lookup_and_one_insert_for_the_audit():
    registries_load(living_runs=[PERSON])
    with CaptureQueriesContext(connection) as queries:
        check()
    statements = [query["sql"].split()[0] for query in queries.captured_queries]
    # the one lookup (overrides in force and the current batches together), the audit's one INSERT
    assert statements == ["SELECT", "INSERT"]
    plan = _explain_lookup()
    assert "registryrecord_batch_run" in plan


def _explain_lookup() -> str:
    from backend.station.registries.sources import _CURRENT_LOOKUP

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + _CURRENT_LOOKUP, [list(PERSON_REGISTRIES), timezone.now(), PERSON])
        return "\n".join(row[0] for row in cursor.fetchall())


def test_stale_health_data_fails_closed_but_stale_civil_data_answers_and_says_so():
    # given batches imported three days ago
    three_days_ago = today() - dt.timedelta(days=3)
    batch_import("civil", living(PERSON), effective_date=three_days_ago)
    batch_import("health", [quarantine(2)], effective_date=three_days_ago)
    batch_import("custody", [{"run": run_format(3), "kind": "house_arrest", "valid_from": "2020-01-01"}])
    RegistryBatch.objects.filter(registry="civil").update(effective_date=today() - dt.timedelta(days=8))

    # when the person is checked
    verdict = check()

    # then health is unavailable (fail closed), custody is fresh, civil answers from its stale batch
    assert summary(verdict) == [("health", "unavailable", [], True), ("custody", "clear", [], False),
                                ("civil", "clear", [], True)]  # fmt: skip
    assert verdict.unavailable == ["health"]
    assert not verdict.is_clear
    assert list(RegistryQuery.objects.order_by("id").values_list("result", "is_stale")) == [
        ("unavailable", True), ("clear", False), ("clear", True)]  # fmt: skip


def test_a_registry_never_imported_fails_closed():
    batch_import("civil", living(PERSON))
    verdict = check()
    assert verdict.unavailable == ["health", "custody"]
    assert list(RegistryQuery.objects.order_by("id").values_list("registry", "result", "source", "batch")) == [
        ("health", "unavailable", "batch:none", None), ("custody", "unavailable", "batch:none", None),
        ("civil", "clear", RegistryQuery.objects.get(registry="civil").source,
         RegistryBatch.objects.get(registry="civil").id)]  # fmt: skip


def test_an_administrator_override_lets_stale_health_data_answer_and_the_audit_names_it():
    # given stale health data and an administrator's recorded override
    registries_load(living_runs=[PERSON], quarantined=[PERSON])
    RegistryBatch.objects.filter(registry="health").update(effective_date=today() - dt.timedelta(days=3))
    administrator = UserFactory(role="administrator")
    override = registry_override_create(registry="health", reason="MINSAL's file is late; confirmed by phone.",
                                        hours=6, actor=administrator)  # fmt: skip

    # when the person is checked
    verdict = check()

    # then the stale batch answers (still restricted) and the audit row points at the override
    assert summary(verdict)[0] == ("health", "restricted", ["health_quarantine"], True)
    assert RegistryQuery.objects.get(registry="health").override_id == override.id

    # and once withdrawn, the registry fails closed again
    registry_override_withdraw(override_id=override.id, actor=administrator)
    assert check().unavailable == ["health"]


def test_only_an_administrator_overrides_and_always_with_a_reason():
    officer = station_officer()
    with pytest.raises(Forbidden) as role:
        registry_override_create(registry="health", reason="x", hours=1, actor=officer)
    with pytest.raises(DomainError) as reason:
        registry_override_create(registry="health", reason="  ", hours=1, actor=UserFactory(role="administrator"))
    assert (role.value.message, reason.value.message) == (ERROR_OVERRIDE_ROLE, ERROR_OVERRIDE_REASON)


def test_a_live_http_source_answers_through_the_same_interface(registry_server, settings):  # noqa: F811
    # given MINSAL as a live source on loopback, which has the person in quarantine
    batch_import("civil", living(PERSON))
    batch_import("custody", [{"run": run_format(3), "kind": "house_arrest", "valid_from": "2020-01-01"}])
    body = {
        "batch": {"id": "minsal-2025-05-01", "effective_date": today().isoformat()},
        "records": [
            {
                "kind": "positive_test",
                "valid_from": today().isoformat(),
                "valid_until": (today() + dt.timedelta(days=10)).isoformat(),
                "reference": "EPI-9",
            }
        ],
    }
    registry_server.files[f"/records/{PERSON}"] = (json.dumps(body).encode(), "application/json")
    settings.STATION_REGISTRY_LIVE_URLS = {"health": registry_server.url}  # fmt: skip

    # when the person is checked
    verdict = check()

    # then the live answer restricts them, and the audit names the live source and its batch
    assert summary(verdict)[0] == ("health", "restricted", ["health_quarantine"], False)
    audit = RegistryQuery.objects.get(registry="health")
    assert (audit.source, audit.batch_id) == (f"live:{registry_server.url} batch minsal-2025-05-01", None)


def test_a_live_source_that_does_not_answer_fails_closed(registry_server, settings):  # noqa: F811
    batch_import("civil", living(PERSON))
    settings.STATION_REGISTRY_LIVE_URLS = {"health": registry_server.url, "custody": "http://127.0.0.1:9/"}
    verdict = check()
    assert verdict.unavailable == ["health", "custody"]
