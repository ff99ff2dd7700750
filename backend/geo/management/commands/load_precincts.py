from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from backend.common.errors import DomainError
from backend.geo.boundary_files import AttributeMap, BoundaryFileError, read_boundary_file
from backend.geo.services import precincts_import


class Command(BaseCommand):
    help = "Import precinct boundaries from a GeoJSON, Shapefile or GeoPackage file (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--code-field", default="code")
        parser.add_argument("--name-field", default="name")
        parser.add_argument("--population-field", default="population")
        parser.add_argument("--census-year-field", default="census_year")
        parser.add_argument(
            "--prefecture", nargs=2, metavar=("CODE", "NAME"), help="prefecture for features naming none"
        )
        parser.add_argument("--keep-existing-prefecture", action="store_true")

    def handle(self, *args, path: Path, **options):
        if not path.exists():
            raise CommandError(f"{path} does not exist.")
        attributes = AttributeMap(
            code=options["code_field"],
            name=options["name_field"],
            population=options["population_field"],
            census_year=options["census_year_field"],
        )
        try:
            # Validate every feature before writing anything, so a broken file leaves the database as it was.
            records = list(read_boundary_file(path, attributes))
            with tqdm(total=len(records), unit="precinct", disable=options["verbosity"] == 0) as bar:
                result = precincts_import(
                    records=records,
                    default_prefecture=tuple(options["prefecture"]) if options["prefecture"] else None,
                    keep_existing_prefecture=options["keep_existing_prefecture"],
                    progress=lambda record: bar.update(),
                )
        except (BoundaryFileError, DomainError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(f"{result.created} created, {result.updated} updated, {result.unchanged} unchanged.")
        )
