"""Load the electoral registry (polling stations and RUN → station) from CSV files; see elections/registry.py."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from backend.station.elections.registry import STATION_COLUMNS, VOTER_COLUMNS, registry_apply, registry_read

SAMPLE_DIRECTORY = Path(__file__).resolve().parents[4] / "fixtures" / "elections"


class Command(BaseCommand):
    help = (
        "Load polling stations (" + ",".join(STATION_COLUMNS) + ") and the voter table (" + ",".join(VOTER_COLUMNS)
        + "). All or nothing: every bad row is reported (file:line: reason) and nothing is applied unless both "
        "files are clean; a clean load is written in one transaction. Rows are upserted by station code and RUN. "
        "--sample loads the files shipped in fixtures/elections/."
    )  # fmt: skip

    def add_arguments(self, parser):
        parser.add_argument("--stations", type=Path)
        parser.add_argument("--voters", type=Path)
        parser.add_argument("--sample", action="store_true", help="the sample files in fixtures/elections/")
        parser.add_argument("--check", action="store_true", help="report bad rows only, write nothing")

    def handle(self, *args, stations: Path | None, voters: Path | None, sample: bool, check: bool, **options):
        if sample:
            stations = stations or SAMPLE_DIRECTORY / "polling_stations.csv"
            voters = voters or SAMPLE_DIRECTORY / "voter_registry.csv"
        if stations is None and voters is None:
            raise CommandError("Give --stations, --voters, or --sample.")
        for path in (stations, voters):
            if path is not None and not path.is_file():
                raise CommandError(f"No such file: {path}")
        load = registry_read(stations_path=stations, voters_path=voters)
        if not load.is_clean:
            for error in load.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(load.errors)} bad row(s); nothing was applied.")
        self.stdout.write(f"Checked {len(load.stations)} station(s) and {len(load.voters)} voter(s): no bad rows.")
        if check:
            return
        total = len(load.stations) + len(load.voters)
        written = 0

        def progress(count: int) -> None:
            nonlocal written
            written += count
            self.stdout.write(f"  {written}/{total} rows written")

        registry_apply(load=load, progress=progress)
        self.stdout.write(self.style.SUCCESS(f"Loaded {len(load.stations)} station(s), {len(load.voters)} voter(s)."))
