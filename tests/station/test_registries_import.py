"""Registry imports: versioned batches, the all-or-nothing rule for malformed files, the command, HTTP sources."""

import datetime as dt
import hashlib
import io
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from backend.common.errors import Conflict, DomainError
from backend.station.models import RegistryBatch, RegistryRecord
from backend.station.registries.runs import InvalidRun, run_check_digit, run_format, run_parse
from backend.station.registries.services import (
    ERROR_ALREADY_IMPORTED,
    ERROR_EFFECTIVE_OLDER,
    ERROR_FILE_INVALID,
    RegistryFileInvalid,
    registry_batch_fetch,
    registry_batch_import,
    registry_batches_prune,
)
from tests.factories.station_registries import batch_import, csv_text, living, quarantine, today

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "registries"
HEALTH_HEADER = "run,kind,valid_from,valid_until,reference\n"


def import_text(registry: str, text: str, *, name: str = "file.csv", effective_date=None):
    return registry_batch_import(
        registry=registry, stream=io.BytesIO(text.encode()), source=name, effective_date=effective_date or today()
    )


def refused(registry: str, text: str) -> RegistryFileInvalid:
    with pytest.raises(RegistryFileInvalid) as caught:
        import_text(registry, text)
    return caught.value


def test_runs_are_integers_whose_check_digit_is_verified():
    assert run_parse("12.345.678-5") == 12345678
    assert run_parse("16543210-k") == 16543210
    assert run_format(16543210) == "16543210-K"
    assert run_check_digit(44444444) == "4"
    for bad in ("12345678-9", "", "abc-1", "0-0", "123456789-0"):
        with pytest.raises(InvalidRun):
            run_parse(bad)


def test_a_csv_file_becomes_the_current_batch_with_its_checksum_row_count_and_effective_date():
    # given the shipped health sample
    data = (FIXTURES / "health.csv").read_bytes()

    # when it is imported
    result = registry_batch_import(
        registry="health", stream=io.BytesIO(data), source="health.csv", effective_date=dt.date(2020, 4, 5)
    )

    # then it is the current batch, with exact metadata and its rows as integers
    batch = RegistryBatch.objects.get()
    assert (batch.id, batch.registry, batch.is_current, batch.source) == (result.batch.id, "health", True, "health.csv")
    assert batch.checksum == hashlib.sha256(data).hexdigest()
    assert (batch.row_count, batch.effective_date) == (2, dt.date(2020, 4, 5))
    assert list(batch.records.order_by("run").values_list("run", "kind", "valid_until")) == [
        (55555555, "positive_test", dt.date(2020, 4, 14)),
        (88888888, "close_contact", dt.date(2020, 4, 13)),
    ]
    assert result.previous_batch_id is None


def test_a_new_batch_replaces_the_current_one_and_keeps_the_old_rows_until_pruned():
    # given a current civil batch
    first = batch_import("civil", living(11111111, 22222222)).batch

    # when the next day's file is imported
    second = batch_import("civil", living(11111111)).batch

    # then only the new one is current, and the old rows stay until pruned
    assert list(RegistryBatch.objects.filter(is_current=True).values_list("id", flat=True)) == [second.id]
    assert RegistryRecord.objects.filter(batch=first).count() == 2
    assert registry_batches_prune(registry="civil", keep=1) == 2
    assert RegistryRecord.objects.filter(batch=first).count() == 0
    assert RegistryBatch.objects.filter(id=first.id).exists()


def test_a_json_file_carries_its_own_effective_date():
    # given a JSON SII file that says which day it describes
    document = {"effective_date": (today() - dt.timedelta(days=2)).isoformat(),
                "rows": json.loads((FIXTURES / "employer.json").read_text())["rows"]}  # fmt: skip

    # when it is imported without an effective date
    batch = registry_batch_import(
        registry="employer", stream=io.BytesIO(json.dumps(document).encode()), source="sii.json"
    ).batch

    # then the file's date is the batch's, and the legal representative is kept
    assert batch.effective_date == today() - dt.timedelta(days=2)
    assert list(batch.records.order_by("run").values_list("run", "kind", "reference", "related_run")) == [
        (76543210, "active", "471100", 44444444),
        (77123456, "ceased", "561000", 12345678),
    ]


def test_a_file_with_a_bad_run_is_refused_whole():
    # given a current health batch
    current = batch_import("health", [quarantine(11111111)]).batch

    # when a file with one good row and one wrong check digit is imported
    error = refused("health", HEALTH_HEADER + "22222222-2,quarantine,2020-04-01,2020-04-14,A\n"
                                              "12345678-9,quarantine,2020-04-01,2020-04-14,B\n")  # fmt: skip

    # then the bad row is reported, nothing is applied and the old batch stays current
    assert [(row.line, row.message) for row in error.errors] == [
        (3, "run: '12345678-9' is not a valid RUN (check digit)")
    ]
    assert error.message == ERROR_FILE_INVALID.format(count=1)
    assert list(RegistryBatch.objects.values_list("id", "is_current")) == [(current.id, True)]
    assert RegistryRecord.objects.count() == 1


def test_a_file_with_bad_dates_is_refused_whole():
    error = refused("health", HEALTH_HEADER + "22222222-2,quarantine,2020-04-31,2020-05-14,A\n"
                                              "11111111-1,quarantine,2020-04-10,2020-04-01,B\n"
                                              "33333333-3,quarantine,,2020-04-01,C\n")  # fmt: skip
    assert [(row.line, row.message) for row in error.errors] == [
        (2, "valid_from: '2020-04-31' is not a date (YYYY-MM-DD)"),
        (3, "valid_until: before valid_from"),
        (4, "valid_from: missing date"),
    ]
    assert RegistryBatch.objects.count() == 0
    assert RegistryRecord.objects.count() == 0


def test_a_file_with_duplicated_rows_is_refused_whole():
    # given a health file repeating a row, and a civil file repeating a RUN
    health = refused("health", HEALTH_HEADER + "22222222-2,quarantine,2020-04-01,2020-04-14,A\n"
                                               "22222222-2,quarantine,2020-04-01,2020-04-14,A\n")  # fmt: skip
    civil = refused("civil", csv_text("civil", living(22222222, 22222222)))

    # then each names the duplicate, and nothing was written
    assert [(row.line, row.message) for row in health.errors] == [(3, "duplicates line 2")]
    assert [(row.line, row.message) for row in civil.errors] == [(3, "RUN 22222222 appears twice")]
    assert RegistryBatch.objects.count() == 0


def test_a_file_with_wrong_columns_is_refused_before_any_row():
    with pytest.raises(DomainError) as caught, translation.override("en"):
        import_text("health", "rut,kind,from,until,reference\n22222222-2,quarantine,2020-04-01,2020-04-14,A\n")
    assert caught.value.message == (
        "The file cannot be read: wrong columns: expected run, kind, valid_from, valid_until, reference; "
        "missing run, valid_from, valid_until; unknown rut, from, until"
    )
    assert RegistryBatch.objects.count() == 0


def test_a_row_with_the_wrong_number_of_values_and_an_unknown_kind_are_reported_with_the_others():
    error = refused("health", (FIXTURES / "health_malformed.csv").read_text())
    assert [(row.line, row.message) for row in error.errors] == [
        (3, "run: '12345678-9' is not a valid RUN (check digit)"),
        (4, "valid_from: '2020-04-31' is not a date (YYYY-MM-DD)"),
        (5, "duplicates line 2"),
        (6, "kind: 'flu' is not one of positive_test, close_contact, quarantine"),
        (7, "has 3 values, expected 5"),
    ]
    assert error.error_count == 5
    assert RegistryRecord.objects.count() == 0


def test_the_same_file_twice_and_an_older_file_are_refused():
    # given today's civil file imported
    text = csv_text("civil", living(11111111))
    first = import_text("civil", text).batch

    # when the same bytes come again, or a file describing an earlier day
    with pytest.raises(Conflict) as again:
        import_text("civil", text)
    with pytest.raises(DomainError) as older:
        import_text("civil", csv_text("civil", living(22222222)), effective_date=today() - dt.timedelta(days=3))

    # then both are refused and the first stays current alone
    assert again.value.message == ERROR_ALREADY_IMPORTED.format(batch=first.id)
    assert older.value.message == ERROR_EFFECTIVE_OLDER.format(date=today() - dt.timedelta(days=3), current=today())
    assert list(RegistryBatch.objects.values_list("id", "is_current")) == [(first.id, True)]


def test_the_command_imports_with_a_progress_bar_and_says_what_it_did(capsys):
    # when the shipped civil sample is imported by the command
    call_command("registry_import", "civil", str(FIXTURES / "civil.csv"))

    # then it reports the batch and the re-scan, and a progress bar was drawn
    batch = RegistryBatch.objects.get()
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        f"Batch {batch.id} of civil: 11 rows, effective {today()}, sha256 {batch.checksum[:16]}…, now current.",
        "Re-scan: 0 active permits, 0 revoked, 0 flagged.",
    ]
    assert "100%" in err


def test_the_command_reports_every_bad_row_and_fails(capsys):
    with pytest.raises(CommandError) as caught, translation.override("en"):
        call_command("registry_import", "health", str(FIXTURES / "health_malformed.csv"), verbosity=0)
    _, err = capsys.readouterr()
    assert str(caught.value) == "The file has 5 bad rows; nothing was imported."
    assert err.splitlines()[0] == "  line 3: run: '12345678-9' is not a valid RUN (check digit)"
    assert len(err.splitlines()) == 5
    assert RegistryBatch.objects.count() == 0


def test_the_command_help_states_the_all_or_nothing_rule():
    from backend.station.management.commands.registry_import import Command

    assert "ALL OR NOTHING" in Command.help
    assert "nothing is applied, in one transaction" in Command.help


class _Registry(BaseHTTPRequestHandler):
    files: dict = {}

    def do_GET(self):  # noqa: N802 - http.server's naming
        body, content_type = self.files.get(self.path, (None, None))
        if body is None:
            self.send_response(404)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def registry_server():
    """A registry's HTTP endpoint on loopback: daily files and per-RUN records."""
    _Registry.files = {}
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Registry)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    server.files = _Registry.files
    yield server
    server.shutdown()
    server.server_close()


def test_a_daily_file_is_downloaded_over_http_and_imported(registry_server):
    # given MINSAL's daily file served over HTTP
    text = csv_text("health", [quarantine(22222222)])
    registry_server.files["/daily/health.csv"] = (text.encode(), "text/csv")

    # when it is fetched
    batch = registry_batch_fetch(registry="health", url=f"{registry_server.url}/daily/health.csv").batch

    # then it is the current batch, named by its URL
    assert (batch.source, batch.row_count, batch.is_current) == (f"{registry_server.url}/daily/health.csv", 1, True)
    assert batch.checksum == hashlib.sha256(text.encode()).hexdigest()


def test_a_download_that_fails_imports_nothing(registry_server):
    with pytest.raises(DomainError) as caught:
        registry_batch_fetch(registry="health", url=f"{registry_server.url}/daily/missing.csv")
    assert caught.value.field == "url"
    assert RegistryBatch.objects.count() == 0
