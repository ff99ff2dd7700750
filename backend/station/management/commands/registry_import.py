"""Import a registry's daily file (or download it) as a new batch, then re-scan the active permits against it."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from backend.common.errors import DomainError
from backend.station.models import Registry
from backend.station.permits.services import permits_rescan
from backend.station.registries.services import RegistryFileInvalid, registry_batch_fetch, registry_batch_import

SHOWN_ERRORS = 50


class Command(BaseCommand):
    help = (
        "Import a restriction registry's daily file (CSV with a header row, or JSON) as a new versioned batch, "
        "with its SHA-256, row count and effective date, then re-scan the active permits against it. "
        "ALL OR NOTHING: a file with any bad row (a bad RUN or check digit, a bad date, an unknown kind, a "
        "duplicated row, the wrong columns) is refused whole; every bad row is reported and nothing is applied, "
        "in one transaction, so the registry keeps its current batch. FILE may be an http(s) URL."
    )

    def add_arguments(self, parser):
        parser.add_argument("registry", choices=[choice.value for choice in Registry])
        parser.add_argument("file", help="Path to a .csv or .json file, or an http(s) URL.")
        parser.add_argument("--effective-date", help="YYYY-MM-DD (default: the JSON file's own, else today).")
        parser.add_argument("--no-rescan", action="store_true", help="Import only; re-scan later.")

    def handle(self, *args, registry: str, file: str, effective_date: str | None, no_rescan: bool, **options):
        quiet = options["verbosity"] == 0
        try:
            if file.startswith(("http://", "https://")):
                with tqdm(unit="B", unit_scale=True, desc=registry, disable=quiet, file=self.stderr) as bar:
                    result = registry_batch_fetch(registry=registry, url=file, progress=bar.update)
            else:
                path = Path(file)
                if not path.is_file():
                    raise CommandError(f"No file at {path}.")
                with (
                    path.open("rb") as stream,
                    tqdm(total=path.stat().st_size, unit="B", unit_scale=True, desc=registry, disable=quiet,
                         file=self.stderr) as bar,
                ):  # fmt: skip
                    result = registry_batch_import(registry=registry, stream=stream, source=path.name,
                                                   effective_date=effective_date, progress=bar.update)  # fmt: skip
        except RegistryFileInvalid as error:
            for row in error.errors[:SHOWN_ERRORS]:
                self.stderr.write(f"  line {row.line}: {row.message}")
            if error.error_count > SHOWN_ERRORS:
                self.stderr.write(f"  … and {error.error_count - SHOWN_ERRORS} more")
            raise CommandError(str(error.message)) from error
        except DomainError as error:
            raise CommandError(str(error.message)) from error
        batch = result.batch
        self.stdout.write(
            f"Batch {batch.id} of {registry}: {batch.row_count} rows, effective {batch.effective_date}, "
            f"sha256 {batch.checksum[:16]}…, now current"
            + (f" (replaces batch {result.previous_batch_id})." if result.previous_batch_id else ".")
        )
        if not no_rescan:
            rescan = permits_rescan(batch_id=batch.id)
            self.stdout.write(
                f"Re-scan: {rescan.active_count} active permits, {rescan.revoked_count} revoked, "
                f"{rescan.flagged_count} flagged."
            )
