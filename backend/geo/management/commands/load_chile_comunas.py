import json

from django.contrib.gis.geos import GEOSGeometry, MultiPolygon
from django.core.management.base import BaseCommand
from tqdm import tqdm

from backend.geo.boundary_files import BoundaryRecord
from backend.geo.dpa import iter_comunas
from backend.geo.services import precincts_import


def _record(comuna) -> BoundaryRecord:
    geometry = GEOSGeometry(json.dumps(comuna.geometry), srid=4326)
    if geometry.geom_type == "Polygon":
        geometry = MultiPolygon(geometry, srid=4326)
    if not geometry.valid:
        geometry = geometry.buffer(0)
        geometry = geometry if geometry.geom_type == "MultiPolygon" else MultiPolygon(geometry, srid=4326)
    return BoundaryRecord(
        code=comuna.code,
        name=comuna.name,
        boundary=geometry,
        prefecture_code=f"REGION-{comuna.region_code}",
        prefecture_name=comuna.region_name,
    )


class Command(BaseCommand):
    help = "Load all 345 comunas of Chile (DPA 2023) as precincts, one prefecture per region."

    def handle(self, *args, **options):
        records = [_record(comuna) for comuna in iter_comunas()]
        with tqdm(total=len(records), unit="comuna", disable=options["verbosity"] == 0) as bar:
            # Precincts already loaded (e.g. the South Precinct fixture) keep their prefecture and census data.
            result = precincts_import(records=records, keep_existing_prefecture=True, progress=lambda r: bar.update())
        self.stdout.write(
            self.style.SUCCESS(f"{result.created} created, {result.updated} updated, {result.unchanged} unchanged.")
        )
