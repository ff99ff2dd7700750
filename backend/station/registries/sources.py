"""Where a registry's answer comes from: its current imported batch (one indexed lookup), or a live HTTP source.

Both give the same ``SourceAnswer``: the records held about one RUN and which batch (and effective date) they
belong to; the adapters turn records into restrictions. A live source is configured per registry in
``STATION_REGISTRY_LIVE_URLS`` (``{"health": "https://…"}``) and answers ``GET <url>/records/<run>`` with
``{"batch": {"id": "…", "effective_date": "YYYY-MM-DD"}, "records": [{"kind", "valid_from", "valid_until",
"reference", "related_run"}]}``; a source that does not answer in time counts as missing (and fails closed).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import requests
from django.conf import settings
from django.db import connection

from .adapters import Record

LIVE_TIMEOUT_SECONDS = 2.0

# One statement for every registry asked about: the newest override in force (an administrator's, see
# services.registry_override), the current batch, and the RUN's rows in it. Asked on every permit and every
# checkpoint scan; one round trip instead of two.
_CURRENT_LOOKUP = """
SELECT asked.registry, o.id, b.id, b.effective_date, b.source,
       r.kind, r.valid_from, r.valid_until, r.reference, r.related_run
FROM unnest(%s::varchar[]) AS asked (registry)
LEFT JOIN LATERAL (
    SELECT id FROM station_registryoverride
    WHERE registry = asked.registry AND withdrawn_at IS NULL AND expires_at > %s
    ORDER BY created_at DESC, id DESC LIMIT 1
) o ON true
LEFT JOIN station_registrybatch b ON b.registry = asked.registry AND b.is_current
LEFT JOIN station_registryrecord r ON r.batch_id = b.id AND r.run = %s
"""


@dataclass(frozen=True)
class SourceAnswer:
    registry: str
    records: tuple[Record, ...]
    source: str
    batch_id: int | None = None
    effective_date: dt.date | None = None

    @property
    def has_data(self) -> bool:
        return self.effective_date is not None


def live_urls() -> dict[str, str]:
    return dict(getattr(settings, "STATION_REGISTRY_LIVE_URLS", {}) or {})


@dataclass(frozen=True)
class Lookup:
    """Each registry's answer about one RUN, and the override in force for it (its id), if any."""

    answers: dict[str, SourceAnswer]
    overrides: dict[str, int]


def _batches_lookup(*, run: int, registries: list[str], now: dt.datetime) -> tuple[dict[str, SourceAnswer], dict]:
    """The current batches' answers (a registry without one is absent) and the overrides in force."""
    found: dict[str, dict] = {}
    overrides: dict[str, int] = {}
    with connection.cursor() as cursor:
        cursor.execute(_CURRENT_LOOKUP, [list(registries), now, run])
        for (
            registry,
            override,
            batch_id,
            effective,
            source,
            kind,
            valid_from,
            valid_until,
            reference,
            related,
        ) in cursor:
            if override is not None:
                overrides[registry] = override
            if batch_id is None:
                continue
            entry = found.setdefault(registry, {"batch_id": batch_id, "effective": effective, "source": source,
                                                "records": []})  # fmt: skip
            if kind is not None:
                entry["records"].append(Record(run, kind, valid_from, valid_until, reference, related))
    answers = {
        registry: SourceAnswer(
            registry, tuple(entry["records"]), f"batch:{entry['source']}", entry["batch_id"], entry["effective"]
        )  # fmt: skip
        for registry, entry in found.items()
    }
    return answers, overrides


def live_lookup(*, registry: str, url: str, run: int) -> SourceAnswer:
    """Ask a live source; no answer (timeout, error, nonsense) is an answer without data."""
    base = url.rstrip("/")
    try:
        response = requests.get(f"{base}/records/{run}", timeout=LIVE_TIMEOUT_SECONDS)
        response.raise_for_status()
        body = response.json()
        batch = body["batch"]
        records = tuple(
            Record(
                run=run,
                kind=str(item["kind"]),
                valid_from=dt.date.fromisoformat(item["valid_from"]) if item.get("valid_from") else None,
                valid_until=dt.date.fromisoformat(item["valid_until"]) if item.get("valid_until") else None,
                reference=str(item.get("reference") or "")[:40],
                related_run=int(item["related_run"]) if item.get("related_run") else None,
            )
            for item in body["records"]
        )
        effective = dt.date.fromisoformat(batch["effective_date"])
    except (requests.RequestException, ValueError, KeyError, TypeError):
        return SourceAnswer(registry, (), f"live:{base}")
    return SourceAnswer(registry, records, f"live:{base} batch {str(batch.get('id', ''))[:40]}", None, effective)


def sources_lookup(*, run: int, registries: list[str], now: dt.datetime) -> Lookup:
    """Every registry's answer about ``run``, each from its configured source, and the overrides in force at
    ``now`` (asked in the same statement as the batches: every check needs both)."""
    live = live_urls()
    answers, overrides = _batches_lookup(run=run, registries=registries, now=now)
    for registry in registries:
        if registry in live:
            answers[registry] = live_lookup(registry=registry, url=live[registry], run=run)
        elif registry not in answers:
            answers[registry] = SourceAnswer(registry, (), "batch:none")
    return Lookup(answers=answers, overrides=overrides)
