"""Registry batches for tests: CSV text in, imported batch out (through the real import service)."""

import datetime as dt
import io
import itertools

from django.utils import timezone

from backend.station.registries.adapters import ADAPTERS
from backend.station.registries.runs import run_format
from backend.station.registries.services import registry_batch_import


def today() -> dt.date:
    return timezone.localdate()


def csv_text(registry: str, rows: list[dict]) -> str:
    columns = ADAPTERS[registry].columns
    lines = [",".join(columns)]
    lines += [",".join(str(row.get(column, "")) for column in columns) for row in rows]
    return "\n".join(lines) + "\n"


def batch_import(registry: str, rows: list[dict], *, effective_date=None, name: str | None = None):
    """Import ``rows`` as the registry's new current batch; returns the BatchImport."""
    text = csv_text(registry, rows)
    return registry_batch_import(
        registry=registry,
        stream=io.BytesIO(text.encode()),
        source=name or f"{registry}-{len(rows)}-{abs(hash(text))}.csv",
        effective_date=effective_date or today(),
    )


def quarantine(run: int, *, days: int = 14, kind: str = "positive_test", start: dt.date | None = None) -> dict:
    start = start or today() - dt.timedelta(days=1)
    return {"run": run_format(run), "kind": kind, "valid_from": start.isoformat(),
            "valid_until": (start + dt.timedelta(days=days)).isoformat(), "reference": "EPI-1"}  # fmt: skip


def living(*runs: int) -> list[dict]:
    return [{"run": run_format(run), "status": "living", "deceased_on": ""} for run in runs]


# RUNs nobody uses, so each load's files differ (the same bytes twice are refused as already imported).
_placeholders = itertools.count(1_000)


def registries_load(*, living_runs=(), quarantined=(), custody=(), employers=()) -> dict:
    """Fresh batches of the three person registries (and SII when ``employers`` are given)."""
    placeholder = next(_placeholders)
    batches = {
        "civil": batch_import("civil", living(*living_runs, placeholder)),
        "health": batch_import("health", [quarantine(run) for run in (*quarantined, placeholder)]),
        "custody": batch_import(
            "custody",
            [
                {"run": run_format(run), "kind": "house_arrest", "valid_from": "2020-01-01"}
                for run in (*custody, placeholder)
            ],
        ),
    }
    if employers:
        batches["employer"] = batch_import("employer", list(employers))
    return batches
