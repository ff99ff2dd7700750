from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from backend.analytics.models import ReportSource
from backend.analytics.services.formal_reports import (
    ImportFileError,
    formal_report_rows_read,
    formal_reports_import,
    rejects_write,
)


class Command(BaseCommand):
    help = "Import formal reports (CSV or GeoJSON); bad rows go to a rejects CSV, good rows load, re-runs are safe."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--source", choices=ReportSource.values, default=ReportSource.POLICE_RECORDS)
        parser.add_argument("--rejects", type=Path, help="where to write rejected rows (default: FILE.rejects.csv)")

    def handle(self, *args, path: Path, source: str, rejects: Path | None, **options):
        path = Path(path)
        if not path.exists():
            raise CommandError(f"{path} does not exist.")
        try:
            total, raw_rows = formal_report_rows_read(path)
            with tqdm(total=total, unit="row", disable=options["verbosity"] == 0) as bar:
                result = formal_reports_import(raw_rows=raw_rows, source=source, progress=bar.update)
        except ImportFileError as error:
            raise CommandError(str(error)) from error
        rejects_path = Path(rejects) if rejects else path.with_name(path.name + ".rejects.csv")
        if result.rejects or rejects:
            rejects_write(rejects=result.rejects, path=rejects_path)
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.inserted} inserted, {result.already_present} already present, {result.rejected} rejected."
            )
        )
        if result.rejects:
            self.stdout.write(f"Rejected rows: {rejects_path}")
