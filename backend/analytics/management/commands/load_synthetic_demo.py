from django.core.management.base import BaseCommand, CommandError

from backend.analytics.estimation import LINKAGE_PRESETS
from backend.analytics.services.demo import demo_months, synthetic_demo_load
from backend.analytics.services.linkage import incident_links_compute
from backend.geo.models import Precinct


class Command(BaseCommand):
    help = "Load synthetic formal reports, alerts with timelines and registered addresses over the loaded precincts."

    def add_arguments(self, parser):
        parser.add_argument("--months", type=int, default=3, help="months ending with the current one")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, months: int, seed: int, **options):
        if months < 1:
            raise CommandError("--months must be at least 1.")
        if not Precinct.objects.exists():
            raise CommandError("Load precincts first (manage.py load_precincts FILE).")
        result = synthetic_demo_load(months=months, seed=seed)
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.true_incidents} true incidents: {result.formal_reports} formal reports, "
                f"{result.alerts} alerts ({result.steps} timeline steps), {result.addresses} registered addresses."
            )
        )
        for skipped in result.skipped:
            self.stdout.write(f"Skipped {skipped}.")
        # Link the two sources so the dark figure has its m; analysts would review these proposals.
        precinct_ids = list(Precinct.objects.values_list("id", flat=True))
        for month in demo_months(months):
            for preset in LINKAGE_PRESETS:
                summary = incident_links_compute(precinct_ids=precinct_ids, month=month, preset=preset)
                self.stdout.write(f"Linked {month.first_day:%Y-%m} ({preset}): {summary.proposed} proposed links.")
